"""The JSON API: list (with the pages' filters), detail, create and update for the records a TPM
keeps. Reads are open to every role; writes follow the same object scope as the forms, save
through the model's checks and its history, and refuse a stale version with 409."""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import mixins, pagination, status, viewsets
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from integrations.api import serializers as s
from integrations.api.auth import RoleAccess
from programs.filters import DependencyFilter, MilestoneFilter, ProgramFilter
from programs.models import BudgetLine, Dependency, Milestone, Program, Project, StatusReport
from risks.filters import RiskFilter
from risks.models import Risk
from tpmo.health_queries import with_reported
from tpmo.history import StaleEdit
from tpmo.permissions import require_editable


class Pages(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class FilterBackend(DjangoFilterBackend):
    """The pages' filter sets; those that measure from today are given today."""

    def get_filterset_kwargs(self, request: Any, queryset: Any, view: Any) -> dict[str, Any]:
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        if getattr(view, "filters_need_today", False):
            kwargs["today"] = timezone.localdate()
        return kwargs


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """409 with the current record for a stale version; 400 for a model's validation error."""
    if isinstance(exc, StaleEdit):
        view = context["view"]
        current = view.get_serializer(exc.current).data
        detail = (
            f"This record changed since you read it: it is at version {exc.current.version} now. "
            "'current' holds it; apply your change to it and send that version."
        )
        return Response({"detail": detail, "current": current}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        return Response(as_serializer_error(exc), status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


class RecordViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [RoleAccess]
    pagination_class = Pages
    filter_backends = [FilterBackend]
    filters_need_today = False

    def base(self) -> QuerySet[Any]:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[Any]:
        return self.base().visible_to(self.request.user)

    def get_object(self) -> Any:
        record = super().get_object()
        if self.request.method not in ("GET", "HEAD", "OPTIONS"):
            require_editable(record, self.request.user)  # 404 outside the editor's programs
        return record

    @transaction.atomic
    def perform_create(self, serializer: Any) -> None:
        serializer.save()

    @transaction.atomic
    def perform_update(self, serializer: Any) -> None:
        serializer.save()


class ProgramViewSet(RecordViewSet):
    """Programs, found by code. Filters as on the program list."""

    serializer_class = s.ProgramSerializer
    filterset_class = ProgramFilter
    lookup_field = "code"

    def base(self) -> QuerySet[Any]:
        queryset = Program.objects.select_related("director", "tpm").prefetch_related("objectives")
        return with_reported(queryset)


class ProjectFilter(django_filters.FilterSet):
    program = django_filters.CharFilter(field_name="program__code", lookup_expr="iexact")
    status = django_filters.CharFilter()
    lead = django_filters.CharFilter(field_name="lead__email", lookup_expr="iexact")

    class Meta:
        model = Project
        fields: list[str] = []


class ProjectViewSet(RecordViewSet):
    """Projects, found by code."""

    serializer_class = s.ProjectSerializer
    filterset_class = ProjectFilter
    lookup_field = "code"

    def base(self) -> QuerySet[Any]:
        return Project.objects.select_related("program", "lead")


class MilestoneViewSet(RecordViewSet):
    """Milestones. Filters as on the milestone list (due window, late, key, program, owner …)."""

    serializer_class = s.MilestoneSerializer
    filterset_class = MilestoneFilter
    filters_need_today = True

    def base(self) -> QuerySet[Any]:
        return Milestone.objects.select_related("project__program", "owner")


class DependencyViewSet(RecordViewSet):
    """Dependencies. Filters as on the dependency list (program at either end, trouble …)."""

    serializer_class = s.DependencySerializer
    filterset_class = DependencyFilter

    def base(self) -> QuerySet[Any]:
        return Dependency.objects.select_related(
            "predecessor_project__program", "successor_project__program", "owner"
        )


class RiskViewSet(RecordViewSet):
    """Risks. Filters as on the risk register (status, band, response, stale, proximity …)."""

    serializer_class = s.RiskSerializer
    filterset_class = RiskFilter
    filters_need_today = True

    def base(self) -> QuerySet[Any]:
        return Risk.objects.with_scores().select_related("program", "project", "owner")


class StatusReportFilter(django_filters.FilterSet):
    program = django_filters.CharFilter(field_name="program__code", lookup_expr="iexact")
    project = django_filters.CharFilter(field_name="project__code", lookup_expr="iexact")
    since = django_filters.DateFilter(field_name="report_date", lookup_expr="gte")

    class Meta:
        model = StatusReport
        fields: list[str] = []


class StatusReportViewSet(RecordViewSet):
    """Weekly status reports; a new one keeps the computed health of the moment beside it."""

    serializer_class = s.StatusReportSerializer
    filterset_class = StatusReportFilter

    def base(self) -> QuerySet[Any]:
        return StatusReport.objects.select_related("program", "project", "author")


class BudgetLineFilter(django_filters.FilterSet):
    program = django_filters.CharFilter(field_name="project__program__code", lookup_expr="iexact")
    project = django_filters.CharFilter(field_name="project__code", lookup_expr="iexact")
    period = django_filters.CharFilter(field_name="period__name")

    class Meta:
        model = BudgetLine
        fields: list[str] = []


class BudgetLineViewSet(RecordViewSet):
    """Budget lines: planned, actual and forecast money per project, period and category."""

    serializer_class = s.BudgetLineSerializer
    filterset_class = BudgetLineFilter

    def base(self) -> QuerySet[Any]:
        return BudgetLine.objects.select_related("project__program", "period")
