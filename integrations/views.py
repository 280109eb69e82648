"""The import pages (upload → map columns → dry run → apply) and exports in the import format."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from integrations import exporting
from integrations.forms import MappingForm, UploadForm, mapping_from_json, mapping_to_json
from integrations.importer import (
    ApplyFailed,
    Mapping,
    Plan,
    auto_mapping,
    mapping_errors,
    run_import,
    unused_headers,
)
from integrations.kinds import KINDS
from integrations.models import ApiToken, ImportBatch
from integrations.presets import PRESETS
from integrations.tables import FileRefused, Table, read_table
from programs.models import Program
from tpmo import security
from tpmo.exports import FORMATS
from tpmo.roles import Role, role_of

IMPORTERS = {Role.ADMIN, Role.DIRECTOR, Role.TPM}
SHOWN_ROWS = 200  # rows of a plan listed on the page (refused rows first; counts cover all)


def _importer(request: HttpRequest) -> Role:
    role = role_of(request.user)
    if role is None or role not in IMPORTERS:
        raise PermissionDenied("Importing is for TPMs, directors and TPMO admins.")
    return role


@require_http_methods(["GET", "HEAD", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    """Upload a file; it is read at once, so a file that cannot be read is refused here."""
    role = _importer(request)
    kind = request.GET.get("kind", "")
    initial = {"kind": kind} if kind in KINDS else {}
    form = UploadForm(request.POST or None, request.FILES or None, role=role, initial=initial)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        ImportBatch.forget_old()
        batch = ImportBatch.objects.create(
            user=request.user,
            kind=form.cleaned_data["kind"],
            preset=form.cleaned_data["preset"] or "",
            filename=(upload.name or "upload")[:200],
            content=form.data_bytes,
            encoding=form.cleaned_data["encoding"],
            delimiter=form.cleaned_data["delimiter"],
        )
        return redirect("import-batch", pk=batch.pk)
    context = {
        "form": form,
        "batches": ImportBatch.objects.filter(user=request.user).defer("content")[:10],
        "kinds": KINDS.values(),
        "programs": Program.objects.only("code", "name"),
    }
    return render(request, "integrations/import_start.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def import_batch(request: HttpRequest, pk: int) -> HttpResponse:
    """Map the columns and see the dry run; apply when every row is accepted."""
    _importer(request)
    batch = get_object_or_404(ImportBatch, pk=pk, user=request.user)
    kind = KINDS[batch.kind]
    preset = PRESETS.get(batch.preset)
    if batch.applied_at is not None:
        return render(request, "integrations/import_done.html", {"batch": batch, "kind": kind})
    try:
        table = read_table(
            bytes(batch.content), batch.filename, encoding=batch.encoding, delimiter=batch.delimiter
        )
    except FileRefused as refused:  # content forgotten after KEEP_DAYS
        messages.error(request, f"This upload can no longer be read: {refused}")
        return redirect("import-start")
    stored = _stored_mapping(batch, table)
    form = MappingForm(request.POST or None, kind=kind, table=table, mapping=stored)
    mapping = stored
    plan: Plan | None = None
    if request.method == "POST":
        if not form.is_valid():
            return _batch_page(request, batch, form, None, table)
        mapping = form.mapping()
        batch.mapping = mapping_to_json(mapping)
        batch.save(update_fields=["mapping"])
    errors = mapping_errors(kind, table, mapping)
    if errors:
        return _batch_page(request, batch, form, None, table, mapping_problems=errors)
    apply = request.method == "POST" and request.POST.get("action") == "apply"
    reason = f"Import #{batch.pk}: {batch.filename}"
    try:
        plan, changed = run_import(
            kind,
            table,
            mapping,
            user=request.user,
            reason=reason,
            apply=apply,
            links=preset.links if preset else None,
        )
    except ApplyFailed as failed:
        messages.error(request, str(failed))
        return _batch_page(request, batch, form, None, table)
    if apply and plan.valid:
        batch.applied_at = timezone.now()
        batch.summary = plan.summary | {"changed": changed}
        batch.save(update_fields=["applied_at", "summary"])
        messages.success(
            request,
            f"Imported {batch.filename}: {plan.count('create')} created, "
            f"{plan.count('update')} updated, {plan.count('unchanged')} unchanged.",
        )
        return redirect("import-batch", pk=batch.pk)
    if apply:
        messages.error(
            request,
            f"Nothing imported: {plan.count('refused')} row(s) refused. Fix them and try again.",
        )
    return _batch_page(request, batch, form, plan, table, mapping=mapping)


def _stored_mapping(batch: ImportBatch, table: Table) -> Mapping:
    if batch.mapping:
        return mapping_from_json(batch.mapping)
    preset = PRESETS.get(batch.preset)
    return preset.mapping(table) if preset else auto_mapping(KINDS[batch.kind], table)


def _batch_page(
    request: HttpRequest,
    batch: ImportBatch,
    form: MappingForm,
    plan: Plan | None,
    table: Table,
    *,
    mapping: Mapping | None = None,
    mapping_problems: dict[str, str] | None = None,
) -> HttpResponse:
    preset = PRESETS.get(batch.preset)
    context: dict[str, Any] = {
        "batch": batch,
        "kind": KINDS[batch.kind],
        "preset": preset,
        "form": form,
        "plan": plan,
        "table": table,
        "mapping_problems": mapping_problems or {},
    }
    if plan is not None:
        rows = plan.all_rows
        refused = [row for row in rows if row.errors]
        others = [
            row for row in rows if not row.errors and (row.action != "unchanged" or row.notes)
        ]
        context["shown"] = (refused + others)[:SHOWN_ROWS]
        context["hidden"] = len(refused) + len(others) - len(context["shown"])
        context["unused"] = unused_headers(
            table, mapping or {}, also=preset.link_headers if preset else ()
        )
    return render(request, "integrations/import_batch.html", context)


@require_safe
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    """An empty file with the header line of a kind: a start for a spreadsheet."""
    found = KINDS.get(kind)
    if found is None:
        raise Http404("No such kind of record.")
    return exporting.export_file(found, None, "csv", empty=True)


@require_safe
def export_data(request: HttpRequest) -> HttpResponse:
    """Every record of a kind (or one program's), in the import format: CSV or XLSX."""
    found = KINDS.get(request.GET.get("kind", ""))
    if found is None or role_of(request.user) is None:
        raise Http404("No such kind of record.")
    code = request.GET.get("program", "").strip().upper()
    program = get_object_or_404(Program, code=code) if code else None
    fmt = request.GET.get("format", "csv")
    if fmt not in FORMATS:
        fmt = "csv"
    return exporting.export_file(found, program, fmt)


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=80, help_text="What the token is for, e.g. 'Power BI refresh'."
    )


@require_http_methods(["GET", "HEAD", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The user's personal API tokens: create one (its secret is shown once) or revoke one."""
    form = TokenForm(request.POST or None)
    secret = ""
    if request.method == "POST" and form.is_valid():
        token, secret = ApiToken.issue(request.user, form.cleaned_data["name"])
        security.log_token_change(request, "created", token)
        form = TokenForm()
    context = {
        "form": form,
        "secret": secret,
        "tokens": ApiToken.objects.filter(user=request.user),
    }
    return render(request, "integrations/api_tokens.html", context)


@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.delete()
    security.log_token_change(request, "revoked", token)
    messages.success(request, f"Token “{token.name}” revoked: it no longer works.")
    return redirect("api-tokens")
