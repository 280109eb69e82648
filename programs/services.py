"""Every write to the programs domain that is more than a plain form save.

Each service validates with ``full_clean()``, runs in one transaction, and leaves a history record
naming the user who did it (simple-history's ``_history_user``).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.mail import send_mass_mail
from django.db import transaction

from programs.choices import MilestoneStatus, UpdateCadence
from programs.models import (
    ActionItem,
    BudgetLine,
    Dependency,
    FiscalPeriod,
    Milestone,
    Person,
    Program,
    ProgramStakeholder,
    Project,
    Retrospective,
    StatusReport,
)
from tpmo.health import Health
from tpmo.history import save_with_history

logger = logging.getLogger(__name__)


def dependency_create(*, by: Any, **fields: Any) -> Dependency:
    """Record a dependency; refused (ValidationError) if it would close a cycle.

    Validation takes the dependency-graph lock, so concurrent writers are checked one at a time.
    """
    return dependency_save(dependency=Dependency(), by=by, expected_version=None, **fields)


@transaction.atomic
def milestones_mark_done(*, milestones: Iterable[Milestone], on: date, by: Any) -> int:
    """Mark milestones done on a date (keeping any actual date already given); returns how many
    changed. Each change is validated and kept in history."""
    changed = 0
    for milestone in milestones:
        if milestone.status == MilestoneStatus.DONE:
            continue
        milestone.status = MilestoneStatus.DONE
        milestone.actual_date = on
        save_with_history(milestone, by=by, reason="Marked done")
        changed += 1
    return changed


@transaction.atomic
def action_items_mark_done(*, items: Iterable[ActionItem], on: date, by: Any) -> int:
    """Tick retrospective actions done on a date; returns how many changed."""
    changed = 0
    for item in items:
        if item.done:
            continue
        item.done = True
        item.done_on = on
        save_with_history(item, by=by, reason="Marked done")
        changed += 1
    return changed


def _stakeholder_emails(program: Program) -> list[str]:
    """Where a program's status goes: stakeholders who asked for updates and have an address."""
    roles = ProgramStakeholder.objects.filter(program=program).exclude(
        update_cadence=UpdateCadence.NONE
    )
    emails = roles.exclude(stakeholder__email="").values_list("stakeholder__email", flat=True)
    return sorted(set(emails))


def _status_email(report: StatusReport) -> tuple[str, str]:
    subject = (
        f"[TPMO] {report.scope_label} status {report.report_date:%Y-%m-%d}: "
        f"{report.get_overall_display()}"
    )
    parts = [
        f"{report.scope_label} — status of {report.report_date:%d %b %Y}, by {report.author}",
        "",
        f"Overall: {report.get_overall_display()}  (schedule {report.get_schedule_display()}, "
        f"budget {report.get_budget_display()}, scope {report.get_scope_display()})",
        "",
        report.summary,
    ]
    for title, text in (
        ("Accomplishments", report.accomplishments),
        ("Next steps", report.next_steps),
        ("Blockers", report.blockers),
    ):
        if text:
            parts += ["", f"{title}:", text]
    return subject, "\n".join(parts)


def _send_after_commit(messages: list[tuple[str, str, None, list[str]]], report: Any) -> None:
    """Send the status email; the report is committed already, so a mail server that is down
    is logged for the admins, not turned into an error page for the TPM."""
    try:
        send_mass_mail(messages, fail_silently=False)
    except (OSError, smtplib.SMTPException):
        logger.exception("Status email of %s not sent", report)


@transaction.atomic
def status_report_publish(
    *,
    program: Program,
    project: Project | None,
    author: Person,
    by: Any,
    computed: Health | None = None,
    **fields: Any,
) -> tuple[StatusReport, list[str]]:
    """Publish a weekly status report, keeping beside it the computed health of that moment;
    once committed it is emailed to the program's stakeholders who asked for updates. Returns
    the report and the addresses it goes to."""
    report = StatusReport(program=program, project=project, author=author, **fields)
    if computed is not None:
        report.keep_computed(computed)
    save_with_history(report, by=by, reason="Published")
    recipients = _stakeholder_emails(program)
    if recipients:
        subject, body = _status_email(report)
        messages = [(subject, body, None, [address]) for address in recipients]
        transaction.on_commit(lambda: _send_after_commit(messages, report))
    return report, recipients


@transaction.atomic
def retrospective_record(
    *, retrospective: Retrospective, actions: Iterable[ActionItem], by: Any
) -> Retrospective:
    """Record a retrospective and its action items, all or nothing."""
    save_with_history(retrospective, by=by, reason="Recorded")
    for action in actions:
        action.retrospective = retrospective
        save_with_history(action, by=by)
    return retrospective


@transaction.atomic
def milestone_update(
    *,
    milestone: Milestone,
    by: Any,
    expected_version: int | None,
    forecast_date: date,
    actual_date: date | None,
    status: str,
) -> Milestone:
    """Move a milestone's forecast, record its actual date and status (lost updates refused)."""
    milestone.forecast_date = forecast_date
    milestone.actual_date = actual_date
    milestone.status = status
    save_with_history(milestone, by=by, expected_version=expected_version)
    return milestone


@transaction.atomic
def dependency_save(
    *, dependency: Dependency, by: Any, expected_version: int | None, **fields: Any
) -> Dependency:
    """Create or change a dependency; refused if it would close a cycle or the record is stale."""
    for name, value in fields.items():
        setattr(dependency, name, value)
    save_with_history(dependency, by=by, expected_version=expected_version)
    return dependency


@dataclass(frozen=True)
class ActualsRow:
    """One category's actual and forecast for a period; ``version`` is what the form showed."""

    category: str
    actual: Decimal
    forecast: Decimal
    version: int | None = None


@transaction.atomic
def budget_actuals_record(
    *, project: Project, period: FiscalPeriod, rows: Iterable[ActualsRow], by: Any
) -> list[BudgetLine]:
    """Record a period's actuals and forecast for a project, all categories in one transaction.

    Lines that exist are updated (a stale version refuses the whole save); a category without a
    line gets one with nothing planned.
    """
    existing = {
        line.category: line
        for line in BudgetLine.objects.select_for_update().filter(project=project, period=period)
    }
    saved = []
    for row in rows:
        line = existing.get(row.category) or BudgetLine(
            project=project, period=period, category=row.category, planned=Decimal(0)
        )
        if line.pk and line.actual == row.actual and line.forecast == row.forecast:
            continue
        line.actual, line.forecast = row.actual, row.forecast
        save_with_history(line, by=by, reason="Actuals recorded", expected_version=row.version)
        saved.append(line)
    return saved
