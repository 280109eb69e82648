"""python manage.py backup [--out FOLDER]: a consistent online backup of the database."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tpmo.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database while the site runs (SQLite's online backup, or pg_dump in one "
        "snapshot) into a new folder with a manifest of every table's row count."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", default=None, help="a new folder (default var/backups/<date-time>)"
        )

    def handle(self, *args: Any, out: str | None, **options: Any) -> None:
        folder = Path(out or f"var/backups/{datetime.now(UTC):%Y%m%d-%H%M%S}")
        if folder.exists():
            raise CommandError(f"{folder} exists already: name a new folder.")
        try:
            manifest = backup(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Backed up {len(manifest['tables'])} tables, {rows:,} rows, to {folder}."
        )
