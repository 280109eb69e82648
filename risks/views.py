"""The RAID log's pages: the risk register with its heat map and figures, risk pages and their
actions, and the lists and pages of issues, decisions and assumptions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import django_filters
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from programs.models import Program
from risks import selectors, services
from risks.filters import AssumptionFilter, DecisionFilter, IssueFilter, RiskFilter
from risks.forms import AssumptionCheckForm, ReviewForm, RiskForm
from risks.models import Assumption, Decision, Issue, Risk
from tpmo.datastate import evaluated, remembered
from tpmo.exports import FORMATS, Column, export_response
from tpmo.history import StaleEdit, change_log
from tpmo.htmx import render_page_or_fragment
from tpmo.permissions import require_editable, visible_or_404
from tpmo.roles import role_of

PAGE_SIZE = 50

RISK_COLUMNS = [
    Column("Id", lambda r: r.pk),
    Column("Program", lambda r: r.program.code),
    Column("Project", lambda r: r.project.code if r.project_id else ""),
    Column("Title", lambda r: r.title),
    Column("Category", lambda r: r.get_category_display()),
    Column("Status", lambda r: r.get_status_display()),
    Column("Inherent P", lambda r: r.inherent_probability),
    Column("Inherent I", lambda r: r.inherent_impact),
    Column("Inherent score", lambda r: r.inherent_score),
    Column("Residual P", lambda r: r.residual_probability),
    Column("Residual I", lambda r: r.residual_impact),
    Column("Residual score", lambda r: r.residual_score),
    Column("Residual band", lambda r: r.residual_band.label),
    Column("Cost impact", lambda r: r.cost_impact),
    Column("EMV", lambda r: r.expected_monetary_value),
    Column("Schedule impact (days)", lambda r: r.schedule_impact_days),
    Column("Owner", lambda r: r.owner.name if r.owner else ""),
    Column("Response", lambda r: r.get_response_display()),
    Column("Proximity", lambda r: r.proximity_date),
    Column("Next review", lambda r: r.next_review_date),
]


@require_safe
def risk_list(request: HttpRequest) -> HttpResponse:
    """The register, its heat map (open risks of the other filters; a cell filters the list)
    and its figures."""
    today = timezone.localdate()
    base = selectors.register(request.user)
    filters = RiskFilter(request.GET, queryset=base, today=today)
    if request.GET.get("export") in FORMATS:
        rows = filters.qs.iterator(chunk_size=2000)
        return export_response(request.GET["export"], "risks", RISK_COLUMNS, rows)
    surrounding = request.GET.copy()
    for name in RiskFilter.CELL_PARAMS:
        surrounding.pop(name, None)
    around = RiskFilter(surrounding, queryset=base, today=today).qs
    program = filters.form.cleaned_data.get("program") if filters.is_valid() else None
    programs = Program.objects.visible_to(request.user)
    heat_map, figures, by_program, trend = remembered(
        # Every role sees the whole register; the other filters are in the query string.
        ("risk-register", role_of(request.user) is not None, surrounding.urlencode(), today),
        lambda: (
            selectors.heat_map(around),
            selectors.figures(around, today),
            selectors.by_program(around),
            selectors.exposure_trend(
                programs.filter(pk=program.pk) if program else programs.values("pk"), today
            ),
        ),
    )
    context = {
        "filters": filters,
        "page": remembered(
            (
                "risk-register-page",
                role_of(request.user) is not None,
                request.GET.urlencode(),
                today,
            ),
            lambda: evaluated(Paginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("page"))),
        ),
        "heat_map": heat_map,
        "cell_query": surrounding.urlencode(),
        "figures": figures,
        "by_program": by_program,
        "trend": trend,
        "today": today,
    }
    return render_page_or_fragment(request, "risks/risk_list.html", "risk-results", context)


def _risk(request: HttpRequest, pk: int) -> Risk:
    return visible_or_404(
        Risk.objects.select_related("program", "project", "owner", "source_assumption"),
        request.user,
        pk=pk,
    )


@dataclass(frozen=True)
class ScorePoint:
    when: Any
    who: Any
    inherent: int
    residual: int
    status: str


def score_history(risk: Risk) -> list[ScorePoint]:
    """The risk's scores each time they (or its status) changed, oldest first."""
    points: list[ScorePoint] = []
    for version in risk.history.select_related("history_user").order_by(
        "history_date", "history_id"
    ):
        point = ScorePoint(
            version.history_date,
            version.history_user,
            version.inherent_probability * version.inherent_impact,
            version.residual_probability * version.residual_impact,
            version.get_status_display(),
        )
        if not points or (point.inherent, point.residual, point.status) != (
            points[-1].inherent,
            points[-1].residual,
            points[-1].status,
        ):
            points.append(point)
    return points


