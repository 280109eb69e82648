"""Program list, program page and project page (they show RAID data too, so they live here)."""

from dataclasses import replace

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from programs.filters import ProgramFilter
from programs.models import Program, Project
from tpmo import selectors
from tpmo.datastate import evaluated, remembered
from tpmo.exports import FORMATS, Column, export_response
from tpmo.health_queries import with_health_in_order, with_reported
from tpmo.htmx import render_page_or_fragment
from tpmo.roles import role_of

PAGE_SIZE = 25
LIST_TEMPLATE = "programs/program_list.html"

PROGRAM_COLUMNS = [
    Column("Code", lambda r: r.obj.code),
    Column("Program", lambda r: r.obj.name),
    Column("Status", lambda r: r.obj.get_status_display()),
    Column("Priority", lambda r: r.obj.get_priority_display()),
    Column("TPM", lambda r: r.obj.tpm.name),
    Column("Director", lambda r: r.obj.director.name),
    Column("Reported health", lambda r: r.reported.label if r.reported else ""),
    Column("Computed health", lambda r: r.health.label),
    Column("Why", lambda r: "; ".join(str(reason) for reason in r.health.reasons)),
    Column("Start", lambda r: r.obj.start_date),
    Column("End", lambda r: r.obj.end_date),
]


@require_safe
def program_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    visible = Program.objects.visible_to(request.user).select_related("tpm", "director")

    def filtered() -> ProgramFilter:
        # Filter and sort on the cheap annotations; full health only for the rows shown.
        return ProgramFilter(request.GET, queryset=with_reported(visible).order_by("code"))

    export = request.GET.get("export")
    if export in FORMATS:
        rows = selectors.health_rows(filtered().qs, today=today)
        return export_response(export, "programs", PROGRAM_COLUMNS, rows)

    def results() -> tuple[Page, list[selectors.HealthRow], str, str]:
        filters = filtered()
        ids = Paginator(filters.qs.values_list("pk", flat=True), PAGE_SIZE)
        page = evaluated(ids.get_page(request.GET.get("page")))
        shown = with_health_in_order(visible, page.object_list, today=today)
        rows = selectors.health_rows_of(shown, today=today)
        # The results section, written once: it depends on nothing but the query string and
        # the rows (no per-request token in it).
        html = render_to_string(
            f"{LIST_TEMPLATE}#program-results",
            {"filters": filters, "page": page, "rows": rows},
            request,
        )
        # So is the filter form (a GET form: no token), with the choices it lists.
        form = render_to_string(
            "_components/filter_form.html",
            {"filters": filters, "url": reverse("program-list"), "target": "program-results"},
        )
        return page, rows, html, form

    # Every role sees every program: the rows depend on the query string, the day and the data.
    page, rows, html, form = remembered(
        ("program-list", role_of(request.user) is not None, request.GET.urlencode(), today),
        results,
    )
    context = {"page": page, "rows": rows, "results": html, "form": form}
    return render_page_or_fragment(
        request, LIST_TEMPLATE, "program-results", context, fragment_html=html
    )


@require_safe
def program_detail(request: HttpRequest, code: str) -> HttpResponse:
    today = timezone.localdate()
    user = request.user
    page = remembered(
        ("program-page", code, role_of(user) is not None, today),
        lambda: selectors.program_page(code, user, today),
    )
    # The page is the same for every reader but whether this one may edit it.
    program = page.program.obj
    page = replace(page, can_edit=Program.objects.editable_by(user).filter(pk=program.pk).exists())
    return render(request, "programs/program_detail.html", {"page": page, "today": today})


@require_safe
def project_detail(request: HttpRequest, code: str) -> HttpResponse:
    today = timezone.localdate()
    user = request.user
    page = remembered(
        ("project-page", code, role_of(user) is not None, today),
        lambda: selectors.project_page(code, user, today),
    )
    project = page.project.obj
    page = replace(page, can_edit=Project.objects.editable_by(user).filter(pk=project.pk).exists())
    context = {
        "page": page,
        "today": today,
        "project": page.project.obj,
        "counters": selectors.milestone_counters(page.project.obj, today),
    }
    return render(request, "programs/project_detail.html", context)
