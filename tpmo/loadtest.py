"""The load test (``python manage.py loadtest``): gunicorn with two workers on 127.0.0.1, wrk
(Debian's package) with 16 connections as two logged-in users, a read mix over the main pages
plus 10 % writes through the real forms (milestone updates and status reports), for 60 s.

Every request's time and status come from gunicorn's access log, so reads and writes are told
apart exactly (wrk's own summary mixes them). Floors from the same run: the minimal view (what
any request costs through the middleware) under the same load; the list page alone for its
throughput. Afterwards: every acknowledged write is in the database, no "database is locked",
and SQLite's integrity check passes.
"""

from __future__ import annotations

import json
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

LOAD_START = "<!-- load:results:start -->"
LOAD_END = "<!-- load:results:end -->"
CSRF = "tpmoloadtestcsrftokentpmoloadtst"  # 32 characters: Django accepts an unmasked secret
WRITE_SHARE = 10  # one request in ten writes
WRK_THREADS = 2
REPORT_SUMMARY = "Load test status"
FIRST_REPORT_DAY = date(2031, 1, 1)


@dataclass
class Mix:
    reads: list[str]
    milestone_edits: list[tuple[int, str]]  # (pk, status) of milestones the TPM may change
    report_programs: list[str]  # programs whose status the TPM may publish
    cookies: dict[str, str]
    first_day: int  # status reports are dated from 2031-01-01 + this, clear of earlier runs


@dataclass
class LoadReport:
    database: str
    scale: str
    duration_s: int
    connections: int
    workers: int
    taken_at: str
    floor_rps: float = 0.0
    list_rps: float = 0.0
    mix_rps: float = 0.0
    reads: dict[str, float] = field(default_factory=dict)
    writes: dict[str, float] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    acknowledged_writes: dict[str, int] = field(default_factory=dict)
    reports_found: int = 0
    database_locked: int = 0
    integrity: str = ""
    worker_peak_mb: float = 0.0  # the larger of the two workers' peak resident memory


def signed_in_session(username: str) -> str:
    user = get_user_model().objects.get(username=username)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return str(store.session_key)


def build_mix() -> Mix:
    """Pages to read and records to write, for the TPM demo user (who owns programs)."""
    from programs.models import Milestone, Program, Project, StatusReport

    tpm = get_user_model().objects.get(username="tpm")
    own = list(Program.objects.editable_by(tpm).order_by("code")[:5])
    if not own:
        raise RuntimeError("The demo TPM owns no program: seed the demo first.")
    program = own[0]
    project = Project.objects.filter(program=program).order_by("pk").first()
    milestones = list(
        Milestone.objects.filter(project__program__in=own)
        .exclude(status="done")
        .order_by("pk")
        .values_list("pk", "status")[:50]
    )
    reads = [
        "/",
        "/programs/",
        "/programs/?status=active",
        f"/programs/{program.code}/",
        f"/projects/{project.code}/" if project else "/milestones/",
        "/milestones/",
        "/milestones/?window=30",
        "/risks/",
        f"/programs/{program.code}/timeline/",
    ]
    last = StatusReport.objects.filter(summary=REPORT_SUMMARY).order_by("-report_date").first()
    return Mix(
        first_day=(last.report_date - FIRST_REPORT_DAY).days + 1 if last else 0,
        reads=reads,
        milestone_edits=milestones,
        report_programs=[p.code for p in own],
        cookies={"sessionid": signed_in_session("tpm"), "csrftoken": CSRF},
    )


