"""Export records in the import format (CSV or XLSX), a program's or all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from integrations import exporting
from integrations.kinds import KINDS
from programs.models import Program
from tpmo.exports import FORMATS


class Command(BaseCommand):
    help = "Export records in the format import_data reads."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", choices=sorted(KINDS), required=True)
        parser.add_argument("--program", help="Only this program's records (its code).")
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument(
            "--out", type=Path, help="Write to this file (default: standard output)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind = KINDS[options["kind"]]
        program = None
        if options["program"]:
            program = Program.objects.filter(code=options["program"].upper()).first()
            if program is None:
                raise CommandError(f"No program has the code {options['program']!r}.")
        if options["format"] == "xlsx":
            if options["out"] is None:
                raise CommandError("An XLSX export needs --out FILE.")
            response = exporting.export_file(kind, program, "xlsx")
            options["out"].write_bytes(response.content)
            return
        text = exporting.csv_text(kind, program)
        if options["out"] is None:
            self.stdout.write(text, ending="")
        else:
            options["out"].write_text(text, encoding="utf-8")
