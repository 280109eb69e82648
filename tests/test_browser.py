"""End-to-end in a real browser: Debian's Chromium driven by Playwright against a live server.

Each role signs in through the form and opens its main pages with no console error, no CSP
violation and no serious accessibility violation (axe-core); a TPM's weekly flow works with
htmx. ``.ci/run`` installs Chromium; on a machine without it these tests say so and skip.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.core.management import call_command

from tpmo.roles import Role, sync_role_groups

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
        reason="Chromium is not installed (apt-get install chromium); .ci/run installs it, "
        "and in CI these tests never skip.",
    ),
]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "tpmo-demo"
PAGES = {
    Role.ADMIN: [
        "/",
        "/programs/",
        "/programs/PAY/",
        "/risks/",
        "/portfolio/finance/",
        "/import/",
    ],
    Role.DIRECTOR: [
        "/",
        "/portfolio/",
        "/portfolio/kpis/",
        "/portfolio/changes/",
        "/portfolio/people/",
        "/portfolio/objectives/",
        "/portfolio/timeline/",
        "/portfolio/dependencies/",
        "/portfolio/finance/",
    ],
    Role.TPM: [
        "/",
        "/projects/PAY-01/",
        "/milestones/",
        "/programs/PAY/timeline/",
        "/impact/?project=PAY-01&days=10",
    ],
    Role.VIEWER: ["/", "/programs/", "/risks/", "/issues/", "/assumptions/"],
}


@pytest.fixture
def demo(transactional_db, settings) -> None:
    # Transactional tests empty the database after each test, role groups included.
    sync_role_groups(apps)
    settings.DEMO_PASSWORD = PASSWORD
    call_command(
        "seed_demo", "--scale", "small", "--as-of", "2026-06-01", "--no-history", verbosity=0
    )


@pytest.fixture
def browser(monkeypatch) -> Iterator[object]:
    # Playwright's sync API keeps an event loop on this thread; the live server does the ORM work.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def _page(browser, live_server, username: str):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.problems = []
    page.on(
        "console",
        lambda message: page.problems.append(message.text) if message.type == "error" else None,
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


@pytest.mark.parametrize("role", list(PAGES), ids=lambda role: role.name)
def test_each_role_signs_in_and_its_pages_are_clean(demo, browser, live_server, role):
    from axe_playwright_python.sync_playwright import Axe

    username = {
        Role.ADMIN: "admin",
        Role.DIRECTOR: "director",
        Role.TPM: "tpm",
        Role.VIEWER: "viewer",
    }[role]
    page = _page(browser, live_server, username)
    assert page.url == f"{live_server.url}/"
    axe = Axe()

    serious = {}
    for path in PAGES[role]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        violations = [
            violation["id"]
            for violation in axe.run(page).response["violations"]
            if violation["impact"] in ("serious", "critical")
        ]
        if violations:
            serious[path] = violations

    assert serious == {}
    assert page.problems == []  # no console error, no CSP violation (Chromium logs both)


def test_a_tpms_week_in_the_browser(demo, browser, live_server):
    page = _page(browser, live_server, "tpm")

    # Filter the program list in place: the URL follows, the page does not reload.
    page.goto(f"{live_server.url}/programs/")
    page.select_option("#id_status", "active")
    page.wait_for_url("**status=active**")
    assert page.locator("#program-results tbody tr").count() >= 1

    # Move a milestone's forecast in place: the row and the counters refresh.
    page.goto(f"{live_server.url}/projects/PAY-01/")
    row = page.locator("tbody tr").filter(has=page.locator("a:has-text('Edit')")).first
    row_id = row.get_attribute("id")
    row.locator("a:has-text('Edit')").click()
    page.wait_for_selector(f"#{row_id}.editing")
    page.fill(f"#{row_id} input[name=forecast_date]", "2027-12-31")
    page.click(f"#{row_id} button[type=submit]")
    page.wait_for_selector(f"#{row_id}:not(.editing)")
    assert "31 Dec 2027" in page.inner_text(f"#{row_id}")

    # Write the weekly status: it becomes the current status on the program page.
    page.goto(f"{live_server.url}/programs/PAY/status/new/")
    page.fill("#id_report_date", "2026-06-02")
    page.fill("#id_summary", "Browser-tested status.")
    page.select_option("#id_overall", "green")
    page.fill("#id_variance_reason", "The partner confirmed the fix ships Monday.")
    page.click("button:has-text('Publish')")
    page.wait_for_url(f"{live_server.url}/programs/PAY/")
    assert "Browser-tested status." in page.inner_text(".report-current")
    assert "The partner confirmed the fix ships Monday." in page.inner_text(".report-current")

    # A dependency that would close a cycle is refused, naming it.
    page.goto(f"{live_server.url}/dependencies/new/?successor=PAY-02")
    page.fill("#id_predecessor", "PAY-01")
    page.click("button:has-text('Save')")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/dependencies/new/?successor=PAY-01")
    page.fill("#id_predecessor", "PAY-02")
    page.click("button:has-text('Save')")
    page.wait_for_load_state()
    assert "would close a cycle" in page.inner_text(".form-errors")
    assert page.problems == []


def test_a_directors_review_in_the_browser(demo, browser, live_server):
    from django.utils import timezone

    from review.snapshots import take_snapshot

    take_snapshot(timezone.localdate())  # the demo is as of 1 June 2026; trends end today
    page = _page(browser, live_server, "director")

    page.click("nav.site-nav >> text=Portfolio")
    page.wait_for_url(f"{live_server.url}/portfolio/")
    assert "Watermelons" in page.inner_text("#melon-title")
    assert "CDP" in page.inner_text("section[aria-labelledby=melon-title]")

    page.click("nav.sub-nav >> text=KPIs")
    page.wait_for_url(f"{live_server.url}/portfolio/kpis/")
    assert page.locator(".kpi").count() == 12
    charted = page.eval_on_selector_all(
        ".kpi:has(svg.line-chart) h2", "headings => headings.map(h => h.id)"
    )
    # The demo's events end on 1 June 2026, so today's window counts none: only the KPIs that
    # stand at a date (money, risks, health, reporting due) have a value to chart.
    assert sorted(charted) == [
        "kpi-budget_adherence",
        "kpi-cpi",
        "kpi-red_share",
        "kpi-report_timeliness",
        "kpi-risk_emv",
        "kpi-risk_score",
        "kpi-spi",
    ]

    page.select_option("#id_objective", label=page.inner_text("#id_objective option:nth-child(2)"))
    page.click("button:has-text('Show')")
    page.wait_for_url("**objective=**")
    assert page.locator(".kpi").count() == 12
    assert page.problems == []


PHONE_PAGES = {
    "director": ["/", "/portfolio/", "/portfolio/kpis/", "/portfolio/changes/", "/risks/"],
    "tpm": ["/", "/programs/PAY/", "/projects/PAY-01/", "/milestones/", "/programs/"],
}


@pytest.mark.parametrize("username", sorted(PHONE_PAGES))
def test_on_a_phone_no_page_is_wider_than_the_screen(demo, browser, live_server, username):
    """Wide tables scroll inside their card and filters fit: the page itself never scrolls
    sideways on a 390-pixel screen (the navigation wraps instead of running off it)."""
    page = _page(browser, live_server, username)
    page.set_viewport_size({"width": 390, "height": 844})

    widths = {}
    for path in PHONE_PAGES[username]:
        page.goto(f"{live_server.url}{path}")
        widths[path] = page.evaluate("document.documentElement.scrollWidth")

    assert widths == dict.fromkeys(PHONE_PAGES[username], 390)
