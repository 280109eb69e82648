"""The TPM's weekly edits, and the milestone list.

Every edit: the record must be visible (else 404) and editable by the user's role on its program
(else 403); the write goes through ``programs.services``; a form opened on an older version of the
record is refused with the current values shown and the user's input kept.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import trigger_client_event

from programs import selectors, services, timeline
from programs.filters import DependencyFilter, MilestoneFilter, ProgramTimelineFilter
from programs.forms import (
    ActionItemFormSet,
    ActualsFormSet,
    DependencyForm,
    ImpactForm,
    MilestoneForm,
    PeriodChoiceForm,
    RetrospectiveForm,
    StatusReportForm,
    people_of,
)
from programs.models import (
    ActionItem,
    BudgetLine,
    Dependency,
    FiscalPeriod,
    Milestone,
    Person,
    Program,
    Project,
    StatusReport,
)
from programs.network import SlipReport, load_network, slip_impact
from programs.schedule import Activity
from tpmo.datastate import evaluated, remembered
from tpmo.exports import FORMATS, Column, export_response
from tpmo.health_queries import attach_health, health_of
from tpmo.history import StaleEdit
from tpmo.htmx import render_page_or_fragment, wants_fragment
from tpmo.permissions import require_editable, visible_or_404
from tpmo.roles import role_of
from tpmo.selectors import milestone_counters
from tpmo.views.home import render_panel

PAGE_SIZE = 50

MILESTONE_COLUMNS = [
    Column("Program", lambda m: m.project.program.code),
    Column("Project", lambda m: m.project.code),
    Column("Milestone", lambda m: m.name),
    Column("Key", lambda m: m.is_key),
    Column("Owner", lambda m: m.owner.name if m.owner else ""),
    Column("Baseline", lambda m: m.baseline_date),
    Column("Forecast", lambda m: m.forecast_date),
    Column("Actual", lambda m: m.actual_date),
    Column("Slip (days)", lambda m: m.slip_days),
    Column("Status", lambda m: m.get_status_display()),
]


@require_safe
def milestone_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    filters = MilestoneFilter(
        request.GET, queryset=selectors.milestones_for_list(request.user), today=today
    )
    export = request.GET.get("export")
    if export in FORMATS:
        return export_response(
            export, "milestones", MILESTONE_COLUMNS, filters.qs.iterator(chunk_size=2000)
        )
    page = remembered(
        # Every role sees every milestone; the filters and the page are in the query string.
        ("milestone-list", role_of(request.user) is not None, request.GET.urlencode(), today),
        lambda: evaluated(Paginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("page"))),
    )
    shown = [milestone.pk for milestone in page.object_list]
    editable = set(
        Milestone.objects.editable_by(request.user)
        .filter(pk__in=shown)
        .values_list("pk", flat=True)
    )
    rows = [(milestone, milestone.pk in editable) for milestone in page.object_list]
    context = {"filters": filters, "page": page, "rows": rows, "today": today}
    return render_page_or_fragment(
        request, "programs/milestone_list.html", "milestone-results", context
    )


# -- milestones, edited in place -------------------------------------------------------------


def _milestone_for_edit(request: HttpRequest, pk: int) -> Milestone:
    milestone = visible_or_404(
        Milestone.objects.select_related("project__program", "owner"), request.user, pk=pk
    )
    require_editable(milestone, request.user)
    return milestone


def _row_context(milestone: Milestone, **extra: Any) -> dict[str, Any]:
    return {"milestone": milestone, "today": timezone.localdate(), "can_edit": True, **extra}


@require_http_methods(["GET", "POST"])
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Forecast, actual date and status of one milestone. With htmx the table row turns into a
    form and back; without JavaScript it is an ordinary page."""
    milestone = _milestone_for_edit(request, pk)
    fragment = wants_fragment(request)
    template = "programs/milestone_row_form.html" if fragment else "programs/milestone_form.html"
    if request.method == "GET":
        form = MilestoneForm(instance=milestone, initial={"version": milestone.version})
        return render(request, template, _row_context(milestone, form=form))

    old_forecast = milestone.forecast_date
    form = MilestoneForm(request.POST, instance=milestone)
    if form.is_valid():
        try:
            services.milestone_update(
                milestone=milestone,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                forecast_date=form.cleaned_data["forecast_date"],
                actual_date=form.cleaned_data["actual_date"],
                status=form.cleaned_data["status"],
            )
        except StaleEdit as stale:
            form.add_error(None, stale)
            current = stale.current
            return render(
                request,
                template,
                _row_context(milestone, form=form, current=current),
                status=200 if fragment else 409,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            report = _cross_program_impact(milestone, old_forecast)
            if fragment:
                response = render(request, "programs/milestone_row.html", _row_context(milestone))
                if report is not None:  # shown at once in the page's notice area
                    notice = render_to_string(
                        "programs/_impact_notice.html", {"report": report, "oob": True}, request
                    )
                    response.content += notice.encode()
                return trigger_client_event(response, "milestones-changed")
            messages.success(request, f"Milestone '{milestone.name}' updated.")
            if report is not None:
                messages.warning(request, _impact_sentence(report))
            return redirect("project-detail", code=milestone.project.code)
    return render(request, template, _row_context(milestone, form=form))


def _cross_program_impact(milestone: Milestone, old_forecast: Any) -> SlipReport | None:
    """The slip report of a forecast just moved, when it moves other programs' items."""
    days = (milestone.forecast_date - old_forecast).days
    if days <= 0:
        return None
    node = (milestone.project_id, milestone.pk)
    network = load_network(downstream_of=node)
    network.activities[node] = Activity(node, old_forecast, 0, milestone.baseline_date)
    report = slip_impact(network, node, days)
    return report if report.programs else None


def _impact_sentence(report: SlipReport) -> str:
    return (
        f"Moving {report.item.label} by {report.days} days moves {len(report.impacts)} item(s), "
        f"in {', '.join(report.programs)} too: see Slip impact for the details."
    )


@require_safe
def milestone_row(request: HttpRequest, pk: int) -> HttpResponse:
    """The read-only row (the edit form's Cancel)."""
    milestone = visible_or_404(
        Milestone.objects.select_related("project__program", "owner"), request.user, pk=pk
    )
    can_edit = Milestone.objects.editable_by(request.user).filter(pk=pk).exists()
    context = {"milestone": milestone, "today": timezone.localdate(), "can_edit": can_edit}
    return render(request, "programs/milestone_row.html", context)


@require_safe
def project_counters(request: HttpRequest, code: str) -> HttpResponse:
    """The project's schedule figures, refreshed after a milestone edit."""
    project = visible_or_404(Project.objects, request.user, code=code)
    today = timezone.localdate()
    context = {"counters": milestone_counters(project, today), "project": project}
    return render(request, "programs/project_detail.html#milestone-counters", context)


# -- weekly status ---------------------------------------------------------------------------


def _author(request: HttpRequest) -> Person | None:
    return Person.objects.filter(user=request.user).first()


@require_http_methods(["GET", "POST"])
def status_report_new(request: HttpRequest, code: str, level: str) -> HttpResponse:
    """Write the weekly status of a program or a project, pre-filled from the previous one."""
    if level == "project":
        project = visible_or_404(Project.objects.select_related("program"), request.user, code=code)
        program = project.program
        previous = StatusReport.objects.filter(project=project)
        require_editable(project, request.user)
    else:
        project = None
        program = visible_or_404(Program.objects, request.user, code=code)
        previous = StatusReport.objects.filter(program=program, project__isnull=True)
        require_editable(program, request.user)
    scope = project or program
    author = _author(request)
    today = timezone.localdate()
    computed = health_of(attach_health([scope], today=today)[0], today=today)

    if request.method == "POST":
        form = StatusReportForm(request.POST, computed=computed)
        if author is None:
            form.add_error(
                None, "Your account is not linked to a person, so it cannot sign reports."
            )
        if form.is_valid():
            try:
                _, recipients = services.status_report_publish(
                    program=program,
                    project=project,
                    author=author,
                    by=request.user,
                    computed=computed,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                sent = f" and emailed to {len(recipients)} stakeholder(s)" if recipients else ""
                messages.success(request, f"Status of {scope.code} published{sent}.")
                return redirect(scope)
    else:
        last = previous.order_by("-report_date").first()
        initial = {"report_date": timezone.localdate()}
        if last is not None:
            for name in StatusReportForm.Meta.fields:
                if name not in ("report_date", "variance_reason"):
                    initial[name] = getattr(last, name)
        form = StatusReportForm(initial=initial, computed=computed)
    context = {
        "form": form,
        "scope": scope,
        "program": program,
        "project": project,
        "computed": computed,
    }
    return render(request, "programs/status_report_form.html", context)


# -- retrospectives ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def retrospective_new(request: HttpRequest, code: str) -> HttpResponse:
    """Record a retrospective of the program (or one of its projects) and its action items."""
    program = visible_or_404(Program.objects, request.user, code=code)
    require_editable(program, request.user)
    owners = people_of(program)
    if request.method == "POST":
        form = RetrospectiveForm(request.POST, program=program)
        actions = ActionItemFormSet(request.POST, prefix="actions")
        for action_form in actions:
            action_form.fields["owner"].queryset = owners
        if form.is_valid() and actions.is_valid():
            retrospective = form.save(commit=False)
            retrospective.program = program
            retrospective.facilitator = _author(request)
            items = [f.save(commit=False) for f in actions if f.has_changed()]
            try:
                services.retrospective_record(
                    retrospective=retrospective, actions=items, by=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Retrospective recorded with {len(items)} action(s).")
                return redirect(program)
    else:
        form = RetrospectiveForm(program=program, initial={"held_on": timezone.localdate()})
        actions = ActionItemFormSet(prefix="actions")
        for action_form in actions:
            action_form.fields["owner"].queryset = owners
    return render(
        request,
        "programs/retrospective_form.html",
        {"form": form, "actions": actions, "program": program},
    )


@require_POST
def action_item_done(request: HttpRequest, pk: int) -> HttpResponse:
    """Tick one of my (or my program's) retrospective actions done."""
    item = visible_or_404(
        ActionItem.objects.select_related("retrospective", "owner"), request.user, pk=pk
    )
    if item.owner.user_id != request.user.pk:
        require_editable(item, request.user)
    services.action_items_mark_done(items=[item], on=timezone.localdate(), by=request.user)
    if wants_fragment(request):
        return render_panel(request, "actions")
    messages.success(request, f"Action '{item.description}' done.")
    return redirect(request.POST.get("next") or "home")


# -- dependencies ----------------------------------------------------------------------------


def _dependency_initial(dependency: Dependency) -> dict[str, Any]:
    return {
        "predecessor": dependency.predecessor_project.code,
        "predecessor_milestone": dependency.predecessor_milestone.name
        if dependency.predecessor_milestone
        else "",
        "successor": dependency.successor_project.code,
        "successor_milestone": dependency.successor_milestone.name
        if dependency.successor_milestone
        else "",
        "type": dependency.type,
        "lag_days": dependency.lag_days,
        "needed_by": dependency.needed_by,
        "committed_date": dependency.committed_date,
        "status": dependency.status,
        "description": dependency.description,
        "version": dependency.version,
    }


def _save_dependency(
    request: HttpRequest, form: DependencyForm, dependency: Dependency
) -> HttpResponse | None:
    """Save when valid and allowed; None when the form must be shown again."""
    if not form.is_valid():
        return None
    fields = form.dependency_fields()
    editable = Program.objects.editable_by(request.user).filter(
        pk__in=[fields["predecessor_project"].program_id, fields["successor_project"].program_id]
    )
    if not editable.exists():
        form.add_error(None, "You can only record dependencies that involve one of your programs.")
        return None
    try:
        services.dependency_save(
            dependency=dependency,
            by=request.user,
            expected_version=form.cleaned_data["version"],
            **fields,
        )
    except StaleEdit as stale:
        form.add_error(None, stale)
        form.current = _dependency_initial(stale.current)
        return None
    except ValidationError as error:
        form.add_error(None, error)
        return None
    messages.success(request, f"Dependency {dependency} saved.")
    return redirect("project-detail", code=dependency.successor_project.code)


@require_http_methods(["GET", "POST"])
def dependency_new(request: HttpRequest) -> HttpResponse:
    """Add a dependency; ``?successor=CODE`` pre-fills the waiting project."""
    if not Program.objects.editable_by(request.user).exists():
        raise PermissionDenied("Your role does not let you record dependencies.")
    if request.method == "POST":
        form = DependencyForm(request.POST)
        saved = _save_dependency(request, form, Dependency())
        if saved is not None:
            return saved
    else:
        form = DependencyForm(initial={"successor": request.GET.get("successor", "")})
    return render(request, "programs/dependency_form.html", {"form": form, "dependency": None})


@require_http_methods(["GET", "POST"])
def dependency_edit(request: HttpRequest, pk: int) -> HttpResponse:
    dependency = visible_or_404(
        Dependency.objects.select_related(
            "predecessor_project",
            "predecessor_milestone",
            "successor_project",
            "successor_milestone",
        ),
        request.user,
        pk=pk,
    )
    require_editable(dependency, request.user)
    if request.method == "POST":
        form = DependencyForm(request.POST)
        saved = _save_dependency(request, form, dependency)
        if saved is not None:
            return saved
        status = 409 if getattr(form, "current", None) else 200
    else:
        form = DependencyForm(initial=_dependency_initial(dependency))
        status = 200
    return render(
        request,
        "programs/dependency_form.html",
        {"form": form, "dependency": dependency},
        status=status,
    )


# -- actuals -------------------------------------------------------------------------------------


def _current_period(today: Any) -> FiscalPeriod | None:
    return (
        FiscalPeriod.objects.filter(start_date__lte=today).order_by("-start_date").first()
        or FiscalPeriod.objects.order_by("start_date").first()
    )


@require_http_methods(["GET", "POST"])
def project_actuals(request: HttpRequest, code: str) -> HttpResponse:
    """A period's actuals and forecast for every category of a project, saved together."""
    project = visible_or_404(Project.objects.select_related("program"), request.user, code=code)
    require_editable(project, request.user)
    chooser = PeriodChoiceForm(request.GET or None)
    chosen = chooser.cleaned_data["period"] if chooser.is_bound and chooser.is_valid() else None
    period = chosen or _current_period(timezone.localdate())
    if period is None:
        raise Http404("No fiscal periods are set up yet.")
    lines = list(BudgetLine.objects.filter(project=project, period=period).order_by("category"))
    if request.method == "POST":
        grid = ActualsFormSet(request.POST, prefix="lines")
        if grid.is_valid():
            rows = [
                services.ActualsRow(
                    category=data["category"],
                    actual=data["actual"] or Decimal(0),
                    forecast=data["forecast"] or Decimal(0),
                    version=data["version"],
                )
                for data in grid.cleaned_data
                if data.get("category")
            ]
            try:
                saved = services.budget_actuals_record(
                    project=project, period=period, rows=rows, by=request.user
                )
            except StaleEdit as stale:
                messages.error(request, stale.messages[0])
                grid = _actuals_grid(lines, data=request.POST)
                grid.stale = stale.current
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, f"{len(saved)} line(s) of {period} saved.")
                return redirect(f"{project.get_absolute_url()}#budget-title")
    else:
        grid = _actuals_grid(lines)
    context = {
        "project": project,
        "period": period,
        "chooser": chooser,
        "grid": grid,
        "lines": lines,
    }
    status = 409 if getattr(grid, "stale", None) else 200
    return render(request, "programs/actuals_form.html", context, status=status)


def _actuals_grid(lines: list[BudgetLine], data: Any = None) -> Any:
    initial = [
        {
            "category": line.category,
            "actual": line.actual,
            "forecast": line.forecast,
            "version": line.version,
        }
        for line in lines
    ]
    return ActualsFormSet(data, initial=initial, prefix="lines")


# -- slip impact ---------------------------------------------------------------------------------


@require_safe
def impact(request: HttpRequest) -> HttpResponse:
    """What if this project or milestone slips N days? Every item downstream that must move, in
    any program, with its new dates, the promises it breaks, and who owns it. Nothing moves."""
    form = ImpactForm(request.GET or None)
    report = None
    if form.is_bound and form.is_valid():
        project, milestone = form.cleaned_data["project_obj"], form.cleaned_data["milestone_obj"]
        node = (project.pk, milestone.pk if milestone else None)
        report = slip_impact(load_network(downstream_of=node), node, form.cleaned_data["days"])
    return render(request, "programs/impact.html", {"form": form, "report": report})


# -- timeline and dependencies -------------------------------------------------------------------


def _schedule(program: Program) -> timeline.Schedule:
    """The program's schedule with its critical path, remembered until what it reads changes."""
    return remembered(("program-schedule", program.pk), lambda: timeline.program_schedule(program))


@require_safe
def program_timeline(request: HttpRequest, code: str) -> HttpResponse:
    """The program's Gantt with baselines, forecasts, the critical path and its dependencies."""
    program = visible_or_404(Program.objects, request.user, code=code)
    today = timezone.localdate()
    schedule = _schedule(program)
    context = {
        "program": program,
        "chart": remembered(
            ("program-timeline", program.pk, today),
            lambda: timeline.timeline_chart(schedule, today),
        ),
        "schedule": schedule,
        "critical": timeline.critical_items(schedule),
    }
    return render(request, "programs/program_timeline.html", context)


@require_safe
def program_dependencies(request: HttpRequest, code: str) -> HttpResponse:
    """The program's dependency graph and table (needed-by against committed dates)."""
    program = visible_or_404(Program.objects, request.user, code=code)
    schedule = _schedule(program)
    context = {
        "program": program,
        "graph": remembered(
            ("program-dependency-graph", program.pk), lambda: timeline.dependency_graph(schedule)
        ),
        "dependencies": schedule.dependencies,
        "timings": schedule.timings,
    }
    return render(request, "programs/program_dependencies.html", context)


@require_safe
def portfolio_dependencies(request: HttpRequest) -> HttpResponse:
    """Dependencies between programs: a graph of programs and the filtered table of them all."""
    filters = DependencyFilter(request.GET, queryset=selectors.dependencies_for_list(request.user))
    if request.GET.get("export") in FORMATS:
        rows = filters.qs.iterator(chunk_size=2000)
        return export_response(request.GET["export"], "dependencies", DEPENDENCY_COLUMNS, rows)
    context = {
        "graph": remembered(
            ("portfolio-graph", role_of(request.user) is not None),
            lambda: timeline.portfolio_graph(request.user),
        ),
        "filters": filters,
        "page": Paginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("page")),
    }
    return render_page_or_fragment(
        request, "programs/portfolio_dependencies.html", "dependency-results", context
    )


DEPENDENCY_COLUMNS = [
    Column("Waiting program", lambda d: d.successor_project.program.code),
    Column("Waiting item", lambda d: d.successor_label),
    Column("Depends on program", lambda d: d.predecessor_project.program.code),
    Column("Depends on", lambda d: d.predecessor_label),
    Column("Type", lambda d: d.type),
    Column("Lag (days)", lambda d: d.lag_days),
    Column("Needed by", lambda d: d.needed_by),
    Column("Committed", lambda d: d.committed_date),
    Column("Status", lambda d: d.get_status_display()),
]


@require_safe
def portfolio_timeline(request: HttpRequest) -> HttpResponse:
    """Programs on one timeline: planned and forecast span, key milestones, dependencies between
    programs, and the programs on the portfolio's critical path — a page of programs at a time."""
    filters = ProgramTimelineFilter(
        request.GET,
        queryset=Program.objects.visible_to(request.user).order_by("start_date", "code"),
    )
    page = Paginator(filters.qs, 30).get_page(request.GET.get("page"))
    today = timezone.localdate()
    chart = timeline.portfolio_chart(list(page.object_list), today)
    context = {"filters": filters, "page": page, "chart": chart}
    return render_page_or_fragment(
        request, "programs/portfolio_timeline.html", "timeline-results", context
    )