@require_safe
def risk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    risk = _risk(request, pk)
    today = timezone.localdate()
    context = {
        "risk": risk,
        "milestones": list(risk.milestones.select_related("project").order_by("forecast_date")),
        "changes": change_log(risk),
        "scores": score_history(risk),
        "can_edit": Risk.objects.editable_by(request.user).filter(pk=pk).exists(),
        "review_form": ReviewForm(
            initial={
                "version": risk.version,
                "reviewed_on": today,
                "next_review_date": today + timedelta(days=14),
            }
        ),
        "stale": risk.is_stale(today),
        "issue": Issue.objects.filter(source_risk=risk).first(),
    }
    return render(request, "risks/risk_detail.html", context)


def _save_risk_form(request: HttpRequest, form: RiskForm, risk: Risk) -> HttpResponse | None:
    if not form.is_valid():
        return None
    saved = form.save(commit=False)
    try:
        services.risk_save(
            risk=saved,
            by=request.user,
            expected_version=form.cleaned_data["version"],
            milestones=form.cleaned_data["milestones"],
        )
    except StaleEdit as stale:
        form.add_error(None, stale)
        form.current = stale.current
        return None
    except ValidationError as error:
        form.add_error(None, error)
        return None
    messages.success(request, f"Risk '{saved.title}' saved.")
    return redirect("risk-detail", pk=saved.pk)


@require_http_methods(["GET", "POST"])
def risk_new(request: HttpRequest, code: str) -> HttpResponse:
    program = visible_or_404(Program.objects, request.user, code=code)
    require_editable(program, request.user)
    risk = Risk(program=program)
    if request.method == "POST":
        form = RiskForm(request.POST, instance=risk, program=program)
        done = _save_risk_form(request, form, risk)
        if done is not None:
            return done
    else:
        today = timezone.localdate()
        form = RiskForm(
            instance=risk,
            program=program,
            initial={"identified_on": today, "next_review_date": today + timedelta(days=14)},
        )
    return render(request, "risks/risk_form.html", {"form": form, "program": program, "risk": None})


@require_http_methods(["GET", "POST"])
def risk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    risk = _risk(request, pk)
    require_editable(risk, request.user)
    if request.method == "POST":
        form = RiskForm(request.POST, instance=risk, program=risk.program)
        done = _save_risk_form(request, form, risk)
        if done is not None:
            return done
        status = 409 if getattr(form, "current", None) else 200
    else:
        form = RiskForm(instance=risk, program=risk.program, initial={"version": risk.version})
        status = 200
    context = {"form": form, "program": risk.program, "risk": risk}
    return render(request, "risks/risk_form.html", context, status=status)


