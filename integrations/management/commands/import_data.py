"""Import a CSV or XLSX file from the command line: the same checks, dry run and all-or-nothing
apply as the /import/ page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from integrations.importer import (
    ApplyFailed,
    Source,
    auto_mapping,
    mapping_errors,
    run_import,
)
from integrations.kinds import KINDS
from integrations.presets import PRESETS
from integrations.tables import DELIMITERS, ENCODINGS, MAX_BYTES, FileRefused, read_table


class Command(BaseCommand):
    help = "Import programs, projects, milestones, dependencies, risks or budget lines from a file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--kind", choices=sorted(KINDS), help="What the rows are.")
        parser.add_argument("--preset", choices=sorted(PRESETS), help="A saved mapping (jira).")
        parser.add_argument("--dry-run", action="store_true", help="Check only; change nothing.")
        parser.add_argument(
            "--user",
            help="Import as this user (their role and programs apply; history names them). "
            "Without it the import may change anything and history names no one.",
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=HEADER",
            help="Take a TPMO column from a file column (repeatable).",
        )
        parser.add_argument(
            "--default",
            action="append",
            default=[],
            metavar="COLUMN=VALUE",
            help="A value for empty cells of a column (repeatable).",
        )
        parser.add_argument("--encoding", choices=ENCODINGS, default="auto")
        parser.add_argument("--delimiter", choices=sorted(DELIMITERS), default="auto")

    def handle(self, *args: Any, **options: Any) -> None:
        preset = PRESETS.get(options["preset"] or "")
        kind = preset.kind if preset else KINDS.get(options["kind"] or "")
        if kind is None:
            raise CommandError("Say what the rows are with --kind (or use --preset).")
        user = self._user(options["user"])
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"{path} is larger than {MAX_BYTES // 1024 // 1024} MB; split it.")
        try:
            table = read_table(
                path.read_bytes(),
                path.name,
                encoding=options["encoding"],
                delimiter=options["delimiter"],
            )
        except FileRefused as refused:
            raise CommandError(str(refused)) from None
        mapping = preset.mapping(table) if preset else auto_mapping(kind, table)
        names = {column.name for column in kind.columns}
        for option, is_map in [(o, True) for o in options["map"]] + [
            (o, False) for o in options["default"]
        ]:
            name, _, value = option.partition("=")
            if name not in names:
                raise CommandError(f"{name!r} is not a column of {kind.slug}: {', '.join(names)}.")
            current = mapping.get(name, Source())
            mapping[name] = (
                Source((value,), current.default) if is_map else Source(current.columns, value)
            )
        problems = mapping_errors(kind, table, mapping)
        if problems:
            raise CommandError(
                "The columns cannot be mapped:\n"
                + "\n".join(f"  {name}: {problem}" for name, problem in problems.items())
            )
        try:
            plan, changed = run_import(
                kind,
                table,
                mapping,
                user=user,
                reason=f"Import from the command line: {path.name}",
                apply=not options["dry_run"],
                links=preset.links if preset else None,
            )
        except ApplyFailed as failed:
            raise CommandError(str(failed)) from None
        for note in table.notes:
            self.stdout.write(note)
        for row in plan.all_rows:
            for column, reason in row.errors:
                self.stdout.write(f"row {row.line}: {column}: {reason}")
            for note in row.notes:
                self.stdout.write(f"row {row.line}: {note}")
        summary = ", ".join(f"{count} {action}" for action, count in plan.summary.items())
        if not plan.valid:
            raise CommandError(f"Nothing imported ({summary}).")
        verb = "Would change" if options["dry_run"] else "Changed"
        count = plan.count("create") + plan.count("update") if options["dry_run"] else changed
        self.stdout.write(self.style.SUCCESS(f"{verb} {count} record(s) ({summary})."))

    def _user(self, username: str | None) -> Any:
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user is named {username!r}.") from None
