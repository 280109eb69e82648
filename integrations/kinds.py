"""What can be imported and exported, column by column: one ``Kind`` per kind of record.

A kind names its columns (the header of our own export, which is also what an import expects by
default), how each cell is read and written, which columns identify a record (re-importing the same
file updates it rather than adding a second), and how to reach the record's program (scope).
People are named by e-mail, programs and projects by code, fiscal periods by name, milestones by
their project and name (or by their external key, such as a Jira issue key).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.db.models.functions import Lower

from integrations.tables import cell_text
from programs import choices as pc
from programs.models import (
    BudgetLine,
    Dependency,
    FiscalPeriod,
    Milestone,
    Person,
    Program,
    Project,
)
from risks import choices as rc
from risks.models import Risk

EMPTY = (
    object()
)  # an empty cell: "leave as it is" for a required field, "clear" for an optional one


class CellError(ValueError):
    """The cell cannot be read; the message says why, in the user's terms."""


# -- readers and writers of one cell ---------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    max_length: int | None = None

    def read(self, raw: Any, refs: Refs) -> Any:
        text = cell_text(raw)
        if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):
            text = text[1:]  # our exports neutralise formulas this way; take the text back
        elif text.startswith("="):
            raise CellError(
                f"{text[:40]!r} is a spreadsheet formula; save the file with values instead."
            )
        if self.max_length is not None and len(text) > self.max_length:
            raise CellError(f"At most {self.max_length} characters (this has {len(text)}).")
        return text

    def write(self, value: Any) -> Any:
        return value or ""


@dataclass(frozen=True)
class Code(Text):
    max_length: int | None = 24

    def read(self, raw: Any, refs: Refs) -> Any:
        return super().read(raw, refs).upper()


_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_JIRA_DATE = re.compile(r"^(\d{1,2})/([A-Za-z]{3})/(\d{2,4})(?:\s+\d{1,2}:\d{2}(?:\s*[AP]M)?)?$")


@dataclass(frozen=True)
class Day:
    def read(self, raw: Any, refs: Refs) -> Any:
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        text = cell_text(raw)
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            pass
        match = _JIRA_DATE.match(text)  # Jira's export: 24/Nov/26 9:00 AM
        if match and match.group(2).lower() in _MONTHS:
            day, month, year = match.groups()
            try:
                return date(
                    int(year) + (2000 if len(year) == 2 else 0),
                    _MONTHS.index(month.lower()) + 1,
                    int(day),
                )
            except ValueError:
                pass
        raise CellError(f"{text[:40]!r} is not a date; use YYYY-MM-DD (e.g. 2026-11-24).")

    def write(self, value: Any) -> Any:
        return value.isoformat() if value else ""


@dataclass(frozen=True)
class Whole:
    low: int
    high: int

    def read(self, raw: Any, refs: Refs) -> Any:
        text = cell_text(raw)
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation:
            raise CellError(f"{text[:40]!r} is not a whole number.") from None
        if not number.is_finite() or number != number.to_integral_value():
            raise CellError(f"{text[:40]!r} is not a whole number.")
        if not self.low <= number <= self.high:
            raise CellError(f"Give a whole number from {self.low} to {self.high}.")
        return int(number)

    def write(self, value: Any) -> Any:
        return value


