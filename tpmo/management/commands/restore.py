"""python manage.py restore FOLDER [--into FILE]: restore a backup and verify it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from tpmo.backup import BackupError, restore_postgresql, restore_sqlite


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`, then verify every table's row count against "
        "its manifest (and SQLite's integrity check). SQLite: into a new file (--into), which you "
        "then point DATABASE_URL at. PostgreSQL: over the database of the current settings "
        "(--yes to confirm)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder")
        parser.add_argument("--into", default=None, help="SQLite: the new database file")
        parser.add_argument(
            "--yes", action="store_true", help="PostgreSQL: replace the current database"
        )

    def handle(self, *args: Any, folder: str, into: str | None, yes: bool, **opts: Any) -> None:
        source = Path(folder)
        try:
            if connection.vendor == "sqlite":
                if not into:
                    raise CommandError("Name the new SQLite file with --into.")
                if Path(into).exists():
                    raise CommandError(f"{into} exists already: restore into a new file.")
                verified = restore_sqlite(source, Path(into))
            else:
                if not yes:
                    raise CommandError("This replaces the current database: add --yes.")
                verified = restore_postgresql(source)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored and verified {verified.tables} tables, {verified.rows:,} rows "
            f"(integrity: {verified.integrity})."
        )