def lua_script(mix: Mix) -> str:
    """wrk's script: nine reads for each write, writes alternating between a milestone update
    (moving its forecast a day further each time) and a new weekly status report (each on a
    date of its own)."""
    reads = ", ".join(json.dumps(path) for path in mix.reads)
    edits = ", ".join(f"{{{pk}, {json.dumps(status)}}}" for pk, status in mix.milestone_edits)
    programs = ", ".join(json.dumps(code) for code in mix.report_programs)
    cookie = "; ".join(f"{name}={value}" for name, value in mix.cookies.items())
    return f"""
local reads = {{{reads}}}
local edits = {{{edits}}}
local programs = {{{programs}}}
local counter = 0
local first_day = {mix.first_day}
threads = {{}}
thread_id = 0  -- a global: setup() sets it in each thread's own state

function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

wrk.headers["Cookie"] = "{cookie}"
wrk.headers["X-CSRFToken"] = "{CSRF}"

local function date_of(n)
  -- a distinct day for each status report: from 2031-01-01 on, the threads on alternate days
  local day = first_day + n * {WRK_THREADS} + thread_id
  local t = os.time({{year = 2031, month = 1, day = 1, hour = 12}}) + day * 86400
  return os.date("!%Y-%m-%d", t)
end

request = function()
  counter = counter + 1
  if counter % {WRITE_SHARE} ~= 0 then
    return wrk.format("GET", reads[(counter % #reads) + 1])
  end
  local n = counter / {WRITE_SHARE}
  -- wrk.format replaces wrk.headers by the table it is given: copy them (cookies, CSRF) first
  local headers = {{}}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  if n % 2 == 0 and #edits > 0 then
    local edit = edits[(n / 2 % #edits) + 1]
    local body = "forecast_date=" .. date_of(n) ..
      "&actual_date=&status=" .. edit[2] .. "&version="
    return wrk.format("POST", "/milestones/" .. edit[1] .. "/edit/", headers, body)
  end
  local code = programs[(n % #programs) + 1]
  local body = "report_date=" .. date_of(n) ..
    "&overall=amber&schedule=amber&budget=green&scope=green" ..
    "&summary=Load+test+status&accomplishments=&next_steps=&blockers=" ..
    "&stakeholder_satisfaction=4&variance_reason=Load+test"
  return wrk.format("POST", "/programs/" .. code .. "/status/new/", headers, body)
end
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 — our localhost
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer {url} within {seconds} s")


def start_gunicorn(port: int, env: dict[str, str], *options: str) -> subprocess.Popen[bytes]:
    """gunicorn with two workers on 127.0.0.1:``port``, from this virtual environment."""
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    return subprocess.Popen(  # noqa: S603 — our own gunicorn and settings
        [gunicorn, "tpmo.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2", *options],
        cwd=settings.BASE_DIR,
        env=env,
    )


def worker_pids(master: int) -> list[int]:
    """The processes ``master`` started (gunicorn's workers), as Linux lists them."""
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def peak_resident_mb(pid: int) -> float:
    """The most process ``pid`` has held resident (Linux's VmHWM, in KiB), 0 if unknown."""
    status = Path(f"/proc/{pid}/status")
    for line in status.read_text().splitlines() if status.exists() else []:
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _wrk(args: list[str]) -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk is not installed: apt-get install wrk (Debian's package).")
    return subprocess.run([wrk, *args], capture_output=True, text=True, check=True).stdout  # noqa: S603


def _requests_per_second(output: str) -> float:
    for line in output.splitlines():
        if line.startswith("Requests/sec:"):
            return float(line.split(":")[1])
    raise RuntimeError(f"wrk printed no rate:\n{output}")


def _stats(samples: list[float]) -> dict[str, float]:
    if not samples:
        return {}
    ordered = sorted(samples)

    def at(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))], 1)

    return {
        "count": len(ordered),
        "p50_ms": at(0.50),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "mean_ms": round(statistics.fmean(ordered), 1),
    }


def read_access_log(path: Path) -> tuple[list[float], list[float], dict[str, int], dict[str, int]]:
    """Read and write times (ms), error statuses, and the writes acknowledged (answered with a
    redirect) by kind: status reports and milestone updates."""
    reads: list[float] = []
    writes: list[float] = []
    errors: dict[str, int] = {}
    acknowledged = {"status reports": 0, "milestone updates": 0}
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) != 4:
            continue
        method, url, status, micros = parts
        if "/bench/minimal/" in url or "/healthz" in url:
            continue
        ms = int(micros) / 1000
        (writes if method == "POST" else reads).append(ms)
        if status.startswith(("4", "5")) or (method == "GET" and status != "200"):
            errors[f"{method} {status}"] = errors.get(f"{method} {status}", 0) + 1
        if method == "POST" and status == "302":
            kind = "status reports" if url.endswith("/status/new/") else "milestone updates"
            acknowledged[kind] += 1
    return reads, writes, errors, acknowledged


