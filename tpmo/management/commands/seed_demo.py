"""``manage.py seed_demo``: load the demo portfolio and the demo users of every role."""

import datetime as dt
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from programs.models import Program
from tpmo.demo.builder import SCALES, DemoBuilder


class Command(BaseCommand):
    help = (
        "Build a realistic, deterministic demo portfolio and the users admin/director/tpm/viewer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=42, help="Same seed, same portfolio.")
        parser.add_argument(
            "--as-of",
            type=dt.date.fromisoformat,
            default=None,
            help="The 'today' the portfolio is built around (YYYY-MM-DD; default: today).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (successfully) when the database already holds programs.",
        )
        history = parser.add_mutually_exclusive_group()
        history.add_argument("--history", dest="history", action="store_true", default=None)
        history.add_argument(
            "--no-history",
            dest="history",
            action="store_false",
            help="Skip the 'created' history rows (default for --scale large, for speed).",
        )

    def handle(self, *args: object, **options: object) -> None:
        scale = str(options["scale"])
        if Program.objects.exists():
            if options["if_empty"]:
                self.stdout.write("The database already holds a portfolio; nothing to seed.")
                return
            raise CommandError(
                "The database already holds programs. Seed an empty database "
                "(or pass --if-empty to skip quietly)."
            )
        as_of = options["as_of"] or timezone.localdate()
        history = options["history"]
        if history is None:
            history = scale != "large"
        started = time.monotonic()
        builder = DemoBuilder(
            SCALES[scale],
            seed=int(options["seed"]),
            as_of=as_of,
            history=bool(history),  # type: ignore[call-overload]
        )
        # Beyond the small demo, the RAID stage runs in a second process beside the rest.
        counts = builder.build(parallel=scale != "small")
        elapsed = time.monotonic() - started
        summary = ", ".join(f"{count:,} {name}" for name, count in counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"Seeded the {scale} demo portfolio in {elapsed:.1f} s: {summary}.")
        )
        if int(str(options["verbosity"])) > 1:
            for stage, seconds in builder.seconds.items():
                self.stdout.write(f"  {stage}: {seconds:.1f} s")
        self.stdout.write(
            f"Demo users: admin, director, tpm, viewer (password: {settings.DEMO_PASSWORD})."
        )
