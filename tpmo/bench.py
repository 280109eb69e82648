"""The benchmark (``python manage.py bench``): every main page through the whole Django stack,
timed over repeated requests, with its query count, against floors measured in the same run.

Floors: a minimal view through the same middleware (what any page costs at least), and the raw
SQL of the portfolio aggregates the review and KPI pages need (the same statements the ORM sends,
executed with a bare cursor and fetched — what those pages cost at least in the database). Each
page is reported as a ratio to them, so the numbers mean something on a noisy shared machine.
The schedule bars of the schedule issue (portfolio critical path, slip impact) are timed as
functions: loaded from the database and computed. Last, the process's peak resident memory: it
has served every page, remembered results included, as a gunicorn worker does.
"""

from __future__ import annotations

import json
import platform
import resource
import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import include, path
from django.utils import timezone

from tpmo.datastate import forget
from tpmo.security import SEEN

RESULTS_START = "<!-- bench:results:start -->"
RESULTS_END = "<!-- bench:results:end -->"


def minimal(request: HttpRequest) -> HttpResponse:
    """The floor: a view that does nothing, behind the same middleware (session, auth, CSP…)."""
    return HttpResponse("ok", content_type="text/plain")


#: The site's URLs plus the floor view (only while the benchmark runs).
urlpatterns = [path("bench/minimal/", minimal), path("", include("tpmo.urls"))]


@dataclass
class Timing:
    name: str
    url: str
    user: str
    queries: int
    median_ms: float
    p95_ms: float
    status: int
    ratio: float = 0.0  # to the minimal view
    ratio_sql: float | None = None  # to the raw SQL of its aggregates (review and KPI pages)
    cold_median_ms: float | None = None  # right after a write: nothing remembered (datastate)


@dataclass
class Report:
    scale: str
    database: str
    requests: int
    taken_at: str
    machine: dict[str, Any]
    counts: dict[str, int]
    floor_minimal_ms: float = 0.0
    floor_sql_ms: float = 0.0
    pages: list[Timing] = field(default_factory=list)
    functions: dict[str, float] = field(default_factory=dict)
    peak_memory_mb: float = 0.0  # of this process, which served every page, as a worker does


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _time(call: Callable[[], Any], repeats: int) -> list[float]:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def peak_memory_mb() -> float:
    """The most this process has held resident so far (Linux counts ``ru_maxrss`` in KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def machine() -> dict[str, Any]:
    import os

    info = {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": connection.vendor,
    }
    if connection.vendor == "sqlite":
        info["sqlite"] = sqlite3.sqlite_version
    else:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            info["postgresql"] = cursor.fetchone()[0]
    return info


def counts() -> dict[str, int]:
    from programs.models import Dependency, Milestone, Program, Project
    from risks.models import Risk

    return {
        "programs": Program.objects.count(),
        "projects": Project.objects.count(),
        "milestones": Milestone.objects.count(),
        "risks": Risk.objects.count(),
        "dependencies": Dependency.objects.count(),
    }


def pages() -> list[tuple[str, str, str]]:
    """(name, URL, demo user) of every main page, on records of the seeded portfolio."""
    from programs.models import Milestone, Program, Project

    program = Program.objects.order_by("pk").first()
    project = Project.objects.filter(program=program).order_by("pk").first()
    milestone = Milestone.objects.filter(project=project).order_by("pk").first()
    if program is None or project is None or milestone is None:
        raise RuntimeError("The benchmark needs a seeded portfolio (seed_demo).")
    impact = f"/impact/?project={project.code}&milestone={milestone.name}&days=10"
    return [
        ("home (TPM)", "/", "tpm"),
        ("home (director)", "/", "director"),
        ("program list", "/programs/", "director"),
        ("program page", f"/programs/{program.code}/", "director"),
        ("project page", f"/projects/{project.code}/", "director"),
        ("milestones", "/milestones/", "director"),
        ("risks with heat map", "/risks/", "director"),
        ("program timeline", f"/programs/{program.code}/timeline/", "director"),
        ("portfolio timeline", "/portfolio/timeline/", "director"),
        ("program dependencies", f"/programs/{program.code}/dependencies/", "director"),
        ("portfolio dependencies", "/portfolio/dependencies/", "director"),
        ("slip impact", impact, "director"),
        ("finance", "/portfolio/finance/", "director"),
        ("portfolio review", "/portfolio/", "director"),
        ("KPIs", "/portfolio/kpis/", "director"),
        ("changes", "/portfolio/changes/", "director"),
        ("people", "/portfolio/people/", "director"),
        ("objectives", "/portfolio/objectives/", "director"),
    ]


#: Pages whose cost is bounded below by the portfolio aggregates (their ratio to the SQL floor).
AGGREGATE_PAGES = {"portfolio review", "KPIs"}


def _clients() -> dict[str, Client]:
    users = get_user_model().objects.in_bulk(["tpm", "director"], field_name="username")
    clients = {}
    for name, user in users.items():
        client = Client()
        client.force_login(user)
        clients[name] = client
    return clients


def _seen_now(client: Client) -> None:
    """Mark the session as seen just now, so that the counted request is not the one in a
    minute that writes the session's last-seen time (three queries: ``tpmo.security``)."""
    session = client.session
    session[SEEN] = time.time()
    session.save()


