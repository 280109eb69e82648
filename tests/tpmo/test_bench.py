"""The benchmark harness measures every main page of a seeded portfolio and writes its tables;
the load test's script and log reading are exact."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from tpmo import bench, loadtest


@pytest.fixture
def seeded(db, settings):
    settings.DEMO_PASSWORD = "tpmo-bench-test"
    call_command("seed_demo", "--scale", "small", "--no-history", verbosity=0)


def test_the_benchmark_times_every_main_page_against_its_floors(seeded, tmp_path):
    said = []

    report = bench.run(scale="small", requests=3, say=said.append)

    names = [page.name for page in report.pages]
    assert names == [name for name, _, _ in bench.pages()]
    assert len(names) == 18
    assert {page.status for page in report.pages} == {200}
    assert all(page.queries > 0 and page.median_ms > 0 for page in report.pages)
    assert report.floor_minimal_ms > 0
    assert report.floor_sql_ms > 0
    assert {page.name for page in report.pages if page.ratio_sql is not None} == {
        "portfolio review",
        "KPIs",
    }
    assert set(report.functions) == {"portfolio critical path", "slip impact report"}
    assert report.counts["programs"] == 8
    assert 0 < report.peak_memory_mb <= bench.peak_memory_mb()  # a peak: it never falls

    saved = bench.save(report, tmp_path / "runs")
    (tmp_path / "runs" / "load-sqlite-small.json").write_text("{}")  # the load test's: not read
    document = tmp_path / "PERFORMANCE.md"
    document.write_text(f"# Head\n\n{bench.RESULTS_START}\nold\n{bench.RESULTS_END}\n\nTail\n")
    bench.write_markdown(tmp_path / "runs", document)

    assert json.loads(saved.read_text())["scale"] == "small"
    text = document.read_text()
    engine = "SQLite" if connection.vendor == "sqlite" else "PostgreSQL"
    assert text.startswith("# Head\n\n<!-- bench:results:start -->\n### Query counts in every run")
    assert f"\n### small on {engine}" in text
    assert "old" not in text
    assert text.endswith("<!-- bench:results:end -->\n\nTail\n")
    assert "| portfolio review | 20 |" in text  # computed (after a write), as the tests count
    assert all(page.cold_median_ms > 0 for page in report.pages)
    assert f"served every page: {report.peak_memory_mb:.0f} MB." in text


@pytest.mark.django_db
def test_the_counted_request_is_not_the_minutes_session_write(client, make_user):
    """Once a minute a request saves the session's last-seen time: the benchmark marks the
    session seen just before the request it counts, so that count is the page's own."""
    import time

    from django.test.utils import CaptureQueriesContext

    from tpmo.roles import Role
    from tpmo.security import SEEN

    client.force_login(make_user(Role.DIRECTOR))
    session = client.session
    session[SEEN] = time.time() - 90
    session.save()

    bench._seen_now(client)
    with CaptureQueriesContext(connection) as captured:
        client.get("/portfolio/people/")

    assert not [q for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
    session = client.session
    session[SEEN] = time.time() - 90
    session.save()
    with CaptureQueriesContext(connection) as captured:
        client.get("/portfolio/people/")
    assert [q for q in captured.captured_queries if "django_session" in q["sql"]][-1][
        "sql"
    ].startswith("UPDATE")


def test_query_counts_of_every_run_stand_side_by_side(tmp_path):
    def run(database, scale, review_queries):
        return {
            "database": database,
            "scale": scale,
            "requests": 20,
            "taken_at": "2026-11-25T10:00:00",
            "counts": {"programs": 8},
            "machine": {"python": "3.13", "django": "6.1", "cpus": 2, "platform": "Linux"}
            | ({"sqlite": "3.40.1"} if database == "sqlite" else {"postgresql": "15"}),
            "floor_minimal_ms": 1.0,
            "floor_sql_ms": 2.0,
            "pages": [
                {"name": "home", "queries": 9, "median_ms": 5, "p95_ms": 6, "ratio": 5},
                {"name": "review", "queries": review_queries, "median_ms": 9, "p95_ms": 9}
                | {"ratio": 9},
            ],
        }

    folder = tmp_path / "runs"
    folder.mkdir()
    for name, data in {
        "sqlite-large": run("sqlite", "large", 20) | {"peak_memory_mb": 171.4},
        "sqlite-small": run("sqlite", "small", 20),
        "postgresql-small": run("postgresql", "small", 21),
    }.items():
        (folder / f"{name}.json").write_text(json.dumps(data))
    document = tmp_path / "PERFORMANCE.md"

    bench.write_markdown(folder, document)

    text = document.read_text()
    assert (
        "| page | PostgreSQL small | SQLite small | SQLite large | the same in all |\n"
        "|---|---:|---:|---:|:---:|\n"
        "| home | 9 | 9 | 9 | yes |\n"
        "| review | 21 | 20 | 20 | **no** |\n"
    ) in text
    assert text.index("### Query counts in every run") < text.index("### small on PostgreSQL")
    # Memory is stated where it was measured (older runs did not record it).
    assert text.count("Peak memory") == 1
    assert "aggregates 2.0 ms. Peak memory of the process that served every page: 171 MB." in text


def test_the_load_script_writes_one_request_in_ten(tmp_path):
    mix = loadtest.Mix(
        reads=["/", "/programs/"],
        milestone_edits=[(7, "planned")],
        report_programs=["PAY"],
        cookies={"sessionid": "abc", "csrftoken": loadtest.CSRF},
        first_day=3,
    )

    script = loadtest.lua_script(mix)

    assert 'local reads = {"/", "/programs/"}' in script
    assert 'local edits = {{7, "planned"}}' in script
    assert "local first_day = 3" in script
    assert "counter % 10 ~= 0" in script
    assert f'wrk.headers["Cookie"] = "sessionid=abc; csrftoken={loadtest.CSRF}"' in script


def test_the_access_log_tells_reads_writes_errors_and_acknowledged_writes(tmp_path):
    log = tmp_path / "access.log"
    log.write_text(
        "\n".join(
            [
                "GET / 200 10000",
                "GET /programs/ 200 30000",
                "GET /bench/minimal/ 200 500",  # floors are not part of the mix
                "GET /risks/ 302 2000",  # a read that did not answer its page
                "POST /milestones/4/edit/ 302 40000",
                "POST /programs/PAY/status/new/ 302 50000",
                "POST /programs/PAY/status/new/ 500 60000",
                "garbage line",
            ]
        )
    )

    reads, writes, errors, acknowledged = loadtest.read_access_log(log)

    assert reads == [10.0, 30.0, 2.0]
    assert writes == [40.0, 50.0, 60.0]
    assert errors == {"GET 302": 1, "POST 500": 1}
    assert acknowledged == {"status reports": 1, "milestone updates": 1}
    assert loadtest._stats(writes) == {
        "count": 3,
        "p50_ms": 50.0,
        "p95_ms": 60.0,
        "p99_ms": 60.0,
        "mean_ms": 50.0,
    }


def test_load_results_become_a_table(tmp_path):
    report = loadtest.LoadReport(
        database="sqlite",
        scale="medium",
        duration_s=60,
        connections=16,
        workers=2,
        taken_at="2026-11-24T12:00:00+00:00",
        floor_rps=2000.0,
        list_rps=600.0,
        mix_rps=150.0,
        reads={"p50_ms": 40.0, "p95_ms": 120.0, "p99_ms": 200.0},
        writes={"p50_ms": 60.0, "p99_ms": 180.0},
        acknowledged_writes={"status reports": 40, "milestone updates": 45},
        reports_found=40,
        integrity="ok",
        worker_peak_mb=141.3,
    )
    loadtest.save(report, tmp_path)
    document = tmp_path / "PERF.md"

    loadtest.write_markdown(tmp_path, document)

    assert (
        "| sqlite | medium | 150 | 40 / 120 / 200 | 60 / 180 | 0 | 0 | 2000 | 600 (30 %) | "
        "85 / 40 reports found | ok | 141.3 |" in document.read_text()
    )


def test_a_workers_peak_memory_is_read_from_linux(tmp_path):
    import subprocess
    import sys

    waiting = "import sys; print('up', flush=True); sys.stdin.read()"
    child = subprocess.Popen([sys.executable, "-c", waiting], stdin=-1, stdout=-1)  # noqa: S603
    try:
        assert child.stdout.readline() == b"up\n"  # started: Python is resident
        assert child.pid in loadtest.worker_pids(os.getpid())
        peak = loadtest.peak_resident_mb(child.pid)
        status = Path(f"/proc/{child.pid}/status").read_text()
        kib = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))
        assert peak == round(int(kib) / 1024, 1) > 1
    finally:
        child.communicate(b"")
    assert loadtest.peak_resident_mb(child.pid) == 0.0  # gone: nothing to read


def test_benchmark_databases_are_named_by_engine_and_scale(settings):
    assert bench.database_url("postgres", "large") == (
        "postgres://postgres@127.0.0.1:5432/tpmo_bench_large"
    )
    assert bench.database_url("sqlite", "small") == (
        f"sqlite:///{Path(settings.BASE_DIR) / '.bench' / 'small.sqlite3'}"
    )
