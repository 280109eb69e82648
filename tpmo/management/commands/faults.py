"""python manage.py faults [--db sqlite|postgres] [--seconds 15]

Kill gunicorn workers again and again while writes stream in through the real status form; then
check every acknowledged write is stored with its history and SQLite's integrity. Runs on the
small benchmark database (built if missing); exits 1 when the check fails. See tpmo/faults.py."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tpmo import bench, faults
from tpmo.management.commands.bench import bench_environment, prepare, run_manage


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
        parser.add_argument("--seconds", type=int, default=15)
        parser.add_argument(
            "--restart-postgres",
            action="store_true",
            help="restart the local PostgreSQL cluster once instead of killing workers "
            "(needs the cluster tools; not for a shared server)",
        )
        parser.add_argument("--here", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        env = bench_environment(bench.database_url(options["db"], "small"))
        if options["here"]:
            drill = faults.run(
                seconds=options["seconds"],
                env=env,
                say=self.stdout.write,
                restart=options["restart_postgres"],
            )
            if not drill.ok:
                raise CommandError("The fault drill lost or half-wrote acknowledged writes.")
            return
        if options["restart_postgres"] and options["db"] != "postgres":
            raise CommandError("--restart-postgres needs --db postgres.")
        prepare(options["db"], "small", env, say=self.stdout.write)
        step = ["faults", "--here", "--db", options["db"], "--seconds", str(options["seconds"])]
        if options["restart_postgres"]:
            step.append("--restart-postgres")
        if run_manage(step, env):
            raise CommandError("The fault drill failed.")
