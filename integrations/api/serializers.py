"""API representations: references by code (programs, projects), e-mail (people) or name (fiscal
periods), like the import files; every write goes through the model's checks and its history."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from rest_framework import serializers

from integrations.scope import Scope, where
from programs import services
from programs.choices import Rag
from programs.models import (
    BudgetLine,
    Dependency,
    FiscalPeriod,
    Milestone,
    Person,
    Program,
    Project,
    StatusReport,
)
from risks.models import Risk
from tpmo.health_queries import attach_health, health_of
from tpmo.history import save_with_history
from tpmo.roles import Role


def _person(**kwargs: Any) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="email",
        queryset=Person.objects.all(),
        help_text="The person's e-mail.",
        **kwargs,
    )


def _project(**kwargs: Any) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="code", queryset=Project.objects.select_related("program"), **kwargs
    )


def _program(**kwargs: Any) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="code", queryset=Program.objects.all(), **kwargs)


class VersionedSerializer(serializers.ModelSerializer):
    """Creates and updates saved like the forms save: validated by the model, with history, and
    refused (409) when the record moved past the version the client read."""

    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="On update, the version you read; if the record has changed since, the "
        "update is refused with 409 and the current record.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError(
                {"version": "Give the version you read (it guards against lost updates)."}
            )
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Any:
        validated_data.pop("version", None)
        many = self._pop_many(validated_data)
        instance = self.Meta.model(**validated_data)
        self._save(instance, None)
        for name, values in many.items():
            getattr(instance, name).set(values)
        return instance

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        expected = validated_data.pop("version")
        many = self._pop_many(validated_data)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        self._save(instance, expected)
        for name, values in many.items():
            getattr(instance, name).set(values)
        return instance

    def _pop_many(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            name: data.pop(name)
            for name in list(data)
            if isinstance(self.fields.get(name), serializers.ManyRelatedField)
        }

    def _save(self, instance: Any, expected: int | None) -> None:
        user = self.context["request"].user
        self._check_scope(instance, user)
        try:
            save_with_history(instance, by=user, reason="API", expected_version=expected)
        except DjangoValidationError as error:
            if getattr(error, "code", "") == "stale":
                raise
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from None

    def _check_scope(self, instance: Any, user: Any) -> None:
        scope = Scope(user)
        if scope.role is Role.ADMIN:
            return
        if isinstance(instance, Program) and instance.pk is None:
            raise serializers.ValidationError({"code": ["Only TPMO admins add programs."]})
        if not scope.allows(instance):
            raise serializers.ValidationError(
                {"detail": f"You may not add or move records into {where(instance, 'it')}."}
            )


class ProgramSerializer(VersionedSerializer):
    director = _person()
    tpm = _person()
    objectives = serializers.SlugRelatedField(
        slug_field="code", many=True, required=False, read_only=True
    )

    class Meta:
        model = Program
        fields = [
            "id", "code", "name", "description", "director", "tpm", "status", "priority",
            "start_date", "end_date", "objectives", "version", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]


class ProjectSerializer(VersionedSerializer):
    program = _program()
    lead = _person()

    class Meta:
        model = Project
        fields = [
            "id", "code", "program", "name", "description", "lead", "status",
            "baseline_start", "baseline_end", "forecast_start", "forecast_end",
            "actual_start", "actual_end", "percent_complete", "methodology",
            "technology_readiness_level", "version", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]


class MilestoneSerializer(VersionedSerializer):
    project = _project()
    owner = _person(required=False, allow_null=True)
    slip_days = serializers.IntegerField(read_only=True)

    class Meta:
        model = Milestone
        fields = [
            "id", "project", "name", "key", "description", "owner", "is_key",
            "baseline_date", "forecast_date", "actual_date", "status", "slip_days",
            "version", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]
        validators: list[Any] = []  # uniqueness is the model's (full_clean), with its message


class DependencySerializer(VersionedSerializer):
    predecessor_project = _project(required=False)
    successor_project = _project(required=False)
    predecessor_milestone = serializers.PrimaryKeyRelatedField(
        queryset=Milestone.objects.select_related("project"), required=False, allow_null=True
    )
    successor_milestone = serializers.PrimaryKeyRelatedField(
        queryset=Milestone.objects.select_related("project"), required=False, allow_null=True
    )
    owner = _person(required=False, allow_null=True)

    class Meta:
        model = Dependency
        fields = [
            "id", "predecessor_project", "predecessor_milestone", "successor_project",
            "successor_milestone", "type", "lag_days", "needed_by", "committed_date", "status",
            "description", "owner", "version", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]


class RiskSerializer(VersionedSerializer):
    program = _program()
    project = _project(required=False, allow_null=True)
    owner = _person(required=False, allow_null=True)
    inherent_score = serializers.IntegerField(read_only=True)
    residual_score = serializers.IntegerField(read_only=True)
    expected_monetary_value = serializers.DecimalField(
        max_digits=15, decimal_places=2, read_only=True
    )

    class Meta:
        model = Risk
        fields = [
            "id", "program", "project", "title", "cause", "event", "effect", "category",
            "inherent_probability", "inherent_impact", "residual_probability", "residual_impact",
            "inherent_score", "residual_score", "cost_impact", "expected_monetary_value",
            "schedule_impact_days", "owner", "response", "mitigation_plan", "contingency_plan",
            "trigger", "proximity_date", "identified_on", "last_reviewed_on", "next_review_date",
            "closed_on", "status", "version", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]
        validators: list[Any] = []


class StatusReportSerializer(VersionedSerializer):
    program = _program()
    project = _project(required=False, allow_null=True)
    author = _person()
    computed = serializers.ChoiceField(
        choices=Rag.choices,
        allow_blank=True,
        read_only=True,
        help_text="The health the data gave when the report was published (empty if unknown).",
    )

    class Meta:
        model = StatusReport
        fields = [
            "id", "program", "project", "report_date", "overall", "schedule", "budget", "scope",
            "summary", "accomplishments", "next_steps", "blockers", "stakeholder_satisfaction",
            "author", "computed", "computed_reasons", "variance_reason", "version",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["computed", "computed_reasons", "created_at", "updated_at"]
        validators: list[Any] = []

    def create(self, validated_data: dict[str, Any]) -> StatusReport:
        """Published as the form publishes: the computed health of the moment kept beside the
        report, a reason required when the reported RAG differs, stakeholders e-mailed."""
        validated_data.pop("version", None)
        user = self.context["request"].user
        self._check_scope(StatusReport(**validated_data), user)
        scope = validated_data.get("project") or validated_data["program"]
        today = timezone.localdate()
        computed = health_of(attach_health([scope], today=today)[0], today=today)
        overall = validated_data.get("overall")
        if overall and overall != computed.rag and not validated_data.get("variance_reason"):
            raise serializers.ValidationError(
                {
                    "variance_reason": [
                        f"You report {overall} but the data gives {computed.rag.value}: "
                        "say why they differ."
                    ]
                }
            )
        try:
            report, _ = services.status_report_publish(
                by=user,
                computed=computed,
                project=validated_data.pop("project", None),
                **validated_data,
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from None
        return report


class BudgetLineSerializer(VersionedSerializer):
    project = _project()
    period = serializers.SlugRelatedField(slug_field="name", queryset=FiscalPeriod.objects.all())

    class Meta:
        model = BudgetLine
        fields = [
            "id", "project", "period", "category", "planned", "actual", "forecast", "notes",
            "version", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]
        validators: list[Any] = []
