"""python manage.py loadtest [--db sqlite|postgres] [--scale medium] [--duration 60]

gunicorn (2 workers) on 127.0.0.1 under wrk (16 connections): a read mix plus 10 % writes through
the real forms, on the benchmark database of the scale (built by `manage.py bench` if missing);
writes docs/benchmarks/load-<db>-<scale>.json and the load table of docs/PERFORMANCE.md. Needs
Debian's wrk (apt-get install wrk). See tpmo/loadtest.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tpmo import bench, loadtest
from tpmo.management.commands.bench import (
    add_common_arguments,
    bench_environment,
    prepare,
    run_manage,
)


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        add_common_arguments(parser)
        parser.add_argument("--duration", type=int, default=60, help="seconds of mixed load")
        parser.add_argument("--connections", type=int, default=16)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["duration"] < 5:
            raise CommandError("--duration must be at least 5 seconds.")
        url = bench.database_url(options["db"], options["scale"])
        env = bench_environment(url)
        if options["here"]:
            report = loadtest.run(
                scale=options["scale"],
                duration=options["duration"],
                connections=options["connections"],
                env=env,
                say=self.stdout.write,
            )
            saved = loadtest.save(report, Path(options["out"]))
            loadtest.write_markdown(Path(options["out"]), Path(options["markdown"]))
            self.stdout.write(f"Saved {saved} and the load table of {options['markdown']}.")
            return
        prepare(options["db"], options["scale"], env, say=self.stdout.write)
        step = [
            "loadtest",
            "--here",
            *("--scale", options["scale"], "--db", options["db"]),
            *("--duration", str(options["duration"]), "--connections", str(options["connections"])),
            *("--out", options["out"], "--markdown", options["markdown"]),
        ]
        if run_manage(step, env):
            raise CommandError("The load test failed.")
