"""Online backup and verified restore, on SQLite and PostgreSQL.

A backup is a folder: the data (``data.sqlite3`` — SQLite's own online backup, page by page,
consistent while the site keeps writing — or ``data.dump``, PostgreSQL's ``pg_dump`` custom format
taken in an exported snapshot) and ``manifest.json``: the row count of every table *in that same
consistent view*, the engine and the time. A restore puts the data in place and then verifies it:
every table's row count equals the manifest's, and SQLite's integrity check says ok. A restore
that does not verify is reported as failed.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import connection

MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class Verified:
    tables: int
    rows: int
    integrity: str


def _tables(cursor: Any) -> list[str]:
    return sorted(
        name
        for name in connection.introspection.table_names(cursor)
        if not name.startswith("sqlite_")
    )


def _counts(cursor: Any, tables: list[str]) -> dict[str, int]:
    quote = connection.ops.quote_name
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 — names from the schema
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _sqlite_counts(path: Path) -> tuple[str, dict[str, int]]:
    """SQLite's integrity check and the row count of every table of the file at ``path``."""
    database = sqlite3.connect(path)
    try:
        integrity = database.execute("PRAGMA integrity_check").fetchone()[0]
        names = [
            row[0]
            for row in database.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        counts = {}
        for name in sorted(names):
            sql = f'SELECT COUNT(*) FROM "{name}"'  # noqa: S608 — table names from the schema
            counts[name] = database.execute(sql).fetchone()[0]
    finally:
        database.close()
    return integrity, counts


def _pg_url() -> str:
    settings = connection.settings_dict
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgresql://{user}{password}@{host}:{port}/{settings['NAME']}"


def backup(folder: Path) -> dict[str, Any]:
    """Write a consistent backup of the database of the current settings into ``folder``."""
    folder.mkdir(parents=True, exist_ok=False)
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        target = sqlite3.connect(folder / "data.sqlite3")
        try:
            connection.connection.backup(target)  # online: consistent even while writers write
        finally:
            target.close()
        counts = _sqlite_counts(folder / "data.sqlite3")[1]
        data = "data.sqlite3"
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            try:
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                counts = _counts(cursor, _tables(cursor))
                result = subprocess.run(  # noqa: S603 — pg_dump with our own arguments
                    [
                        shutil.which("pg_dump") or "pg_dump",
                        "--format=custom",
                        f"--snapshot={snapshot}",
                        f"--file={folder / 'data.dump'}",
                        _pg_url(),
                    ],
                    capture_output=True,
                    text=True,
                    check=False,
                )
            finally:
                cursor.execute("COMMIT")
        if result.returncode:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        data = "data.dump"
    else:
        raise BackupError(f"No backup for the {connection.vendor} database.")
    manifest = {
        "engine": connection.vendor,
        "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "data": data,
        "tables": counts,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def read_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{folder} is not a TPMO backup: {error}") from error
    if manifest.get("engine") not in ("sqlite", "postgresql"):
        raise BackupError(f"{folder} is not a TPMO backup: unknown engine.")
    return manifest


def restore_sqlite(folder: Path, target: Path) -> Verified:
    """Copy the backup into ``target`` (a database file no process has open) and verify it."""
    manifest = read_manifest(folder)
    if manifest["engine"] != "sqlite":
        raise BackupError("This backup is of PostgreSQL; restore it into PostgreSQL.")
    source = sqlite3.connect(folder / manifest["data"])
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        source.close()
        destination.close()
    integrity, counts = _sqlite_counts(target)
    return _verified(manifest, counts, integrity)


def restore_postgresql(folder: Path) -> Verified:
    """Restore the backup over the database of the current settings and verify it."""
    manifest = read_manifest(folder)
    if manifest["engine"] != "postgresql":
        raise BackupError("This backup is of SQLite; restore it into SQLite.")
    connection.close()
    result = subprocess.run(  # noqa: S603 — pg_restore with our own arguments
        [
            shutil.which("pg_restore") or "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={_pg_url()}",
            str(folder / manifest["data"]),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    with connection.cursor() as cursor:
        counts = _counts(cursor, list(manifest["tables"]))
    return _verified(manifest, counts, "n/a (PostgreSQL)")


def _verified(manifest: dict[str, Any], counts: dict[str, int], integrity: str) -> Verified:
    expected = manifest["tables"]
    wrong = {
        name: (expected[name], counts.get(name))
        for name in expected
        if counts.get(name) != expected[name]
    }
    if wrong:
        listed = ", ".join(f"{name} {want} → {got}" for name, (want, got) in sorted(wrong.items()))
        raise BackupError(f"The restored data does not match the backup: {listed}")
    if integrity not in ("ok", "n/a (PostgreSQL)"):
        raise BackupError(f"SQLite's integrity check failed: {integrity}")
    return Verified(tables=len(expected), rows=sum(expected.values()), integrity=integrity)
