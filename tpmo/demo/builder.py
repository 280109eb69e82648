"""Build a realistic, deterministic demo portfolio with the shared factories and bulk inserts.

Same seed and same ``as_of`` date give the same portfolio. Dependencies only ever point from an
earlier project (in build order) to a later one, so the graph is acyclic by construction.
"""

from __future__ import annotations

import datetime as dt
import itertools
import multiprocessing
import random
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import django
import factory.random
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, models, transaction
from simple_history.utils import bulk_create_with_history

from programs import choices as pc
from programs import evm
from programs import factories as pf
from programs.models import FiscalPeriod, Milestone, Person, Program, Project
from risks import choices as rc
from risks import factories as rf
from risks.models import Risk
from tpmo.demo import catalog
from tpmo.health import Health, Rag
from tpmo.roles import Role


@dataclass(frozen=True)
class Scale:
    programs: int
    projects_per_program: int
    milestones_per_project: int
    risks_per_project: int
    dependencies_per_project: float
    project_reports_every_weeks: int
    #: Budget categories per project: labour, plus one other when 2.
    budget_categories: int = 2
    #: Projects per engineering manager; people allocated per engineer.
    projects_per_lead: int = 3
    projects_per_engineer: float = 0.5


SCALES = {
    "small": Scale(8, 5, 6, 3, 0.8, 2),
    "medium": Scale(200, 10, 10, 5, 1.5, 4),
    "large": Scale(
        1000,
        20,
        10,
        5,
        3.0,
        13,
        budget_categories=1,
        projects_per_lead=10,
        projects_per_engineer=0.9,
    ),
}

WEEKS_OF_HISTORY = 26
INSERT_CHUNK = 2000
DEMO_USERS = {
    "admin": Role.ADMIN,
    "director": Role.DIRECTOR,
    "tpm": Role.TPM,
    "viewer": Role.VIEWER,
}


SNAPSHOT_WEEKS = 26


def days(n: float) -> dt.timedelta:
    return dt.timedelta(days=round(n))


@dataclass
class Core:
    """What the later stages build on: the portfolio's skeleton, in primary-key order."""

    people: dict[str, list[Person]]
    programs: list[Program]
    projects: list[Project]
    periods: list[FiscalPeriod]
    milestones: dict[int, list[Milestone]] = field(default_factory=dict)

    @classmethod
    def load(cls, *, milestones: bool) -> Core:
        """The skeleton read back from the database, for a stage run in another process."""
        projects = list(
            Project.objects.select_related("program__tpm", "program__director", "lead").order_by(
                "pk"
            )
        )
        by_project: dict[int, list[Milestone]] = {}
        if milestones:
            for milestone in Milestone.objects.order_by("pk"):
                by_project.setdefault(milestone.project_id, []).append(milestone)
        return cls(
            people={},
            programs=list({project.program_id: project.program for project in projects}.values()),
            projects=projects,
            periods=list(FiscalPeriod.objects.order_by("start_date")),
            milestones=by_project,
        )


#: After the core, three phases of two stages each. The stages of a phase touch different tables
#: (or, for the snapshots, different dates), so they may run side by side: the second of each
#: pair in another process, reading the core back (``Core.load``). Each stage draws from its own
#: random stream, so the portfolio is the same either way.
PHASES = (("milestones", "raid"), ("dependencies", "status"), ("health", "snapshots"))
#: Stages run in the second process, and whether they need the milestones loaded.
CHILD_STAGES = {"raid": False, "status": True, "snapshots": False}