@dataclass(frozen=True)
class Money:
    def read(self, raw: Any, refs: Refs) -> Any:
        text = cell_text(raw).replace(",", "").replace(" ", "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise CellError(f"{text[:40]!r} is not an amount.") from None
        if not value.is_finite() or value < 0:
            raise CellError("Give an amount of zero or more.")
        if value >= Decimal("1e13"):
            raise CellError("The amount is too large (at most 13 digits before the point).")
        if value != value.quantize(Decimal("0.01")):
            raise CellError("Use at most two decimals.")
        return value.quantize(Decimal("0.01"))

    def write(self, value: Any) -> Any:
        return f"{value:.2f}"


@dataclass(frozen=True)
class YesNo:
    TRUE = frozenset({"yes", "y", "true", "1", "x"})
    FALSE = frozenset({"no", "n", "false", "0"})

    def read(self, raw: Any, refs: Refs) -> Any:
        text = cell_text(raw).lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise CellError(f"{text[:40]!r}: use yes or no.")

    def write(self, value: Any) -> Any:
        return "yes" if value else "no"


@dataclass(frozen=True)
class Choice:
    choices: type[models.Choices]

    def read(self, raw: Any, refs: Refs) -> Any:
        text = cell_text(raw)
        wanted = text.lower()
        for value, label in self.choices.choices:
            if wanted in (str(value).lower(), str(label).lower()):
                return value
        allowed = ", ".join(str(value) for value in self.choices.values)
        raise CellError(f"{text[:40]!r} is not one of: {allowed}.")

    def write(self, value: Any) -> Any:
        return value


@dataclass(frozen=True)
class Ref:
    """Another record, named by one of its unique fields (people: e-mail, or a unique name)."""

    model: type[models.Model]
    by: str

    def read(self, raw: Any, refs: Refs) -> Any:
        text = cell_text(raw)
        found = refs.find(self.model, text)
        if found is None and _ref_key(self.model, text) in refs.ambiguous:
            raise CellError(f"Several people are named {text[:60]!r}; give the e-mail instead.")
        if found is None:
            noun = self.model._meta.verbose_name
            raise CellError(f"No {noun} is known as {text[:60]!r}.")
        return found

    def write(self, value: Any) -> Any:
        return getattr(value, self.by) if value is not None else ""


@dataclass(frozen=True)
class MilestoneOf:
    """A milestone named within the project of another column of the same row."""

    project_column: str

    def write(self, value: Any) -> Any:
        return value.name if value is not None else ""


# -- references looked up once per file ------------------------------------------------------------


@dataclass
class Refs:
    """Every record the file names, fetched with one query per kind of reference."""

    found: dict[tuple[type[models.Model], str], Any] = field(default_factory=dict)
    ambiguous: set[str] = field(default_factory=set)

    def find(self, model: type[models.Model], text: str) -> Any:
        return self.found.get((model, _ref_key(model, text)))

    def load(self, model: type[models.Model], by: str, texts: Iterable[str]) -> None:
        wanted = {_ref_key(model, text) for text in texts if text}
        if not wanted:
            return
        if model is Person:
            emails = {text for text in wanted if "@" in text}
            names = wanted - emails
            for person in Person.objects.alias(key=Lower("email")).filter(key__in=emails):
                self.found[(Person, person.email.lower())] = person
            by_name: dict[str, list[Person]] = {}
            for person in Person.objects.alias(key=Lower("name")).filter(key__in=names):
                by_name.setdefault(person.name.lower(), []).append(person)
            for name, people in by_name.items():
                if len(people) == 1:
                    self.found[(Person, name)] = people[0]
                else:
                    self.ambiguous.add(name)
            return
        for record in model._default_manager.filter(**{f"{by}__in": wanted}):
            self.found[(model, getattr(record, by))] = record


def _ref_key(model: type[models.Model], text: str) -> str:
    if model is Person:
        return text.strip().lower()
    if model in (Program, Project):
        return text.strip().upper()
    return text.strip()


# -- columns and kinds -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str  # the header in our own files
    cell: Any  # Text, Day, Whole, Money, YesNo, Choice, Ref or MilestoneOf
    required: bool = False  # needed to create a record
    attr: str = ""  # the model attribute, when it differs from ``name``
    help: str = ""

    @property
    def field(self) -> str:
        return self.attr or self.name

    def export(self, record: Any) -> Any:
        return self.cell.write(getattr(record, self.field))


@dataclass(frozen=True)
class Kind:
    slug: str
    label: str
    model: type[models.Model]
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # the columns that identify a record
    export_queryset: Callable[[Program | None], models.QuerySet]
    admin_only: bool = False
    alternate_key: str = ""  # a column that identifies a record on its own when given

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    @property
    def headers(self) -> list[str]:
        return [column.name for column in self.columns]

    def export_row(self, record: Any) -> list[Any]:
        return [column.export(record) for column in self.columns]


def _people_of(program: Program | None) -> models.QuerySet:
    if program is None:
        return Person.objects.order_by("email")
    linked = (
        models.Q(directed_programs=program)
        | models.Q(owned_programs=program)
        | models.Q(led_projects__program=program)
        | models.Q(owned_milestones__project__program=program)
        | models.Q(owned_dependencies__successor_project__program=program)
        | models.Q(owned_risks__program=program)
    )
    ids = Person.objects.filter(linked).values("pk")
    return Person.objects.filter(pk__in=ids).order_by("email")


def _periods_of(program: Program | None) -> models.QuerySet:
    if program is None:
        return FiscalPeriod.objects.order_by("start_date")
    ids = BudgetLine.objects.filter(project__program=program).values("period_id")
    return FiscalPeriod.objects.filter(pk__in=ids).order_by("start_date")


def _scoped(queryset: models.QuerySet, path: str) -> Callable[[Program | None], models.QuerySet]:
    def export_queryset(program: Program | None) -> models.QuerySet:
        return queryset.filter(**{path: program}) if program is not None else queryset

    return export_queryset


def _person(name: str, **kwargs: Any) -> Column:
    return Column(
        name, Ref(Person, "email"), help="E-mail address (or the person's name).", **kwargs
    )


PEOPLE = Kind(
    slug="people",
    label="People",
    model=Person,
    columns=(
        Column("email", Text(254), required=True),
        Column("name", Text(120), required=True),
        Column("role_title", Text(120)),
        Column("career_level", Choice(pc.CareerLevel)),
        Column("team", Text(120)),
        Column("is_active", YesNo()),
    ),
    key=("email",),
    export_queryset=_people_of,
    admin_only=True,
)

PERIODS = Kind(
    slug="periods",
    label="Fiscal periods",
    model=FiscalPeriod,
    columns=(
        Column("name", Text(30), required=True),
        Column("start_date", Day(), required=True),
        Column("end_date", Day(), required=True),
    ),
    key=("name",),
    export_queryset=_periods_of,
    admin_only=True,
)

PROGRAMS = Kind(
    slug="programs",
    label="Programs",
    model=Program,
    columns=(
        Column("code", Code(), required=True),
        Column("name", Text(200), required=True),
        Column("description", Text()),
        _person("director", required=True),
        _person("tpm", required=True),
        Column("status", Choice(pc.ProgramStatus)),
        Column("priority", Choice(pc.Priority)),
        Column("start_date", Day(), required=True),
        Column("end_date", Day(), required=True),
    ),
    key=("code",),
    export_queryset=lambda program: (
        Program.objects.filter(pk=program.pk) if program else Program.objects.all()
    ).select_related("director", "tpm"),
)

PROJECTS = Kind(
    slug="projects",
    label="Projects",
    model=Project,
    columns=(
        Column("code", Code(), required=True),
        Column("program", Ref(Program, "code"), required=True),
        Column("name", Text(200), required=True),
        Column("description", Text()),
        _person("lead", required=True),
        Column("status", Choice(pc.ProjectStatus)),
        Column("baseline_start", Day(), required=True),
        Column("baseline_end", Day(), required=True),
        Column("forecast_start", Day(), required=True),
        Column("forecast_end", Day(), required=True),
        Column("actual_start", Day()),
        Column("actual_end", Day()),
        Column("percent_complete", Whole(0, 100)),
        Column("methodology", Choice(pc.Methodology)),
        Column("technology_readiness_level", Whole(1, 9)),
    ),
    key=("code",),
    export_queryset=_scoped(
        Project.objects.select_related("program", "lead").order_by("code"), "program"
    ),
)

MILESTONES = Kind(
    slug="milestones",
    label="Milestones",
    model=Milestone,
    columns=(
        Column("project", Ref(Project, "code"), required=True),
        Column("name", Text(200), required=True),
        Column("key", Code(40), help="An external key, e.g. the Jira issue key."),
        Column("description", Text()),
        _person("owner"),
        Column("is_key", YesNo()),
        Column("baseline_date", Day(), required=True),
        Column("forecast_date", Day(), required=True),
        Column("actual_date", Day()),
        Column("status", Choice(pc.MilestoneStatus)),
    ),
    key=("project", "name"),
    alternate_key="key",
    export_queryset=_scoped(
        Milestone.objects.select_related("project", "owner").order_by("project__code", "name"),
        "project__program",
    ),
)

DEPENDENCIES = Kind(
    slug="dependencies",
    label="Dependencies",
    model=Dependency,
    columns=(
        Column("predecessor", Ref(Project, "code"), required=True, attr="predecessor_project"),
        Column("predecessor_milestone", MilestoneOf("predecessor")),
        Column("successor", Ref(Project, "code"), required=True, attr="successor_project"),
        Column("successor_milestone", MilestoneOf("successor")),
        Column("type", Choice(pc.DependencyType)),
        Column("lag_days", Whole(-3650, 3650)),
        Column("needed_by", Day()),
        Column("committed_date", Day()),
        Column("status", Choice(pc.DependencyStatus)),
        Column("description", Text()),
        _person("owner"),
    ),
    key=("predecessor", "predecessor_milestone", "successor", "successor_milestone"),
    export_queryset=lambda program: (
        (
            Dependency.objects.filter(
                models.Q(successor_project__program=program)
                | models.Q(predecessor_project__program=program)
            )
            if program
            else Dependency.objects.all()
        )
        .select_related(
            "predecessor_project",
            "predecessor_milestone",
            "successor_project",
            "successor_milestone",
        )
        .select_related("owner")
        .order_by(
            "predecessor_project__code",
            "predecessor_milestone__name",
            "successor_project__code",
            "successor_milestone__name",
        )
    ),
)

RISKS = Kind(
    slug="risks",
    label="Risks",
    model=Risk,
    columns=(
        Column("program", Ref(Program, "code"), required=True),
        Column("title", Text(200), required=True),
        Column("project", Ref(Project, "code")),
        Column("cause", Text(), required=True),
        Column("event", Text(), required=True),
        Column("effect", Text(), required=True),
        Column("category", Choice(rc.RiskCategory), required=True),
        Column("inherent_probability", Whole(1, 5), required=True),
        Column("inherent_impact", Whole(1, 5), required=True),
        Column("residual_probability", Whole(1, 5), required=True),
        Column("residual_impact", Whole(1, 5), required=True),
        Column("cost_impact", Money()),
        Column("schedule_impact_days", Whole(0, 3650)),
        _person("owner"),
        Column("response", Choice(rc.RiskResponse)),
        Column("mitigation_plan", Text()),
        Column("contingency_plan", Text()),
        Column("trigger", Text()),
        Column("proximity_date", Day()),
        Column("identified_on", Day(), required=True),
        Column("last_reviewed_on", Day()),
        Column("next_review_date", Day()),
        Column("closed_on", Day()),
        Column("status", Choice(rc.RiskStatus)),
    ),
    key=("program", "title"),
    export_queryset=_scoped(
        Risk.objects.select_related("program", "project", "owner").order_by(
            "program__code", "title", "pk"
        ),
        "program",
    ),
)

BUDGET = Kind(
    slug="budget",
    label="Budget lines (plan, actuals, forecast)",
    model=BudgetLine,
    columns=(
        Column("project", Ref(Project, "code"), required=True),
        Column("period", Ref(FiscalPeriod, "name"), required=True),
        Column("category", Choice(pc.BudgetCategory), required=True),
        Column("planned", Money()),
        Column("actual", Money()),
        Column("forecast", Money()),
        Column("notes", Text(200)),
    ),
    key=("project", "period", "category"),
    export_queryset=_scoped(
        BudgetLine.objects.select_related("project", "period").order_by(
            "project__code", "period__start_date", "category"
        ),
        "project__program",
    ),
)

#: In the order a whole portfolio is loaded: each kind names only kinds above it.
KINDS: dict[str, Kind] = {
    kind.slug: kind
    for kind in (PEOPLE, PERIODS, PROGRAMS, PROJECTS, MILESTONES, DEPENDENCIES, RISKS, BUDGET)
}