def _risk_action(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    """Run a one-click action on a risk; failures come back as a message, nothing changed."""
    risk = _risk(request, pk)
    require_editable(risk, request.user)
    version = request.POST.get("version")
    try:
        action(risk, int(version) if version and version.isdigit() else None)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("risk-detail", pk=pk)


@require_POST
def risk_review(request: HttpRequest, pk: int) -> HttpResponse:
    risk = _risk(request, pk)
    require_editable(risk, request.user)
    form = ReviewForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.risk_review(
                risk=risk,
                by=request.user,
                expected_version=data["version"],
                reviewed_on=data["reviewed_on"],
                next_review_date=data["next_review_date"],
                residual_probability=data["residual_probability"],
                residual_impact=data["residual_impact"],
                status=data["status"] or None,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Review recorded.")
            return redirect("risk-detail", pk=pk)
    risk.refresh_from_db()
    return render(
        request,
        "risks/risk_review_form.html",
        {"risk": risk, "review_form": form},
        status=409 if any(e.code == "stale" for e in form.non_field_errors().as_data()) else 200,
    )


@require_POST
def risk_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    return _risk_action(
        request,
        pk,
        lambda risk, version: services.risk_escalate(
            risk=risk, by=request.user, expected_version=version
        ),
        "Escalated: the program now holds this risk.",
    )


@require_POST
def risk_close(request: HttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    return _risk_action(
        request,
        pk,
        lambda risk, version: services.risks_close(risks=[risk], on=today, by=request.user),
        "Risk closed.",
    )


@require_POST
def risk_convert(request: HttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    return _risk_action(
        request,
        pk,
        lambda risk, version: services.risk_convert_to_issue(
            risk=risk, by=request.user, on=today, expected_version=version
        ),
        "The risk occurred: an issue now tracks it.",
    )


# -- issues, decisions, assumptions ------------------------------------------------------------


@dataclass(frozen=True)
class RaidKind:
    model: type[Model]
    filterset: type[django_filters.FilterSet]
    template: str
    fragment: str
    export_name: str
    columns: list[Column]
    joins: tuple[str, ...] = ("program", "project", "owner")


KINDS = {
    "issues": RaidKind(
        Issue,
        IssueFilter,
        "risks/issue_list.html",
        "issue-results",
        "issues",
        [
            Column("Program", lambda i: i.program.code),
            Column("Project", lambda i: i.project.code if i.project_id else ""),
            Column("Title", lambda i: i.title),
            Column("Severity", lambda i: i.get_severity_display()),
            Column("Status", lambda i: i.get_status_display()),
            Column("Owner", lambda i: i.owner.name if i.owner else ""),
            Column("Raised", lambda i: i.raised_on),
            Column("Due", lambda i: i.due_date),
            Column("From risk", lambda i: i.source_risk_id or ""),
        ],
    ),
    "decisions": RaidKind(
        Decision,
        DecisionFilter,
        "risks/decision_list.html",
        "decision-results",
        "decisions",
        [
            Column("Program", lambda d: d.program.code),
            Column("Title", lambda d: d.title),
            Column("Status", lambda d: d.get_status_display()),
            Column("Decision", lambda d: d.outcome),
            Column("Decided by", lambda d: d.decided_by.name if d.decided_by else ""),
            Column("Decided on", lambda d: d.decided_on),
        ],
        joins=("program", "project", "decided_by"),
    ),
    "assumptions": RaidKind(
        Assumption,
        AssumptionFilter,
        "risks/assumption_list.html",
        "assumption-results",
        "assumptions",
        [
            Column("Program", lambda a: a.program.code),
            Column("Statement", lambda a: a.statement),
            Column("Status", lambda a: a.get_status_display()),
            Column("Validate by", lambda a: a.validate_by),
            Column("Checked on", lambda a: a.validated_on),
            Column("Owner", lambda a: a.owner.name if a.owner else ""),
        ],
    ),
}


def _raid_queryset(kind: RaidKind, user: Any) -> QuerySet[Any]:
    return kind.model._default_manager.visible_to(user).select_related(*kind.joins).order_by("-pk")


@require_safe
def raid_list(request: HttpRequest, kind: str) -> HttpResponse:
    spec = KINDS[kind]
    filters = spec.filterset(request.GET, queryset=_raid_queryset(spec, request.user))
    if request.GET.get("export") in FORMATS:
        rows = filters.qs.iterator(chunk_size=2000)
        return export_response(request.GET["export"], spec.export_name, spec.columns, rows)
    context = {
        "filters": filters,
        "page": Paginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("page")),
        "today": timezone.localdate(),
    }
    return render_page_or_fragment(request, spec.template, spec.fragment, context)


@require_safe
def raid_detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    spec = KINDS[kind]
    record = visible_or_404(_raid_queryset(spec, request.user), request.user, pk=pk)
    context = {
        "record": record,
        "kind": kind,
        "changes": change_log(record),
        "can_edit": spec.model._default_manager.editable_by(request.user).filter(pk=pk).exists(),
    }
    if kind == "assumptions":
        context["check_form"] = AssumptionCheckForm(
            initial={"version": record.version, "checked_on": timezone.localdate()}
        )
        context["raised"] = list(record.raised_risks.all())
    return render(request, f"risks/{kind[:-1]}_detail.html", context)


@require_POST
def assumption_check(request: HttpRequest, pk: int) -> HttpResponse:
    assumption = visible_or_404(Assumption.objects.select_related("program"), request.user, pk=pk)
    require_editable(assumption, request.user)
    form = AssumptionCheckForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            risk = services.assumption_check(
                assumption=assumption,
                by=request.user,
                expected_version=data["version"],
                valid=data["outcome"] == "valid",
                on=data["checked_on"],
                notes=data["notes"],
                raise_risk_titled=data["raise_risk_titled"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, "Assumption checked." + (f" Risk '{risk.title}' raised." if risk else "")
            )
            return redirect("assumption-detail", pk=pk)
    assumption.refresh_from_db()
    context = {"record": assumption, "check_form": form, "kind": "assumptions"}
    return render(request, "risks/assumption_check_form.html", context)