class DemoBuilder:
    """Builds the portfolio in memory, level by level, and inserts each level in bulk."""

    def __init__(self, scale: Scale, *, seed: int, as_of: dt.date, history: bool) -> None:
        self.scale = scale
        self.seed = seed
        self.as_of = as_of
        self.history = history
        self.counts: dict[str, int] = {}
        self.seconds: dict[str, float] = {}  # how long each stage took (in this process)
        self._codes: dict[int, str] | None = None  # program id → code, read once programs exist
        self._use_stream("core")
        factory.random.reseed_random(seed)

    def _use_stream(self, stage: str) -> None:
        self.rng = random.Random(f"{self.seed}:{stage}")

    # -- persistence ---------------------------------------------------------------------------

    def _insert(self, model: type[models.Model], objs: Sequence[Any]) -> list[Any]:
        """Insert in chunks, each its own short transaction, so two stages can interleave."""
        created: list[Any] = []
        with_history = self.history and hasattr(model, "history")
        if not with_history and len(objs) >= INSERT_CHUNK:
            created = _insert_rows(model, objs)
        for start in range(len(created), len(objs), INSERT_CHUNK):
            chunk = list(objs[start : start + INSERT_CHUNK])
            if with_history:
                created += bulk_create_with_history(
                    chunk, model, batch_size=INSERT_CHUNK, default_change_reason="Demo data"
                )
            else:
                created += model.objects.bulk_create(chunk, batch_size=INSERT_CHUNK)
        self._count(str(model._meta.verbose_name_plural), len(created))
        return created

    def _count(self, name: str, added: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + added

    # -- the portfolio ---------------------------------------------------------------------------

    def build(self, *, parallel: bool = False) -> dict[str, int]:
        """Build everything; with ``parallel`` one stage of each phase runs in a second process."""
        started = time.monotonic()
        with transaction.atomic():
            core = self.build_core()
        self.seconds["core"] = time.monotonic() - started
        if parallel:
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(
                max_workers=1, mp_context=context, initializer=django.setup
            ) as pool:
                for here, there in PHASES:
                    other = pool.submit(
                        _build_stage_in_child,
                        there,
                        self.scale,
                        self.seed,
                        self.as_of,
                        self.history,
                    )
                    self.build_stage(here, core)
                    counts, seconds = other.result()
                    for name, count in counts.items():
                        self._count(name, count)
                    self.seconds |= seconds
        else:
            for here, there in PHASES:
                self.build_stage(here, core)
                self.build_stage(there, Core.load(milestones=CHILD_STAGES[there]))
        ensure_demo_users(director=core.people["directors"][0], tpm=core.people["tpms"][0])
        return self.counts

    def _snapshots(self, *, beside_health: bool) -> None:
        """Six months of weekly portfolio snapshots, so that the KPI trends show at once. The
        health stage, which first records the computed health of every latest report, takes one
        week in three; the snapshot stage beside it the rest, so that the two finish together.
        (A snapshot works health out afresh: it does not read what the health stage records.)"""
        from review.snapshots import take_snapshot, weekly_dates

        weeks = weekly_dates(self.as_of, SNAPSHOT_WEEKS)
        dates = [day for i, day in enumerate(weeks) if (i % 3 == 0) == beside_health]
        for day in dates:
            take_snapshot(day)
        self._count("weekly snapshots", len(dates))

    def _record_computed_health(self, scopes: models.QuerySet[Any]) -> None:
        """Keep on each latest status report the health the data gives at the demo date, and a
        reason wherever the owner reported something else (the status form asks the same)."""
        from tpmo.health_queries import attach_health, health_of

        kind = "project" if scopes.model is Project else "program"
        ids = list(scopes.values_list("pk", flat=True))
        changed = []
        for start in range(0, len(ids), 500):
            rows = attach_health(
                list(scopes.filter(pk__in=ids[start : start + 500])), today=self.as_of
            )
            latest = {
                (getattr(report, f"{kind}_id"), report.report_date): report
                for report in pf.StatusReport.objects.filter(
                    **{f"{kind}__in": [row.pk for row in rows]},
                    project__isnull=kind == "program",
                    report_date__in={row.last_status_on for row in rows if row.last_status_on},
                )
            }
            for row in rows:
                report = latest.get((row.pk, row.last_status_on))
                if report is None:
                    continue
                health = health_of(row, today=self.as_of)
                report.keep_computed(health)
                if report.overall != report.computed:
                    report.variance_reason = self.rng.choice(_variance_reasons(health))
                changed.append(report)
        _update_rows(pf.StatusReport, changed, ["computed", "computed_reasons", "variance_reason"])

    def build_core(self) -> Core:
        """People, objectives, programs and projects, and the small tables that hang on people."""
        self._use_stream("core")
        periods = self._fiscal_periods()
        people = self._people()
        objectives = self._objectives(people["directors"])
        programs = self._programs(people, objectives)
        projects = self._projects(programs, people["leads"])
        self._allocations(projects, people["engineers"])
        self._stakeholders(programs, people["engineers"])
        self._retrospectives(programs)
        return Core(people, programs, projects, periods)

    def build_stage(self, stage: str, core: Core) -> None:
        started = time.monotonic()
        self._build_stage(stage, core)
        self.seconds[stage] = time.monotonic() - started

    def _build_stage(self, stage: str, core: Core) -> None:
        self._use_stream(stage)
        if stage == "milestones":
            core.milestones = self._milestones(core.projects)
            if self.history:
                self._forecast_history(core.milestones)
        elif stage == "raid":
            self._raid(core.programs, self._risks(core.projects))
            self._budget_lines(core.projects, core.periods)
        elif stage == "dependencies":
            self._dependencies(core.projects, core.milestones)
        elif stage == "status":
            self._status_reports(core.programs, core.projects)
            self._link_risks_to_milestones(core.milestones)
        elif stage == "health":
            self._record_computed_health(Program.objects.order_by("pk"))
            self._record_computed_health(Project.objects.order_by("pk"))
            self._snapshots(beside_health=True)
        elif stage == "snapshots":
            self._snapshots(beside_health=False)
        else:
            raise ValueError(f"unknown stage {stage!r}")

    def _fiscal_periods(self) -> list[Any]:
        """Calendar quarters from a year before ``as_of`` to two years after."""
        first_year = self.as_of.year - 1
        objs = []
        for index in range(16):
            year, quarter = first_year + index // 4, index % 4
            start = dt.date(year, 3 * quarter + 1, 1)
            end = dt.date(year + (quarter + 1) // 4, 3 * ((quarter + 1) % 4) + 1, 1) - days(1)
            objs.append(
                pf.FiscalPeriodFactory.build(
                    name=f"FY{year % 100:02d} Q{quarter + 1}", start_date=start, end_date=end
                )
            )
        return self._insert(pf.FiscalPeriod, objs)

    def _people(self) -> dict[str, list[Person]]:
        scale = self.scale
        counts = {
            "directors": max(2, scale.programs // 8),
            "tpms": max(4, scale.programs // 2),
            "leads": max(
                6, round(scale.programs * scale.projects_per_program / scale.projects_per_lead)
            ),
            "engineers": max(
                12, round(scale.programs * scale.projects_per_program / scale.projects_per_engineer)
            ),
        }
        titles = {
            "directors": ("Director of TPM", pc.CareerLevel.DIRECTOR),
            "tpms": ("Technical Program Manager", None),
            "leads": ("Engineering manager", ""),
            "engineers": ("Software engineer", ""),
        }
        levels = [
            pc.CareerLevel.TPM,
            pc.CareerLevel.SENIOR,
            pc.CareerLevel.STAFF,
            pc.CareerLevel.PRINCIPAL,
        ]
        objs: list[Person] = []
        kinds: list[str] = []
        serial = 0
        for kind, count in counts.items():
            title, level = titles[kind]
            for _ in range(count):
                serial += 1
                objs.append(
                    pf.PersonFactory.build(
                        email=f"{kind[:-1]}{serial}@tpmo.example",
                        role_title=title,
                        career_level=level if level is not None else self.rng.choice(levels),
                        team=self.rng.choice(catalog.TEAMS),
                    )
                )
                kinds.append(kind)
        created = self._insert(Person, objs)
        grouped: dict[str, list[Person]] = {kind: [] for kind in counts}
        for person, kind in zip(created, kinds, strict=True):
            grouped[kind].append(person)
        return grouped

    def _objectives(self, directors: list[Person]) -> dict[str, Any]:
        start = dt.date(self.as_of.year, 1, 1)
        objs = [
            pf.ObjectiveFactory.build(
                code=f"OBJ-{code}",
                title=title,
                measure=measure,
                unit=unit,
                baseline_value=Decimal(baseline),
                target_value=Decimal(target),
                current_value=Decimal(baseline)
                + (Decimal(target) - Decimal(baseline)) * Decimal(self.rng.randint(10, 70)) / 100,
                start_date=start,
                target_date=dt.date(self.as_of.year + 1, 12, 31),
                owner=directors[index % len(directors)],
            )
            for index, (code, title, measure, unit, baseline, target) in enumerate(
                catalog.OBJECTIVES
            )
        ]
        return {o.code.removeprefix("OBJ-"): o for o in self._insert(pf.Objective, objs)}

    def _programs(
        self, people: dict[str, list[Person]], objectives: dict[str, Any]
    ) -> list[Program]:
        rng, as_of = self.rng, self.as_of
        directors, tpms = people["directors"], people["tpms"]
        specs: list[tuple[str, str, list[str]]] = []
        if self.scale.programs <= len(catalog.NAMED_PROGRAMS):
            specs = list(catalog.NAMED_PROGRAMS[: self.scale.programs])
        else:
            objective_codes = list(objectives)
            combinations = len(catalog.DOMAINS) * len(catalog.INITIATIVES)
            for index in range(self.scale.programs):
                prefix, domain = catalog.DOMAINS[index % len(catalog.DOMAINS)]
                initiative = catalog.INITIATIVES[
                    (index // len(catalog.DOMAINS)) % len(catalog.INITIATIVES)
                ]
                specs.append(
                    (
                        f"{prefix}{index + 1:04d}",
                        f"{domain} {initiative} {index // combinations + 1}",
                        rng.sample(objective_codes, rng.choice([1, 1, 2])),
                    )
                )
        objs = []
        for index, (code, name, _) in enumerate(specs):
            start = as_of - days(rng.randint(185, 420))  # six months of status history at least
            status = rng.choices(
                [pc.ProgramStatus.ACTIVE, pc.ProgramStatus.PROPOSED, pc.ProgramStatus.ON_HOLD],
                weights=[90, 5, 5],
            )[0]
            objs.append(
                pf.ProgramFactory.build(
                    code=code,
                    name=name,
                    description=f"{name}: a cross-team program of the portfolio.",
                    director=directors[index % len(directors)],
                    tpm=tpms[index % len(tpms)],
                    status=status if index > 2 else pc.ProgramStatus.ACTIVE,
                    priority=rng.choice(list(pc.Priority)),
                    start_date=start,
                    end_date=start + days(rng.randint(450, 720)),
                )
            )
        programs = self._insert(Program, objs)
        through = Program.objectives.through
        through.objects.bulk_create(
            through(program_id=program.pk, objective_id=objectives[code].pk)
            for program, (_, _, codes) in zip(programs, specs, strict=True)
            for code in codes
        )
        return programs

    def _calm(self, program_id: int) -> bool:
        """About a third of the programs run smoothly: no slips, partners committed with slack,
        risks mitigated to medium, spend on plan (the same answer in every stage)."""
        code = self._program_codes().get(program_id, "")
        if code in catalog.CALM_PROGRAMS or code in catalog.TROUBLED_PROGRAMS:
            return code in catalog.CALM_PROGRAMS
        return random.Random(f"{self.seed}:calm:{program_id}").random() < 0.35

    def _program_codes(self) -> dict[int, str]:
        if self._codes is None:
            self._codes = dict(Program.objects.values_list("pk", "code"))
        return self._codes

    def _projects(self, programs: list[Program], leads: list[Person]) -> list[Project]:
        rng = self.rng
        objs = []
        for program in programs:
            # Some programs are in trouble: their projects slip more.
            trouble = rng.random() < 0.2 or program.code in catalog.TROUBLED_PROGRAMS
            calm = self._calm(program.pk)
            span = (program.end_date - program.start_date).days
            for number in range(1, self.scale.projects_per_program + 1):
                baseline_start = program.start_date + days(rng.randint(0, span // 3))
                baseline_end = min(
                    program.end_date, baseline_start + days(rng.randint(90, max(91, span * 2 // 3)))
                )
                slip = rng.choices(
                    [0, rng.randint(1, 10), rng.randint(11, 60), -rng.randint(1, 10)],
                    weights=[90, 0, 0, 10]
                    if calm
                    else [30, 25, 40, 5]
                    if trouble
                    else [62, 31, 1, 6],
                )[0]
                forecast_end = max(baseline_start, baseline_end + days(slip))
                status, actual_start, actual_end, percent = self._project_progress(
                    baseline_start, forecast_end, slip
                )
                objs.append(
                    pf.ProjectFactory.build(
                        program=program,
                        code=f"{program.code}-{number:02d}",
                        name=catalog.PROJECT_NAMES[(number - 1) % len(catalog.PROJECT_NAMES)],
                        description=f"Part of {program.name}.",
                        lead=rng.choice(leads),
                        status=status,
                        baseline_start=baseline_start,
                        baseline_end=baseline_end,
                        forecast_start=baseline_start,
                        forecast_end=forecast_end,
                        actual_start=actual_start,
                        actual_end=actual_end,
                        percent_complete=percent,
                        methodology=rng.choice(list(pc.Methodology)),
                        technology_readiness_level=rng.randint(3, 9),
                    )
                )
        return self._insert(Project, objs)

    def _project_progress(
        self, start: dt.date, forecast_end: dt.date, slip: int
    ) -> tuple[str, dt.date | None, dt.date | None, int]:
        """Status, actual dates and % complete consistent with the dates and today."""
        as_of = self.as_of
        if start > as_of:
            return pc.ProjectStatus.NOT_STARTED, None, None, 0
        if forecast_end < as_of:
            return pc.ProjectStatus.COMPLETED, start, forecast_end, 100
        if self.rng.random() < 0.03:
            return pc.ProjectStatus.ON_HOLD, start, None, self.rng.randint(5, 60)
        elapsed = (as_of - start).days / max(1, (forecast_end - start).days)
        lag = 0.15 if slip > 10 else 0.0
        percent = max(1, min(99, round(100 * (elapsed - lag + self.rng.uniform(-0.05, 0.05)))))
        return pc.ProjectStatus.IN_PROGRESS, start, None, percent

    def _milestones(self, projects: list[Project]) -> dict[int, list[Any]]:
        rng, as_of = self.rng, self.as_of
        objs = []
        count = self.scale.milestones_per_project
        for project in projects:
            length = max(1, (project.baseline_end - project.baseline_start).days)
            slip_total = (project.forecast_end - project.baseline_end).days
            names = rng.sample(catalog.MILESTONE_NAMES, min(count, len(catalog.MILESTONE_NAMES)))
            for index, name in enumerate(names):
                share = (index + 1) / len(names)
                baseline = project.baseline_start + days(length * share)
                noise = 0 if self._calm(project.program_id) else rng.choice([0, 0, 0, 0, 0, 2, 5])
                forecast = baseline + days(slip_total * share + noise)
                if project.status == pc.ProjectStatus.COMPLETED:
                    forecast = min(forecast, project.actual_end or forecast)
                done = forecast <= as_of and project.status != pc.ProjectStatus.NOT_STARTED
                if project.status == pc.ProjectStatus.COMPLETED:
                    done = True
                if done:
                    status = pc.MilestoneStatus.DONE
                elif (forecast - as_of).days <= 21:
                    status = pc.MilestoneStatus.IN_PROGRESS
                else:
                    status = pc.MilestoneStatus.PLANNED
                objs.append(
                    pf.Milestone(
                        project=project,
                        name=name,
                        owner=project.lead,
                        is_key=index == len(names) - 1 or rng.random() < 0.25,
                        baseline_date=baseline,
                        forecast_date=forecast,
                        actual_date=forecast if done else None,
                        status=status,
                    )
                )
        by_project: dict[int, list[Any]] = {}
        for milestone in self._insert(pf.Milestone, objs):
            by_project.setdefault(milestone.project_id, []).append(milestone)
        return by_project

    def _forecast_history(self, milestones: dict[int, list[Any]]) -> None:
        """Earlier forecasts of the open key milestones that slip, as history versions 12, 6
        and 1 week ago, so that the milestone trend shows slips as they happened (some of them
        accelerating); and, for most milestones done late, the version that first recorded the
        slip, days or weeks ahead of the baseline (forecast accuracy)."""
        rng, as_of = self.rng, self.as_of
        model = Milestone.history.model
        fields = [field.attname for field in model.tracked_fields]
        rows = []
        for project_milestones in milestones.values():
            for milestone in project_milestones:
                slip = (milestone.forecast_date - milestone.baseline_date).days
                if slip <= 0:
                    continue
                if milestone.status == pc.MilestoneStatus.DONE:
                    # Most late milestones had their slip recorded some weeks ahead (forecast
                    # accuracy); the rest were found late on the day.
                    if rng.random() < 0.6:
                        ahead = rng.choice([3, 7, 14, 21, 35])
                        rows.append(
                            self._forecast_version(
                                model, fields, milestone, milestone.forecast_date, ahead
                            )
                        )
                    continue
                if not milestone.is_key:
                    continue
                shares = rng.choice([(0.0, 0.3, 0.7), (0.0, 0.15, 0.45), (0.2, 0.4, 0.6)])
                for weeks_ago, share in zip((12, 6, 1), shares, strict=True):
                    forecast = milestone.baseline_date + days(slip * share)
                    when = as_of - days(7 * weeks_ago)
                    rows.append(
                        self._forecast_version(
                            model,
                            fields,
                            milestone,
                            forecast,
                            (milestone.baseline_date - when).days,
                        )
                    )
        model.objects.bulk_create(rows, batch_size=INSERT_CHUNK)
        self._count("milestone forecast history rows", len(rows))

    @staticmethod
    def _forecast_version(
        model: Any, fields: list[str], milestone: Milestone, forecast: dt.date, ahead: int
    ) -> Any:
        """A history version of ``milestone`` saying ``forecast``, dated ``ahead`` days before its
        baseline date."""
        values = {name: getattr(milestone, name) for name in fields}
        values["forecast_date"] = forecast
        if values["status"] == pc.MilestoneStatus.DONE:  # before it was done
            values["actual_date"] = None
            values["status"] = pc.MilestoneStatus.IN_PROGRESS
        when = dt.datetime.combine(milestone.baseline_date - days(ahead), dt.time(9), tzinfo=dt.UTC)
        return model(
            history_date=when, history_type="~", history_change_reason="Forecast moved", **values
        )

    def _dependencies(self, projects: list[Project], milestones: dict[int, list[Any]]) -> None:
        """Edges from an earlier project to a later one, mostly across programs (acyclic), each
        delivering before its successor starts or within two weeks of it: a plan in which the
        successor would wait months is one nobody keeps (and gave most items months of negative
        float)."""
        rng = self.rng
        total = round(len(projects) * self.scale.dependencies_per_project)
        # At most six in ten already delivered, the rest still to come (the earliest pairs are
        # the likeliest to fit, and would otherwise be nearly all of them).
        deliverable = total * 6 // 10
        seen: set[tuple[int, int | None, int, int | None]] = set()
        objs: list[Any] = []
        for _ in range(total * 40):
            if len(objs) == total:
                break
            later = rng.randint(1, len(projects) - 1)
            earlier = rng.randint(max(0, later - 60), later - 1)
            predecessor, successor = projects[earlier], projects[later]
            pred_ms = rng.choice(milestones[predecessor.pk]) if rng.random() < 0.7 else None
            succ_ms = rng.choice(milestones[successor.pk]) if rng.random() < 0.8 else None
            key = (predecessor.pk, pred_ms and pred_ms.pk, successor.pk, succ_ms and succ_ms.pk)
            delivers = pred_ms.forecast_date if pred_ms else predecessor.forecast_end
            starts = succ_ms.forecast_date if succ_ms else successor.forecast_start
            if pred_ms is not None:
                finished = pred_ms.status == pc.MilestoneStatus.DONE
            else:  # a whole project: delivered once it has ended
                finished = delivers < self.as_of
            if key in seen or delivers > starts + days(14) or (finished and deliverable == 0):
                continue
            seen.add(key)
            deliverable -= finished
            needed = succ_ms.baseline_date if succ_ms else successor.baseline_start
            calm = self._calm(successor.program_id)
            if calm or rng.random() < 0.9:  # most needs were agreed with slack; the rest are late
                needed = max(needed, delivers + days(rng.choice([0, 7, 14, 30])))
            else:  # late by weeks, as a commitment that slipped past its need is, not by years
                needed = max(needed, delivers - days(7 * (1 + len(objs) % 6)))
            if finished:
                status = pc.DependencyStatus.DELIVERED
            else:
                status = rng.choices(
                    [
                        pc.DependencyStatus.REQUESTED,
                        pc.DependencyStatus.COMMITTED,
                        pc.DependencyStatus.AT_RISK,
                        pc.DependencyStatus.BLOCKED,
                    ],
                    weights=[0, 1, 0, 0] if calm else [6, 86, 7, 1],
                )[0]
                if delivers > needed and status == pc.DependencyStatus.COMMITTED:
                    status = pc.DependencyStatus.AT_RISK
            objs.append(
                pf.Dependency(
                    predecessor_project=predecessor,
                    predecessor_milestone=pred_ms,
                    successor_project=successor,
                    successor_milestone=succ_ms,
                    type=rng.choices(list(pc.DependencyType), weights=[80, 10, 8, 2])[0],
                    lag_days=rng.choice([0, 0, 0, 5, 10, -3]),
                    needed_by=needed,
                    committed_date=None if status == pc.DependencyStatus.REQUESTED else delivers,
                    status=status,
                    description=f"{successor.code} needs "
                    f"{pred_ms.name if pred_ms else predecessor.name} from {predecessor.code}.",
                    owner=successor.lead,
                )
            )
        created = self._insert(pf.Dependency, objs)
        # Agreed over the past months; a few in the last fortnight ("new since the last review").
        by_age: dict[int, list[int]] = {}
        for dependency in created:
            age = rng.randint(0, 13) if rng.random() < 0.05 else rng.randint(14, 300)
            by_age.setdefault(age, []).append(dependency.pk)
        for age, ids in by_age.items():
            when = dt.datetime.combine(self.as_of - days(age), dt.time(10), tzinfo=dt.UTC)
            for start in range(0, len(ids), INSERT_CHUNK):
                pf.Dependency.objects.filter(pk__in=ids[start : start + INSERT_CHUNK]).update(
                    created_at=when
                )

    def _budget_lines(self, projects: list[Project], periods: list[Any]) -> None:
        rng, as_of = self.rng, self.as_of
        objs = []
        extra_categories = [
            pc.BudgetCategory.CLOUD,
            pc.BudgetCategory.VENDOR,
            pc.BudgetCategory.LICENCES,
            pc.BudgetCategory.CAPEX,
        ]
        for project in projects:
            # The project spends ``overrun`` × the plan for the work it has done (CPI = 1/overrun):
            # AC = EV × overrun, spread over the elapsed part of each period in proportion to plan.
            overrun = Decimal(
                rng.choice(
                    ["0.97", "1.00", "1.00", "1.02"]
                    if self._calm(project.program_id)
                    else [
                        "0.92",
                        "0.95",
                        "0.97",
                        "1.00",
                        "1.00",
                        "1.00",
                        "1.02",
                        "1.04",
                        "1.08",
                        "1.25",
                    ]
                )
            )
            quarter_budget = Decimal(rng.randrange(40_000, 400_000, 5_000))
            end = project.actual_end or project.forecast_end
            live = [
                p for p in periods if p.start_date <= end and p.end_date >= project.baseline_start
            ]
            shares = [
                (pc.BudgetCategory.LABOUR, Decimal("0.7")),
                (rng.choice(extra_categories), Decimal("0.3")),
            ][: self.scale.budget_categories]
            start = project.actual_start or project.baseline_start

            def worked(period: FiscalPeriod, start: dt.date = start, end: dt.date = end) -> Decimal:
                """The share of the period the project runs in (its plan is spread evenly)."""
                overlap = (min(end, period.end_date) - max(start, period.start_date)).days + 1
                return Decimal(max(overlap, 1)) / ((period.end_date - period.start_date).days + 1)

            lines = [
                (category, period, (quarter_budget * share * worked(period)).quantize(Decimal("1")))
                for category, share in shares
                for period in live
            ]
            elapsed = {
                period.pk: evm.elapsed_share(period.start_date, period.end_date, as_of)
                for period in live
            }
            budget = sum((planned for _, _, planned in lines), Decimal(0))
            to_date = sum((planned * elapsed[p.pk] for _, p, planned in lines), Decimal(0))
            spent = budget * project.percent_complete / 100 * overrun
            for category, period, planned in lines:
                share = planned * elapsed[period.pk] / to_date if to_date else Decimal(0)
                actual = (spent * share).quantize(Decimal("0.01"))
                expected = (planned * overrun).quantize(Decimal("0.01"))
                forecast = actual if elapsed[period.pk] == 1 else max(actual, expected)
                objs.append(
                    pf.BudgetLine(
                        project=project,
                        period=period,
                        category=category,
                        planned=planned,
                        actual=actual,
                        forecast=forecast,
                    )
                )
        self._insert(pf.BudgetLine, objs)

    def _allocations(self, projects: list[Project], engineers: list[Person]) -> None:
        rng = self.rng
        load: dict[int, int] = {}  # a person's allocations, whatever their dates
        objs = []
        for project in projects:
            chosen: set[int] = set()
            for _ in range(2):
                percent = rng.choice([20, 30, 50, 50, 80, 100])
                # Staffing respects people's time, except now and then (over-allocation is real).
                overbook = rng.random() < 0.03
                for _ in range(25):
                    person = rng.choice(engineers)
                    if person.pk not in chosen and (
                        overbook or load.get(person.pk, 0) + percent <= 100
                    ):
                        break
                chosen.add(person.pk)
                load[person.pk] = load.get(person.pk, 0) + percent
                objs.append(
                    pf.Allocation(
                        person=person,
                        project=project,
                        role=rng.choice(["Tech lead", "Backend", "Frontend", "SRE", "Data", "QA"]),
                        percent=percent,
                        start_date=project.baseline_start,
                        end_date=max(project.baseline_end, project.forecast_end),
                    )
                )
        self._insert(pf.Allocation, objs)

    def _rag_for(self, slip: int, watermelon: bool) -> str:
        if watermelon:
            return pc.Rag.GREEN
        if slip > 20:
            return pc.Rag.RED
        if slip > 5:
            return pc.Rag.AMBER
        return pc.Rag.GREEN

    def _status_reports(self, programs: list[Program], projects: list[Project]) -> None:
        rng, as_of = self.rng, self.as_of
        worst_slip: dict[int, int] = {}
        for project in projects:
            worst_slip[project.program_id] = max(
                worst_slip.get(project.program_id, 0), project.slip_days
            )
        objs = []
        satisfaction_by_rag = {
            pc.Rag.GREEN: [4, 4, 5],
            pc.Rag.AMBER: [3, 3, 4],
            pc.Rag.RED: [2, 2, 3],
        }
        latest_monday = as_of - days(as_of.weekday())
        for program in programs:
            watermelon = (
                rng.random() < 0.15 or program.code in catalog.WATERMELON_PROGRAMS
            ) and not self._calm(program.pk)
            for week in range(WEEKS_OF_HISTORY):
                report_date = latest_monday - days(7 * week)
                if report_date < program.start_date:
                    break
                if week == 0 and rng.random() < 0.12:
                    continue  # some programs are late with this week's report
                # Slip grows over time: earlier reports saw less of it.
                seen_slip = round(worst_slip[program.pk] * (1 - week / WEEKS_OF_HISTORY))
                overall = self._rag_for(seen_slip, watermelon)
                objs.append(
                    pf.StatusReport(
                        program=program,
                        report_date=report_date,
                        overall=overall,
                        schedule=overall,
                        budget=rng.choice([pc.Rag.GREEN, pc.Rag.GREEN, pc.Rag.AMBER]),
                        scope=pc.Rag.GREEN,
                        summary=_summary(overall, seen_slip),
                        accomplishments="Sprint goals met; dependencies reviewed with partners.",
                        next_steps="Confirm dates for the next key milestone.",
                        blockers=""
                        if overall == pc.Rag.GREEN
                        else "Waiting on a partner team's commitment.",
                        stakeholder_satisfaction=rng.choice(satisfaction_by_rag[overall]),
                        author=program.tpm,
                    )
                )
        every = self.scale.project_reports_every_weeks
        for project in projects:
            for week in range(0, WEEKS_OF_HISTORY, every):
                report_date = latest_monday - days(7 * week)
                if report_date < project.baseline_start:
                    break
                seen_slip = round(project.slip_days * (1 - week / WEEKS_OF_HISTORY))
                overall = self._rag_for(seen_slip, watermelon=False)
                objs.append(
                    pf.StatusReport(
                        program=project.program,
                        project=project,
                        report_date=report_date,
                        overall=overall,
                        schedule=overall,
                        budget=pc.Rag.GREEN,
                        scope=pc.Rag.GREEN,
                        summary=_summary(overall, seen_slip),
                        stakeholder_satisfaction=None,
                        author=project.lead,
                    )
                )
        self._insert(pf.StatusReport, objs)

    def _stakeholders(self, programs: list[Program], engineers: list[Person]) -> None:
        rng = self.rng
        groups = [
            pf.StakeholderFactory.build(
                name=name,
                organisation=organisation,
                is_group=True,
                email=f"{organisation.lower().replace(' ', '-')}@tpmo.example",
                influence=pc.Level.HIGH,
                interest=rng.choice(list(pc.Level)),
            )
            for name, organisation in catalog.STAKEHOLDER_GROUPS
        ]
        people = [
            pf.StakeholderFactory.build(
                name=person.name,
                person=person,
                organisation=person.team,
                email=person.email,
                influence=rng.choice(list(pc.Level)),
                interest=rng.choice(list(pc.Level)),
            )
            for person in rng.sample(engineers, min(len(engineers), max(10, len(programs))))
        ]
        stakeholders = self._insert(pf.Stakeholder, groups + people)
        objs = []
        for program in programs:
            for stakeholder, raci in zip(
                rng.sample(stakeholders, 4),
                [pc.Raci.ACCOUNTABLE, pc.Raci.CONSULTED, pc.Raci.INFORMED, pc.Raci.INFORMED],
                strict=True,
            ):
                objs.append(
                    pf.ProgramStakeholderFactory.build(
                        program=program,
                        stakeholder=stakeholder,
                        raci=raci,
                        update_cadence=rng.choice(list(pc.UpdateCadence)),
                    )
                )
        self._insert(pf.ProgramStakeholder, objs)

    def _retrospectives(self, programs: list[Program]) -> None:
        rng, as_of = self.rng, self.as_of
        retros = []
        for program in programs:
            for offset in (90, 30):
                held_on = as_of - days(offset)
                if held_on < program.start_date:
                    continue
                retros.append(
                    pf.RetrospectiveFactory.build(
                        program=program,
                        held_on=held_on,
                        title=f"{program.code} retrospective {held_on:%b %Y}",
                        facilitator=program.tpm,
                    )
                )
        retros = self._insert(pf.Retrospective, retros)
        programs_by_pk = {program.pk: program for program in programs}
        items = []
        for retro in retros:
            program = programs_by_pk[retro.program_id]
            for description in (
                "Book security review slots a quarter ahead",
                "Publish the dependency calendar",
            ):
                due = retro.held_on + days(rng.randint(14, 45))
                done = due < as_of and rng.random() < 0.6
                items.append(
                    pf.ActionItemFactory.build(
                        retrospective=retro,
                        description=description,
                        owner=program.tpm,
                        due_date=due,
                        done=done,
                        done_on=due if done else None,
                    )
                )
        self._insert(pf.ActionItem, items)

    def _risks(self, projects: list[Project]) -> list[Risk]:
        rng, as_of = self.rng, self.as_of
        catalogue = [
            (category, entry) for category, entries in catalog.RISKS.items() for entry in entries
        ]
        statuses = list(rc.RiskStatus)
        objs = []
        for project in projects:
            calm = self._calm(project.program_id)
            titles: set[str] = set()
            for _ in range(self.scale.risks_per_project):
                category, (title, cause, event, effect) = rng.choice(catalogue)
                title = _unique(title, titles)
                probability, impact = rng.randint(1, 5), rng.randint(1, 5)
                status = rng.choices(statuses, weights=[15, 20, 25, 15, 15, 10])[0]
                # Identified while the project was planned (up to a month before it starts, and
                # never later than the demo date) or since.
                earliest = min(project.baseline_start, as_of) - days(30)
                identified = max(earliest, as_of - days(rng.randint(0, 150)))
                ended = status in rc.RISK_ENDED
                objs.append(
                    Risk(
                        program=project.program,
                        project=project,
                        title=f"{title} ({project.code})",
                        cause=f"Because {cause[0].lower()}{cause[1:]},",
                        event=f"{event},",
                        effect=f"so {effect}.",
                        category=category,
                        inherent_probability=probability,
                        inherent_impact=impact,
                        residual_probability=min(
                            2 if calm else 5,
                            max(
                                1,
                                probability
                                - rng.randint(1 if probability * impact >= 15 else 0, 2),
                            ),
                        ),
                        residual_impact=min(4 if calm else 5, max(1, impact - rng.randint(0, 2))),
                        cost_impact=Decimal(rng.randrange(5_000, 500_000, 2_500)),
                        schedule_impact_days=rng.choice([0, 5, 10, 20, 40]),
                        owner=project.lead if rng.random() < 0.92 else None,
                        response=rng.choice(list(rc.RiskResponse)) if rng.random() < 0.9 else "",
                        mitigation_plan="Agree a fallback with the owning team; track it weekly.",
                        contingency_plan="Switch to the fallback and re-plan the release.",
                        trigger="The weekly check shows the threshold breached.",
                        proximity_date=as_of + days(rng.randint(-10, 120)),
                        identified_on=identified,
                        last_reviewed_on=None if ended else identified,
                        next_review_date=None
                        if ended
                        else max(identified + days(7), as_of + days(rng.randint(-30, 28))),
                        closed_on=max(identified, as_of - days(rng.randint(0, 90)))
                        if status == rc.RiskStatus.CLOSED
                        else None,
                        status=status,
                    )
                )
        for risk in objs:  # the history starts when the risk was identified (exposure trend)
            risk._history_date = dt.datetime.combine(risk.identified_on, dt.time(9), tzinfo=dt.UTC)
        return self._insert(Risk, objs)

    def _link_risks_to_milestones(self, milestones: dict[int, list[Milestone]]) -> None:
        """Two risks in five threaten a milestone of their project."""
        rng = self.rng
        through = Risk.milestones.through
        links = [
            through(risk_id=risk_id, milestone_id=rng.choice(milestones[project_id]).pk)
            for risk_id, project_id in Risk.objects.order_by("pk").values_list("pk", "project_id")
            if rng.random() < 0.4
        ]
        through.objects.bulk_create(links, batch_size=INSERT_CHUNK)
        self._count("risk–milestone links", len(links))

    def _raid(self, programs: list[Program], risks: list[Risk]) -> None:
        """Issues (some from occurred risks), decisions and assumptions."""
        rng, as_of = self.rng, self.as_of
        issues = [
            rf.IssueFactory.build(
                program=risk.program,
                project=risk.project,
                title=f"Occurred: {risk.title}",
                description=f"{risk.event} {risk.effect}",
                severity=rng.choice(list(rc.Severity)),
                status=rng.choice(list(rc.IssueStatus)[:2]),
                owner=risk.owner,
                raised_on=max(risk.identified_on, as_of - days(rng.randint(0, 30))),
                source_risk=risk,
            )
            for risk in risks
            if risk.status == rc.RiskStatus.OCCURRED
        ]
        decisions = []
        assumptions = []
        for program in programs:
            decided = program.start_date + days(20)
            decisions.append(
                rf.DecisionFactory.build(
                    program=program,
                    title="Buy a managed message queue rather than run our own",
                    context="Three teams need durable messaging before beta.",
                    decided_by=program.director,
                    decided_on=decided,
                )
            )
            decisions.append(
                rf.DecisionFactory.build(
                    program=program,
                    title="Phase the rollout by region",
                    context="A big-bang launch concentrates risk in one weekend.",
                    outcome="",
                    decided_by=None,
                    decided_on=None,
                    status=rc.DecisionStatus.PROPOSED,
                )
            )
            for statement, offset in (
                ("The platform team has capacity for our migration next quarter", -10),
                ("Legal sign-off takes no more than four weeks", 30),
            ):
                validate_by = as_of + days(offset)
                checked = offset < 0 and rng.random() < 0.7
                assumptions.append(
                    rf.AssumptionFactory.build(
                        program=program,
                        statement=statement,
                        owner=program.tpm,
                        validate_by=validate_by,
                        status=rng.choice(
                            [rc.AssumptionStatus.VALIDATED, rc.AssumptionStatus.INVALIDATED]
                        )
                        if checked
                        else rc.AssumptionStatus.UNVALIDATED,
                        validated_on=validate_by if checked else None,
                    )
                )
        self._insert(rf.Issue, issues)
        self._insert(rf.Decision, decisions)
        self._insert(rf.Assumption, assumptions)


def _insert_rows(model: type[models.Model], objs: Sequence[Any]) -> list[Any]:
    """Insert a large, history-less batch with ``executemany`` and ids given here: the values
    prepared as ``bulk_create`` prepares them (``pre_save``, ``get_db_prep_save``), without its
    statement building per row — a third of a big stage's time. Only the stage that owns the
    table writes to it (the phases keep the two processes on different tables), so the next
    ids are known; PostgreSQL's sequence is moved past them afterwards."""
    fields = model._meta.concrete_fields
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 — names from the model
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    first_id = (model.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1
    for next_id, obj in enumerate(objs, start=first_id):
        obj.pk = next_id
    _execute_in_chunks(
        sql,
        (
            tuple(field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields)
            for obj in objs
        ),
    )
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(statement)
    return list(objs)


def _variance_reasons(health: Health) -> list[str]:
    """What a TPM might say for reporting another RAG than ``health``: about the dimension of
    its first Red reason (else its first reason), or a concern the data does not show."""
    reasons = sorted(health.reasons, key=lambda reason: reason.rag is not Rag.RED)
    dimension = reasons[0].dimension if reasons else ""
    return catalog.VARIANCE_REASONS.get(dimension, catalog.VARIANCE_REASONS[""])


def _update_rows(model: type[models.Model], objs: Sequence[Any], names: Sequence[str]) -> None:
    """Write ``names`` of each of ``objs`` back by id with ``executemany``, a short transaction a
    chunk. ``bulk_update`` would send one CASE WHEN per row and field, whose statement (and
    time) grows with the batch; it also holds the write lock until its last batch, which starves
    the stage running beside it on SQLite."""
    fields = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608 — names from the model
        quote(model._meta.db_table),
        ", ".join(f"{quote(field.column)} = %s" for field in fields),
        quote(model._meta.pk.column),
    )
    _execute_in_chunks(
        sql,
        (
            (
                *(
                    field.get_db_prep_save(getattr(obj, field.attname), connection)
                    for field in fields
                ),
                obj.pk,
            )
            for obj in objs
        ),
    )


def _execute_in_chunks(sql: str, rows: Iterable[tuple[Any, ...]]) -> None:
    """``executemany`` of ``sql`` over ``rows``, ``INSERT_CHUNK`` rows at a time, each chunk its
    own short transaction (so that the stage beside it can write in between)."""
    for chunk in itertools.batched(rows, INSERT_CHUNK):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, chunk)


def _build_stage_in_child(
    stage: str, scale: Scale, seed: int, as_of: dt.date, history: bool
) -> tuple[dict[str, int], dict[str, float]]:
    """Entry point of the second process (set up by ``django.setup``): read the core back from
    the database and build one stage."""
    builder = DemoBuilder(scale, seed=seed, as_of=as_of, history=history)
    builder.build_stage(stage, Core.load(milestones=CHILD_STAGES[stage]))
    return builder.counts, builder.seconds


def ensure_demo_users(*, director: Person | None, tpm: Person | None) -> None:
    """Create (or reset) the users admin, director, tpm and viewer with the demo password; the
    director and tpm users act as the given people."""
    from django.conf import settings

    user_model = get_user_model()
    people = {"director": director, "tpm": tpm}
    for username, role in DEMO_USERS.items():
        user, _ = user_model.objects.get_or_create(username=username)
        person = people.get(username)
        if person is not None:
            first, _, last = person.name.partition(" ")
            user.first_name, user.last_name = first, last
            user.email = person.email
        user.is_staff = role is Role.ADMIN
        user.set_password(settings.DEMO_PASSWORD)
        user.save()
        user.groups.set([Group.objects.get(name=role.value)])
        if person is not None:
            Person.objects.filter(user=user).exclude(pk=person.pk).update(user=None)
            person.user = user
            person.save(update_fields=["user"])


def _summary(rag: str, slip: int) -> str:
    if rag == pc.Rag.RED:
        return f"Off track: critical work is {slip} days behind baseline; recovery plan in review."
    if rag == pc.Rag.AMBER:
        return (
            f"At risk: {slip} days of slip on the current path; mitigation agreed with the teams."
        )
    return "On track: milestones holding to plan."


def _unique(title: str, taken: set[str]) -> str:
    """``title``, numbered when the project already has a risk so titled (titles are unique)."""
    candidate, number = title, 1
    while candidate in taken:
        number += 1
        candidate = f"{title} #{number}"
    taken.add(candidate)
    return candidate
