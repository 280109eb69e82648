"""python manage.py bench [--scale small|medium|large] [--db sqlite|postgres] [--requests N]

Builds (once) or reuses a seeded database for the scale, then times every main page through the
whole Django stack against floors measured in the same run; writes docs/benchmarks/<db>-<scale>.json
and the tables of docs/PERFORMANCE.md. See tpmo/bench.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tpmo import bench


def _create_postgres_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')


def bench_environment(url: str) -> dict[str, str]:
    """The environment of a benchmark process: its database, production settings (DEBUG off,
    compressed static files) without the HTTPS redirect."""
    return os.environ | {
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "tpmo-benchmark-only-not-a-secret"),
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        # Status emails go to Django's in-memory outbox: no mail server is measured.
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }


def run_manage(step: list[str], env: dict[str, str]) -> int:
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    # Our own manage.py with arguments from the command's choices: nothing untrusted.
    return subprocess.run([*manage, *step], env=env, check=False).returncode  # noqa: S603


def prepare(engine: str, scale: str, env: dict[str, str], *, say: Any) -> None:
    """Create the benchmark database if needed, migrate it, collect static files, and seed the
    demo portfolio of ``scale`` unless it is there already."""
    url = env["DATABASE_URL"]
    if engine == "postgres":
        _create_postgres_database(url)
    else:
        (Path(settings.BASE_DIR) / ".bench").mkdir(exist_ok=True)
    for step in (
        ["migrate", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
        ["seed_demo", "--scale", scale, "--if-empty"],
    ):
        say(f"== {' '.join(step)}  ({url})")
        if run_manage(step, env):
            raise CommandError(f"{' '.join(step)} failed.")
    if engine == "postgres":
        _vacuum_analyze(url)


def _vacuum_analyze(url: str) -> None:
    """What autovacuum does in production some time after a bulk load: the planner's statistics
    (without them PostgreSQL guesses row counts, 5,225 for 20,000 projects, and picks the wrong
    joins) and the visibility map (without it an index-only scan visits the table's pages too).
    Done here because a server may run with autovacuum off, as this machine's does."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def add_common_arguments(parser: CommandParser) -> None:
    """The options ``bench`` and ``loadtest`` share: which database, where results go."""
    parser.add_argument("--scale", choices=["small", "medium", "large"], default="medium")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--out", default="docs/benchmarks", help="folder of the JSON results")
    parser.add_argument("--markdown", default="docs/PERFORMANCE.md")
    parser.add_argument(
        "--here",
        action="store_true",
        help="measure the database of the current settings instead of the benchmark one",
    )


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        add_common_arguments(parser)
        parser.add_argument("--requests", type=int, default=20, help="timed requests a page")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["requests"] < 3:
            raise CommandError("--requests must be at least 3.")
        if options["here"]:
            self._measure(options)
        else:
            self._in_child(options)

    def _in_child(self, options: dict[str, Any]) -> None:
        """Prepare the benchmark database, then measure it in a process of its own (production
        settings: DEBUG off, compressed static files)."""
        url = bench.database_url(options["db"], options["scale"])
        env = bench_environment(url)
        prepare(options["db"], options["scale"], env, say=self.stdout.write)
        step = [
            "bench",
            "--here",
            *("--scale", options["scale"], "--requests", str(options["requests"])),
            *("--out", options["out"], "--markdown", options["markdown"]),
        ]
        if run_manage(step, env):
            raise CommandError("The benchmark failed.")

    def _measure(self, options: dict[str, Any]) -> None:
        report = bench.run(
            scale=options["scale"], requests=options["requests"], say=self.stdout.write
        )
        saved = bench.save(report, Path(options["out"]))
        bench.write_markdown(Path(options["out"]), Path(options["markdown"]))
        self.stdout.write(f"Saved {saved} and the tables of {options['markdown']}.")