def run(
    *, scale: str, duration: int, connections: int, env: dict[str, str], say: Callable[[str], None]
) -> LoadReport:
    from django.utils import timezone

    from programs.models import StatusReport

    mix = build_mix()
    before_reports = StatusReport.objects.filter(summary=REPORT_SUMMARY).count()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    workdir = Path(tempfile.mkdtemp(prefix="tpmo-load-"))
    script = workdir / "mix.lua"
    script.write_text(lua_script(mix))
    access, errors_log = workdir / "access.log", workdir / "error.log"
    server = start_gunicorn(
        port,
        env | {"TPMO_BENCH_FLOOR": "1"},
        "--access-logfile",
        str(access),
        "--access-logformat",
        "%(m)s %(U)s %(s)s %(D)s",
        "--error-logfile",
        str(errors_log),
    )
    report = LoadReport(
        database=connection.vendor,
        scale=scale,
        duration_s=duration,
        connections=connections,
        workers=2,
        taken_at=timezone.now().isoformat(timespec="seconds"),
    )
    try:
        wait_until_up(f"{base}/healthz")
        cookie = "; ".join(f"{name}={value}" for name, value in mix.cookies.items())
        common = ["-t", str(WRK_THREADS), "-c", str(connections), "-H", f"Cookie: {cookie}"]
        short = str(max(5, duration // 6))
        report.floor_rps = _requests_per_second(
            _wrk([*common, "-d", f"{short}s", f"{base}/bench/minimal/"])
        )
        say(f"floor: minimal view {report.floor_rps:.0f} requests/s")
        report.list_rps = _requests_per_second(
            _wrk([*common, "-d", f"{short}s", f"{base}/programs/"])
        )
        say(f"program list alone: {report.list_rps:.0f} requests/s")
        access.write_text("")  # the mix is read from here on
        report.mix_rps = _requests_per_second(
            _wrk([*common, "-d", f"{duration}s", "-s", str(script), base])
        )
        report.worker_peak_mb = max(map(peak_resident_mb, worker_pids(server.pid)), default=0.0)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    reads, writes, errors, acknowledged = read_access_log(access)
    report.reads, report.writes, report.errors = _stats(reads), _stats(writes), errors
    report.acknowledged_writes = acknowledged
    report.reports_found = (
        StatusReport.objects.filter(summary=REPORT_SUMMARY).count() - before_reports
    )
    log = errors_log.read_text() if errors_log.exists() else ""
    report.database_locked = log.count("database is locked")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            report.integrity = str(cursor.fetchone()[0])
    else:
        report.integrity = "n/a (PostgreSQL)"
    say(json.dumps(asdict(report), indent=2))
    return report


def save(report: LoadReport, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"load-{report.database}-{report.scale}.json"
    target.write_text(json.dumps(asdict(report), indent=2) + "\n")
    return target


def _row(data: dict[str, Any]) -> str:
    reads, writes = data["reads"], data["writes"]
    share = data["list_rps"] / data["floor_rps"] * 100 if data["floor_rps"] else 0
    errors = sum(data["errors"].values())
    return (
        f"| {data['database']} | {data['scale']} | {data['mix_rps']:.0f} | "
        f"{reads.get('p50_ms', 0):.0f} / {reads.get('p95_ms', 0):.0f} / "
        f"{reads.get('p99_ms', 0):.0f} | {writes.get('p50_ms', 0):.0f} / "
        f"{writes.get('p99_ms', 0):.0f} | {errors} | {data['database_locked']} | "
        f"{data['floor_rps']:.0f} | {data['list_rps']:.0f} ({share:.0f} %) | "
        f"{sum(data['acknowledged_writes'].values())} / {data['reports_found']} reports found | "
        f"{data['integrity']} | {data.get('worker_peak_mb') or '—'} |"
    )


def write_markdown(folder: Path, document: Path) -> None:
    runs = [json.loads(path.read_text()) for path in sorted(folder.glob("load-*.json"))]
    lines = [
        "| database | scale | mix req/s | read p50 / p95 / p99 ms | write p50 / p99 ms | "
        "errors | database locked | minimal view req/s | program list req/s (of minimal) | "
        "writes acknowledged / status reports found | integrity | worker peak MB |",
        "|---|---|---:|---|---|---:|---:|---:|---|---:|---|---:|",
        *(_row(data) for data in runs),
    ]
    table = "\n".join(lines) if runs else "No load run saved yet."
    text = document.read_text() if document.exists() else f"{LOAD_START}\n{LOAD_END}\n"
    head, _, rest = text.partition(LOAD_START)
    _, _, tail = rest.partition(LOAD_END)
    document.write_text(f"{head}{LOAD_START}\n{table}\n{LOAD_END}{tail}")
