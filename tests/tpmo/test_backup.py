"""Backups are consistent and a restore is verified, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import sqlite3
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from programs.models import Program
from risks.models import Risk
from tpmo.backup import BackupError, backup, restore_postgresql, restore_sqlite

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite half of the backup tests"
)
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the PostgreSQL half of the backup tests"
)


@sqlite_only
def test_a_sqlite_backup_restores_into_a_new_file_and_verifies(
    transactional_db, portfolio, tmp_path
):
    out = StringIO()
    call_command("backup", "--out", str(tmp_path / "b"), stdout=out)

    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest["engine"] == "sqlite"
    assert manifest["tables"]["programs_program"] == Program.objects.count() == 2
    assert manifest["tables"]["risks_risk"] == 1
    assert out.getvalue().startswith(f"Backed up {len(manifest['tables'])} tables, ")

    verified = restore_sqlite(tmp_path / "b", tmp_path / "restored.sqlite3")

    assert verified.integrity == "ok"
    assert verified.rows == sum(manifest["tables"].values())
    restored = sqlite3.connect(tmp_path / "restored.sqlite3")
    codes = sorted(row[0] for row in restored.execute("SELECT code FROM programs_program"))
    restored.close()
    assert codes == ["CHK", "PAY"]


@sqlite_only
def test_a_restore_that_does_not_match_its_manifest_is_refused(
    transactional_db, portfolio, tmp_path
):
    backup(tmp_path / "b")
    data = sqlite3.connect(tmp_path / "b" / "data.sqlite3")
    data.execute("PRAGMA foreign_keys = OFF")
    data.execute("DELETE FROM risks_risk_milestones")
    data.execute("DELETE FROM risks_risk")
    data.commit()
    data.close()

    with pytest.raises(BackupError, match="risks_risk 1 → 0"):
        restore_sqlite(tmp_path / "b", tmp_path / "restored.sqlite3")


@sqlite_only
def test_restore_refuses_to_overwrite_or_to_read_what_is_not_a_backup(transactional_db, tmp_path):
    (tmp_path / "junk").mkdir()
    existing = tmp_path / "db.sqlite3"
    existing.write_text("")

    with pytest.raises(CommandError, match="is not a TPMO backup"):
        call_command("restore", str(tmp_path / "junk"), "--into", str(tmp_path / "new.sqlite3"))
    with pytest.raises(CommandError, match="exists already"):
        call_command("restore", str(tmp_path / "junk"), "--into", str(existing))
    with pytest.raises(CommandError, match="exists already: name a new folder"):
        call_command("backup", "--out", str(tmp_path / "junk"))


@postgresql_only
def test_a_postgresql_backup_restores_over_the_database_and_verifies(
    transactional_db, portfolio, tmp_path
):
    manifest = backup(tmp_path / "b")
    assert manifest["engine"] == "postgresql"
    assert manifest["tables"]["risks_risk"] == 1
    Risk.objects.all().delete()  # a mistake after the backup

    verified = restore_postgresql(tmp_path / "b")

    assert verified.rows == sum(manifest["tables"].values())
    assert Risk.objects.count() == 1
    assert sorted(Program.objects.values_list("code", flat=True)) == ["CHK", "PAY"]