def _sql_floor(repeats: int) -> float:
    """Median time of the raw SQL statements behind the portfolio figures (all programs)."""
    from programs.models import Program
    from review.figures import program_figures

    programs = list(Program.objects.select_related("tpm", "director").order_by("code"))
    with CaptureQueriesContext(connection) as captured:
        program_figures(programs, as_of=timezone.localdate(), window_days=91)
    statements = [query["sql"] for query in captured.captured_queries]

    def run() -> None:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()

    run()
    return statistics.median(_time(run, repeats))


def _functions(repeats: int) -> dict[str, float]:
    """The schedule bars: portfolio critical path (load + CPM with floats) and a slip impact
    report (load of the downstream + propagation), median ms."""
    from programs.models import Dependency
    from programs.network import EDGE, load_network, load_plan, slip_impact
    from programs.schedule import plan_timings

    def portfolio_critical_path() -> None:
        timings = plan_timings(load_plan())
        dict(timings.floats())  # floats included

    # The first live dependency's predecessor moves (reading the whole network to pick one
    # would be the benchmark's own cost: 100 MB at large, more than any page needs).
    moved = Dependency.objects.live().order_by("pk").values_list(*EDGE[:2]).first()
    if moved is None:
        return {}

    def slip_report() -> None:
        slip_impact(load_network(moved, downstream_of=moved), moved, 10)

    runs = max(3, repeats // 4)
    return {
        "portfolio critical path": statistics.median(_time(portfolio_critical_path, runs)),
        "slip impact report": statistics.median(_time(slip_report, runs)),
    }


@override_settings(ROOT_URLCONF="tpmo.bench", DEBUG=False)
def run(*, scale: str, requests: int, say: Callable[[str], None]) -> Report:
    report = Report(
        scale=scale,
        database=connection.vendor,
        requests=requests,
        taken_at=timezone.now().isoformat(timespec="seconds"),
        machine=machine(),
        counts=counts(),
    )
    clients = _clients()
    floor_client = clients["director"]
    for _ in range(3):
        floor_client.get("/bench/minimal/")
    report.floor_minimal_ms = statistics.median(
        _time(lambda: floor_client.get("/bench/minimal/"), requests * 5)
    )
    say(f"floor: minimal view {report.floor_minimal_ms:.2f} ms")
    report.floor_sql_ms = _sql_floor(requests)
    say(f"floor: raw SQL of the portfolio aggregates {report.floor_sql_ms:.1f} ms")
    for name, url, user in pages():
        client = clients[user]
        client.get(url)  # warm: caches, connections, template loaders
        forget()
        _seen_now(client)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)  # computed, as after any write
        queries = len(captured)  # now: the log is cleared by the next request
        cold = _time(lambda client=client, url=url: (forget(), client.get(url)), requests // 2)
        samples = _time(lambda client=client, url=url: client.get(url), requests)
        timing = Timing(
            name=name,
            url=url,
            user=user,
            queries=queries,
            median_ms=round(statistics.median(samples), 2),
            p95_ms=round(_percentile(samples, 0.95), 2),
            status=response.status_code,
            cold_median_ms=round(statistics.median(cold), 2),
        )
        timing.ratio = round(timing.median_ms / report.floor_minimal_ms, 1)
        if name in AGGREGATE_PAGES and report.floor_sql_ms:
            timing.ratio_sql = round(timing.median_ms / report.floor_sql_ms, 2)
        report.pages.append(timing)
        say(
            f"{name:24} {timing.status} {timing.queries:3} queries  median "
            f"{timing.median_ms:8.1f} ms  p95 {timing.p95_ms:8.1f} ms"
        )
    report.functions = {name: round(ms, 1) for name, ms in _functions(requests).items()}
    for name, ms in report.functions.items():
        say(f"{name:24} median {ms:8.1f} ms")
    report.peak_memory_mb = peak_memory_mb()
    say(f"peak memory of this process (it served every page) {report.peak_memory_mb:.0f} MB")
    return report


# -- output ---------------------------------------------------------------------------------------


def save(report: Report, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{report.database}-{report.scale}.json"
    target.write_text(json.dumps(asdict(report), indent=2, default=str) + "\n")
    return target


def _table(data: dict[str, Any]) -> str:
    counts_text = ", ".join(f"{value:,} {name}" for name, value in data["counts"].items())
    versions = data["machine"]
    engine = (
        f"SQLite {versions['sqlite']}"
        if "sqlite" in versions
        else f"PostgreSQL {versions.get('postgresql', '?')}"
    )
    memory = (
        f" Peak memory of the process that served every page: {data['peak_memory_mb']:.0f} MB."
        if data.get("peak_memory_mb")
        else ""
    )
    lines = [
        f"### {data['scale']} on {engine} — {data['taken_at'][:10]}",
        "",
        f"{counts_text}. {data['requests']} requests a page. Floors: minimal view "
        f"{data['floor_minimal_ms']:.2f} ms; raw SQL of the portfolio aggregates "
        f"{data['floor_sql_ms']:.1f} ms.{memory} Python {versions['python']}, "
        f"Django {versions['django']}, {versions['cpus']} CPUs, {versions['platform']}.",
        "",
        "| page | queries | median ms | p95 ms | × minimal view | × aggregate SQL "
        "| median ms after a write |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for page in data["pages"]:
        sql_ratio = f"{page['ratio_sql']:.2f}" if page.get("ratio_sql") is not None else ""
        cold = page.get("cold_median_ms")
        lines.append(
            f"| {page['name']} | {page['queries']} | {page['median_ms']:.1f} | "
            f"{page['p95_ms']:.1f} | {page['ratio']:.0f} | {sql_ratio} | "
            f"{'' if cold is None else f'{cold:.1f}'} |"
        )
    for name, ms in data.get("functions", {}).items():
        lines.append(f"| {name} (function) | | {ms:.1f} | | | | |")
    return "\n".join(lines)


def _query_counts(runs: list[dict[str, Any]]) -> str:
    """Each page's query count in every saved run side by side, and whether it is the same in
    all of them (the target: constant whatever the portfolio's size)."""
    engines = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    heads = [f"{engines.get(data['database'], data['database'])} {data['scale']}" for data in runs]
    counts = [{page["name"]: page["queries"] for page in data["pages"]} for data in runs]
    names = list(dict.fromkeys(name for run in counts for name in run))
    lines = [
        "### Query counts in every run",
        "",
        f"| page | {' | '.join(heads)} | the same in all |",
        f"|---|{'---:|' * len(heads)}:---:|",
    ]
    for name in names:
        row = [run.get(name) for run in counts]
        same = "yes" if len(set(row)) == 1 else "**no**"
        cells = " | ".join("" if count is None else str(count) for count in row)
        lines.append(f"| {name} | {cells} | {same} |")
    return "\n".join(lines)


def write_markdown(folder: Path, document: Path) -> None:
    """Put the query counts of every saved run (``folder``/*.json) side by side, then a table
    for each run, between the result markers of ``document``."""
    order = {"small": 0, "medium": 1, "large": 2}
    runs = sorted(
        (
            json.loads(path.read_text())
            for path in folder.glob("*.json")
            if not path.name.startswith(
                "load-"
            )  # the load test's results have a table of their own
        ),
        key=lambda data: (data["database"], order.get(data["scale"], 9)),
    )
    tables = (
        "\n\n".join([_query_counts(runs), *(_table(data) for data in runs)])
        if runs
        else "No run saved yet."
    )
    text = document.read_text() if document.exists() else f"{RESULTS_START}\n{RESULTS_END}\n"
    head, _, rest = text.partition(RESULTS_START)
    _, _, tail = rest.partition(RESULTS_END)
    document.write_text(f"{head}{RESULTS_START}\n{tables}\n{RESULTS_END}{tail}")


def database_url(engine: str, scale: str) -> str:
    if engine == "sqlite":
        return f"sqlite:///{Path(settings.BASE_DIR) / '.bench' / f'{scale}.sqlite3'}"
    return f"postgres://postgres@127.0.0.1:5432/tpmo_bench_{scale}"
