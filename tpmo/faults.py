"""Fault drill (``python manage.py faults``): gunicorn under a stream of writes through the real
status form while its workers are killed (SIGKILL) again and again. Afterwards every write the
server acknowledged (answered with a redirect) is in the database with its history row, and
SQLite's integrity check passes."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.db import connection

from tpmo.loadtest import CSRF, free_port, signed_in_session, start_gunicorn, wait_until_up

SUMMARY = "Fault drill status"


@dataclass
class Drill:
    kills: int = 0
    restarted_for: float | None = None  # seconds PostgreSQL was down (restart drill)
    recovered_after: float | None = (
        None  # seconds from the server's return to the next acknowledged write
    )
    sent: int = 0
    acknowledged: list[tuple[str, date]] = field(default_factory=list)
    refused: int = 0
    failed: int = 0
    missing: list[tuple[str, date]] = field(default_factory=list)
    without_history: int = 0
    integrity: str = ""

    @property
    def ok(self) -> bool:
        return (
            bool(self.acknowledged)
            and not self.missing
            and not self.without_history
            and (self.integrity in ("ok", "n/a (PostgreSQL)"))
        )


def _workers(master: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                children.append(int(entry.name))
    return children


def _restart_postgresql() -> float:
    """Restart the local PostgreSQL cluster; how long it took."""
    version = sorted(Path("/etc/postgresql").iterdir())[0].name
    started = time.monotonic()
    subprocess.run(  # noqa: S603 — Debian's cluster tool with fixed arguments
        [
            shutil.which("pg_ctlcluster") or "pg_ctlcluster",
            "--skip-systemctl-redirect",
            version,
            "main",
            "restart",
        ],
        check=True,
        capture_output=True,
    )
    return time.monotonic() - started


def run(*, seconds: int, env: dict[str, str], say: Any, restart: bool = False) -> Drill:
    """Writes for ``seconds``; meanwhile kill a worker every second — or, with ``restart``,
    restart PostgreSQL once, a third of the way in."""
    from django.contrib.auth import get_user_model

    from programs.models import Program, StatusReport

    tpm = get_user_model().objects.get(username="tpm")
    codes = list(Program.objects.editable_by(tpm).order_by("code").values_list("code", flat=True))
    last = StatusReport.objects.filter(summary=SUMMARY).order_by("-report_date").first()
    first_day = (last.report_date + timedelta(days=1)) if last else date(2035, 1, 1)
    cookie = f"sessionid={signed_in_session('tpm')}; csrftoken={CSRF}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(port, env, "--log-level", "error")
    drill = Drill()
    lock = threading.Lock()
    stop = threading.Event()
    counter = iter(range(10**9))
    acknowledged_at: list[float] = []

    def writer() -> None:
        while not stop.is_set():
            with lock:
                number = next(counter)
            code, day = codes[number % len(codes)], first_day + timedelta(days=number)
            body = urllib.parse.urlencode(
                {
                    "report_date": day.isoformat(),
                    "overall": "amber",
                    "schedule": "amber",
                    "budget": "green",
                    "scope": "green",
                    "summary": SUMMARY,
                    "stakeholder_satisfaction": "4",
                    "variance_reason": "Fault drill.",
                }
            ).encode()
            request = urllib.request.Request(  # noqa: S310 — our localhost server
                f"{base}/programs/{code}/status/new/",
                data=body,
                headers={"Cookie": cookie, "X-CSRFToken": CSRF},
            )
            with lock:
                drill.sent += 1
            try:
                opener = urllib.request.build_opener(_NoRedirect)
                with opener.open(request, timeout=10) as answer:
                    status = answer.status
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError:
                with lock:
                    drill.failed += 1  # the connection died with its worker: not acknowledged
                continue
            with lock:
                if status == 302:
                    drill.acknowledged.append((code, day))
                    acknowledged_at.append(time.monotonic())
                else:
                    drill.refused += 1

    try:
        wait_until_up(f"{base}/healthz")
        threads = [threading.Thread(target=writer, daemon=True) for _ in range(4)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + seconds
        if restart:
            time.sleep(seconds / 3)
            drill.restarted_for = round(_restart_postgresql(), 2)
            back = time.monotonic()  # the server answers again from here
            time.sleep(max(0.0, deadline - time.monotonic()))
            after = [moment for moment in acknowledged_at if moment > back]
            drill.recovered_after = round(min(after) - back, 2) if after else None
        while time.monotonic() < deadline:
            time.sleep(1.0)
            victims = _workers(server.pid)
            if victims:
                os.kill(victims[0], signal.SIGKILL)
                drill.kills += 1
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    connection.close()
    stored = set(
        StatusReport.objects.filter(summary=SUMMARY, report_date__gte=first_day).values_list(
            "program__code", "report_date"
        )
    )
    drill.missing = [write for write in drill.acknowledged if write not in stored]
    history = StatusReport.history.model.objects.filter(
        summary=SUMMARY, report_date__gte=first_day, history_type="+"
    ).count()
    drill.without_history = len(stored) - history
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            drill.integrity = str(cursor.fetchone()[0])
    else:
        drill.integrity = "n/a (PostgreSQL)"
    if restart:
        say(
            f"PostgreSQL restarted in {drill.restarted_for} s; the next write was acknowledged "
            f"{drill.recovered_after} s after it was back"
        )
    say(
        f"{drill.kills} workers killed; {drill.sent} writes sent, {len(drill.acknowledged)} "
        f"acknowledged, {drill.refused} refused, {drill.failed} cut off; acknowledged but missing: "
        f"{len(drill.missing)}; stored without history: {drill.without_history}; integrity: "
        f"{drill.integrity}"
    )
    return drill


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None
