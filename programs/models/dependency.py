"""Interdependencies: a project or milestone waits on another, often in another program."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from programs.choices import DependencyStatus, DependencyType
from programs.models.base import TimeStampedModel
from programs.models.delivery import Milestone, Project
from programs.models.portfolio import Person
from programs.querysets import DependencyQuerySet


class Dependency(TimeStampedModel):
    """The successor (a project, or one of its milestones) depends on the predecessor.

    Each end is a project, optionally narrowed to one of its milestones; the project is always
    stored so that scoping and graph queries need no join through milestones. ``lag_days`` may be
    negative (a lead). The needed-by date is when the successor needs it; the committed date is
    what the predecessor's owner promised (empty = uncommitted).
    """

    predecessor_project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        related_name="outbound_dependencies",
        blank=True,  # taken from the milestone when only that is given
    )
    predecessor_milestone = models.ForeignKey(
        Milestone,
        on_delete=models.PROTECT,
        related_name="outbound_dependencies",
        null=True,
        blank=True,
    )
    successor_project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        related_name="inbound_dependencies",
        blank=True,  # taken from the milestone when only that is given
    )
    successor_milestone = models.ForeignKey(
        Milestone,
        on_delete=models.PROTECT,
        related_name="inbound_dependencies",
        null=True,
        blank=True,
    )
    type = models.CharField(
        max_length=2, choices=DependencyType.choices, default=DependencyType.FINISH_TO_START
    )
    lag_days = models.IntegerField(default=0, help_text="Negative for a lead.")
    needed_by = models.DateField(null=True, blank=True)
    committed_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=DependencyStatus.choices, default=DependencyStatus.REQUESTED
    )
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="owned_dependencies",
        null=True,
        blank=True,
        help_text="Who chases this dependency.",
    )

    history = HistoricalRecords()
    objects = DependencyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "dependencies"
        ordering = ["needed_by", "pk"]
        # The dependency list's order: its first page is read off the index, not sorted.
        indexes = [models.Index(fields=["needed_by", "id"], name="dependency_needed_order")]
        constraints = [
            models.CheckConstraint(
                condition=~(
                    Q(predecessor_project=F("successor_project"))
                    & Q(predecessor_milestone__isnull=True)
                    & Q(successor_milestone__isnull=True)
                ),
                name="dependency_not_on_itself_project",
                violation_error_message="An item cannot depend on itself.",
            ),
            models.CheckConstraint(
                condition=Q(predecessor_milestone__isnull=True)
                | Q(successor_milestone__isnull=True)
                | ~Q(predecessor_milestone=F("successor_milestone")),
                name="dependency_not_on_itself_milestone",
                violation_error_message="An item cannot depend on itself.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_label} → {self.successor_label} ({self.type})"

    @property
    def predecessor_label(self) -> str:
        return _node_label(self.predecessor_project, self.predecessor_milestone)

    @property
    def successor_label(self) -> str:
        return _node_label(self.successor_project, self.successor_milestone)

    @property
    def committed_late(self) -> bool:
        """Its owner committed to a date after the one needed."""
        return (
            self.committed_date is not None
            and self.needed_by is not None
            and self.committed_date > self.needed_by
        )

    def save(self, *args: object, **kwargs: object) -> None:
        self._sync_projects()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def _sync_projects(self) -> None:
        """A milestone end implies its project: fill it in when only the milestone is given."""
        if self.predecessor_milestone_id and not self.predecessor_project_id:
            self.predecessor_project_id = self.predecessor_milestone.project_id
        if self.successor_milestone_id and not self.successor_project_id:
            self.successor_project_id = self.successor_milestone.project_id

    def clean(self) -> None:
        from programs.graph import find_cycle, node_of

        self._sync_projects()
        errors: dict[str, list[str]] = {}
        for end in ("predecessor", "successor"):
            milestone = getattr(self, f"{end}_milestone")
            project_id = getattr(self, f"{end}_project_id")
            if milestone is not None and project_id and milestone.project_id != project_id:
                errors[f"{end}_milestone"] = [
                    f"Milestone '{milestone}' belongs to project {milestone.project.code}, "
                    "not to the project chosen."
                ]
            if not project_id and milestone is None:
                errors[f"{end}_project"] = ["Choose a project or one of its milestones."]
        if errors:
            raise ValidationError(errors)
        source = node_of(self.predecessor_project_id, self.predecessor_milestone_id)
        target = node_of(self.successor_project_id, self.successor_milestone_id)
        if source == target:
            raise ValidationError("An item cannot depend on itself.")
        duplicate = Dependency.objects.filter(
            predecessor_project_id=self.predecessor_project_id,
            predecessor_milestone_id=self.predecessor_milestone_id,
            successor_project_id=self.successor_project_id,
            successor_milestone_id=self.successor_milestone_id,
        ).exclude(pk=self.pk)
        if duplicate.exists():
            raise ValidationError("This dependency is already recorded.")
        lock_dependency_graph()
        cycle = find_cycle(Dependency.objects.exclude(pk=self.pk).edges(), source, target)
        if cycle:
            raise ValidationError(
                "This dependency would close a cycle: %(cycle)s.",
                code="cycle",
                params={"cycle": " → ".join(_labels_of(cycle))},
            )


def lock_dependency_graph() -> None:
    """Serialise writers of the dependency graph until the surrounding transaction ends.

    Two users adding the two halves of a cycle at once must not both succeed. On SQLite writers are
    already serialised (transactions BEGIN IMMEDIATE); PostgreSQL takes a transaction-scoped
    advisory lock. Callers validate and save inside one transaction (the admin and the services do).
    """
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DEPENDENCY_GRAPH_LOCK])


#: Advisory lock key for the dependency graph (any constant unique to this purpose).
DEPENDENCY_GRAPH_LOCK = 0x7D0E9


def _node_label(project: Project, milestone: Milestone | None) -> str:
    return f"{project.code} / {milestone.name}" if milestone is not None else project.code


def _labels_of(nodes: list[tuple[int, int | None]]) -> list[str]:
    """Readable names for graph nodes, fetched in two queries whatever the cycle's length."""
    projects = Project.objects.in_bulk({project_id for project_id, _ in nodes})
    milestones = Milestone.objects.in_bulk({m for _, m in nodes if m is not None})
    return [
        _node_label(projects[project_id], milestones.get(milestone_id) if milestone_id else None)
        for project_id, milestone_id in nodes
    ]
