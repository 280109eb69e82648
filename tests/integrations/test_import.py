"""Importing: each kind created, updated and left unchanged; scope; all or nothing; history; the
Jira preset with its links; the pages; the command line."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from integrations.importer import Source, auto_mapping, run_import
from integrations.kinds import KINDS
from integrations.models import ImportBatch
from integrations.presets import JIRA
from integrations.tables import read_table
from programs import factories as pf
from programs.models import BudgetLine, Dependency, Milestone, Program, Project
from risks.models import Risk
from tpmo.roles import Role

pytestmark = pytest.mark.django_db


def plan_of(text, kind, user=None, apply=False, mapping=None, links=None):
    table = read_table(text.encode())
    chosen = mapping if mapping is not None else auto_mapping(KINDS[kind], table)
    return run_import(
        KINDS[kind], table, chosen, user=user, reason="test import", apply=apply, links=links
    )


MILESTONES = (
    "project,name,baseline_date,forecast_date,is_key,status,actual_date\n"
    "PAY-01,Beta,2026-03-01,2026-03-10,yes,planned,\n"
    "PAY-01,GA,2026-06-01,2026-06-01,yes,done,2026-05-30\n"
)


def test_a_new_milestone_is_created_and_an_existing_one_updated(portfolio):
    plan, changed = plan_of(MILESTONES, "milestones", apply=True)

    assert plan.summary == {"create": 1, "update": 1, "unchanged": 0, "refused": 0}
    assert changed == 2
    beta = Milestone.objects.get(project__code="PAY-01", name="Beta")
    assert (beta.baseline_date, beta.forecast_date) == (dt.date(2026, 3, 1), dt.date(2026, 3, 10))
    ga = Milestone.objects.get(project__code="PAY-01", name="GA")
    assert (ga.status, ga.actual_date, ga.is_key) == ("done", dt.date(2026, 5, 30), True)
    assert plan.rows[0].changes == [
        ("baseline_date", "2026-03-02", "2026-03-01"),
        ("forecast_date", "2026-03-02", "2026-03-10"),
    ]


def test_importing_the_same_file_again_changes_nothing(portfolio):
    plan_of(MILESTONES, "milestones", apply=True)
    versions = dict(Milestone.objects.values_list("pk", "version"))

    plan, changed = plan_of(MILESTONES, "milestones", apply=True)

    assert plan.summary == {"create": 0, "update": 0, "unchanged": 2, "refused": 0}
    assert changed == 0
    assert dict(Milestone.objects.values_list("pk", "version")) == versions


def test_one_refused_row_imports_nothing_and_says_where(portfolio):
    text = (
        MILESTONES
        + "PAY-01,Launch,2026-07-01,someday,no,planned,\nNOPE-9,X,2026-01-01,2026-01-01,no,,\n"
    )
    before = Milestone.objects.count()

    plan, changed = plan_of(text, "milestones", apply=True)

    assert changed == 0
    assert Milestone.objects.count() == before
    assert Milestone.objects.get(name="Beta").forecast_date == portfolio["milestone"].forecast_date
    refused = {row.line: row.errors for row in plan.rows if row.errors}
    assert refused == {
        4: [("forecast_date", "'someday' is not a date; use YYYY-MM-DD (e.g. 2026-11-24).")],
        5: [("project", "No project is known as 'NOPE-9'.")],
    }


def test_every_write_is_in_the_history_with_the_import_named(portfolio, make_user):
    admin = make_user(Role.ADMIN)

    plan_of(MILESTONES, "milestones", user=admin, apply=True)

    latest = Milestone.objects.get(name="Beta").history.first()
    assert (latest.history_user, latest.history_change_reason) == (admin, "test import")
    created = Milestone.objects.get(name="GA").history.get()
    assert (created.history_type, created.history_user) == ("+", admin)


def test_a_tpm_changes_only_their_programs_and_cannot_move_records_out_of_reach(
    portfolio, user_for
):
    tpm = user_for(Role.TPM)  # owns PAY, not CHK
    text = (
        "code,program,name,lead,baseline_start,baseline_end,forecast_start,forecast_end\n"
        "CHK-01,CHK,Renamed,{lead},2026-01-01,2026-06-30,2026-01-01,2026-06-30\n"
        "PAY-01,CHK,Moved,{lead},2026-01-01,2026-06-30,2026-01-01,2026-06-30\n"
        "PAY-09,CHK,New in CHK,{lead},2026-01-01,2026-06-30,2026-01-01,2026-06-30\n"
        "PAY-10,PAY,New in PAY,{lead},2026-01-01,2026-06-30,2026-01-01,2026-06-30\n"
    ).format(lead=portfolio["project"].lead.email)

    plan, changed = plan_of(text, "projects", user=tpm, apply=True)

    assert changed == 0
    assert [(row.line, row.action, row.errors) for row in plan.rows] == [
        (2, "refused", [("row", "You may not change program CHK.")]),
        (3, "refused", [("row", "You may not add or move records into program CHK.")]),
        (4, "refused", [("row", "You may not add or move records into program CHK.")]),
        (5, "create", []),
    ]
    assert not Project.objects.filter(code__in=["PAY-09", "PAY-10"]).exists()
    assert Project.objects.get(code="PAY-01").program.code == "PAY"


def test_reference_data_and_new_programs_are_for_admins(portfolio, user_for):
    tpm = user_for(Role.TPM)
    people = "email,name\nnew.person@example.com,New Person\n"
    programs = (
        "code,name,director,tpm,start_date,end_date\n"
        f"NEW,New program,{portfolio['program'].director.email},{portfolio['program'].tpm.email},"
        "2026-01-01,2026-12-31\n"
    )

    assert plan_of(people, "people", user=tpm)[0].rows[0].errors == [
        ("row", "Only TPMO admins add people.")
    ]
    assert plan_of(programs, "programs", user=tpm)[0].rows[0].errors == [
        ("row", "Only TPMO admins add programs.")
    ]
    plan, changed = plan_of(programs, "programs", user=user_for(Role.ADMIN), apply=True)
    assert (plan.summary["create"], changed) == (1, 1)
    assert Program.objects.get(code="NEW").tpm == portfolio["program"].tpm


def test_budget_lines_upsert_by_project_period_and_category(portfolio):
    line = portfolio["budget_line"]
    text = (
        "project,period,category,actual,forecast\n"
        f"PAY-01,{line.period.name},{line.category},1234.50,2000\n"
        f"PAY-01,{line.period.name},travel,10,0\n"
    )

    plan, _ = plan_of(text, "budget", apply=True)

    assert plan.summary == {"create": 1, "update": 1, "unchanged": 0, "refused": 0}
    line.refresh_from_db()
    assert (line.actual, line.forecast) == (Decimal("1234.50"), Decimal("2000.00"))
    travel = BudgetLine.objects.get(project__code="PAY-01", category="travel")
    assert (travel.planned, travel.actual) == (Decimal("0.00"), Decimal("10.00"))


def test_a_column_left_out_keeps_its_value_and_a_default_fills_empty_cells(portfolio):
    milestone = portfolio["milestone"]
    text = f"project,name,forecast_date\nPAY-01,{milestone.name},\nPAY-01,Other,2026-09-01\n"
    table = read_table(text.encode())
    mapping = auto_mapping(KINDS["milestones"], table)
    mapping["forecast_date"] = Source(("forecast_date",), default="2026-08-15")
    mapping["baseline_date"] = Source((), default="2026-08-01")

    run_import(KINDS["milestones"], table, mapping, user=None, reason="x", apply=True)

    milestone.refresh_from_db()
    assert milestone.forecast_date == dt.date(2026, 8, 15)
    assert milestone.baseline_date == dt.date(2026, 8, 1)
    assert milestone.is_key is True  # not in the file: kept
    other = Milestone.objects.get(name="Other")
    assert (other.baseline_date, other.forecast_date) == (dt.date(2026, 8, 1), dt.date(2026, 9, 1))


def test_the_same_record_twice_in_a_file_is_refused(portfolio):
    text = (
        "project,name,baseline_date,forecast_date\n"
        "PAY-01,X,2026-01-01,2026-01-02\npay-01,X,2026-01-01,2026-01-03\n"
    )

    plan, _ = plan_of(text, "milestones")

    assert plan.rows[1].errors == [("row", "Line 2 already names this record.")]


def test_model_rules_are_reported_on_their_column(portfolio):
    text = "project,name,baseline_date,forecast_date,status\nPAY-01,Y,2026-01-01,2026-01-02,done\n"

    plan, _ = plan_of(text, "milestones")

    assert plan.rows[0].errors == [
        ("actual_date", "Give the date the milestone was reached to mark it done.")
    ]


def test_dependencies_that_would_close_a_cycle_are_refused(portfolio):
    # The fixture has PAY-01 / Beta → CHK-01; CHK-01 → PAY-01 / Beta would close a cycle.
    text = (
        "predecessor,predecessor_milestone,successor,successor_milestone,type\n"
        "CHK-01,,PAY-01,Beta,FS\n"
    )

    plan, changed = plan_of(text, "dependencies", apply=True)

    assert changed == 0
    assert plan.rows[0].errors == [
        ("row", "This dependency would close a cycle with stored dependencies.")
    ]


def test_a_cycle_within_the_file_is_refused_on_each_of_its_rows(portfolio):
    pf.ProjectFactory(program=portfolio["program"], code="PAY-02")
    text = "predecessor,successor,type,lag_days\nPAY-01,PAY-02,FS,0\nPAY-02,PAY-01,SS,-3\n"

    plan, _ = plan_of(text, "dependencies")

    assert [row.errors for row in plan.rows] == [
        [("row", "This dependency would close a cycle with line 3.")],
        [("row", "This dependency would close a cycle with line 2.")],
    ]


def test_risks_upsert_by_program_and_title(portfolio):
    risk = portfolio["risk"]
    text = (
        "program,title,cause,event,effect,category,inherent_probability,inherent_impact,"
        "residual_probability,residual_impact,identified_on,cost_impact\n"
        f"PAY,{risk.title},c,e,f,{risk.category},5,5,4,4,2026-01-01,50000\n"
        "PAY,Brand new,c,e,f,technical,2,3,1,2,2026-02-01,\n"
    )

    plan, _ = plan_of(text, "risks", apply=True)

    assert plan.summary == {"create": 1, "update": 1, "unchanged": 0, "refused": 0}
    risk.refresh_from_db()
    assert (risk.residual_probability, risk.cost_impact) == (4, Decimal("50000.00"))
    assert Risk.objects.get(title="Brand new").cost_impact == Decimal("0.00")


JIRA_CSV = (
    "Summary,Issue key,Issue Type,Status,Assignee,Due date,Resolved,Parent,"
    "Outward issue link (Blocks),Outward issue link (Blocks),Inward issue link (Blocks)\n"
    "Design signed off,PAY-101,Task,Done,{owner},10/Nov/26 9:00 AM,12/Nov/26 4:30 PM,PAY-01,"
    "PAY-102,PAY-103,\n"
    "API frozen,PAY-102,Task,In Progress,,01/Dec/26,,PAY-01,,,\n"
    "Load test,PAY-103,Task,To Do,,15/Jan/27,,PAY-01,,,ZZZ-9\n"
)


def test_jira_issues_become_milestones_and_blocks_links_dependencies(portfolio, user_for):
    tpm = user_for(Role.TPM)
    text = JIRA_CSV.format(owner=portfolio["project"].lead.name)
    table = read_table(text.encode())

    plan, changed = run_import(
        JIRA.kind, table, JIRA.mapping(table), user=tpm, reason="jira", apply=True, links=JIRA.links
    )

    assert plan.summary == {"create": 5, "update": 0, "unchanged": 0, "refused": 0}
    assert changed == 5
    design = Milestone.objects.get(key="PAY-101")
    assert (design.name, design.status, design.actual_date, design.owner) == (
        "Design signed off",
        "done",
        dt.date(2026, 11, 12),
        portfolio["project"].lead,
    )
    assert design.baseline_date == design.forecast_date == dt.date(2026, 11, 10)
    links = set(
        Dependency.objects.filter(predecessor_milestone__key__isnull=False).values_list(
            "predecessor_milestone__key", "successor_milestone__key", "type"
        )
    )
    assert links == {("PAY-101", "PAY-102", "FS"), ("PAY-101", "PAY-103", "FS")}
    assert plan.rows[2].notes == [
        "The link ZZZ-9 blocks PAY-103 is skipped: ZZZ-9 is neither in this file nor in TPMO."
    ]


def test_a_moved_jira_due_date_moves_the_forecast_and_keeps_the_baseline(portfolio):
    text = JIRA_CSV.format(owner="")
    table = read_table(text.encode())
    run_import(
        JIRA.kind, table, JIRA.mapping(table), user=None, reason="j", apply=True, links=JIRA.links
    )
    moved = read_table(text.replace("01/Dec/26", "20/Dec/26").encode())

    plan, _ = run_import(
        JIRA.kind, moved, JIRA.mapping(moved), user=None, reason="j", apply=True, links=JIRA.links
    )

    assert plan.summary == {"create": 0, "update": 1, "unchanged": 4, "refused": 0}
    api = Milestone.objects.get(key="PAY-102")
    assert (api.baseline_date, api.forecast_date) == (dt.date(2026, 12, 1), dt.date(2026, 12, 20))
    assert plan.rows[1].changes == [("forecast_date", "2026-12-01", "2026-12-20")]


# -- the pages -----------------------------------------------------------------------------------


def upload(text, name="file.csv"):
    return SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text)


def test_upload_map_dry_run_then_apply_through_the_pages(client, portfolio, user_for):
    client.force_login(user_for(Role.TPM))

    response = client.post(
        reverse("import-start"),
        {"file": upload(MILESTONES), "kind": "milestones", "encoding": "auto", "delimiter": "auto"},
    )
    batch = ImportBatch.objects.get()
    assert response.url == reverse("import-batch", args=[batch.pk])

    page = client.get(response.url)
    assert page.status_code == 200
    assert page.context["plan"].summary == {"create": 1, "update": 1, "unchanged": 0, "refused": 0}
    assert Milestone.objects.filter(name="GA").count() == 0  # a dry run writes nothing

    form = {
        f"{c.name}__column": c.name
        for c in KINDS["milestones"].columns
        if c.name in MILESTONES.split("\n")[0].split(",")
    }
    applied = client.post(
        reverse("import-batch", args=[batch.pk]), {**form, "action": "apply"}, follow=True
    )
    assert "Imported file.csv: 1 created, 1 updated, 0 unchanged." in applied.content.decode()
    assert Milestone.objects.filter(name="GA").count() == 1
    batch.refresh_from_db()
    assert batch.summary == {"create": 1, "update": 1, "unchanged": 0, "refused": 0, "changed": 2}


def test_the_mapping_form_renames_columns_and_reports_a_missing_key(client, portfolio, user_for):
    client.force_login(user_for(Role.ADMIN))
    text = "Proj,Title,Planned,Expected\nPAY-01,Beta,2026-03-01,2026-04-01\n"
    client.post(
        reverse("import-start"),
        {"file": upload(text), "kind": "milestones", "encoding": "auto", "delimiter": "auto"},
    )
    batch = ImportBatch.objects.get()

    first = client.get(reverse("import-batch", args=[batch.pk]))
    assert first.context["mapping_problems"] == {
        "project": "Records are found by this column: map it to a file column.",
        "name": "Records are found by this column: map it to a file column.",
    }
    chosen = {
        "project__column": "Proj",
        "name__column": "Title",
        "baseline_date__column": "Planned",
        "forecast_date__column": "Expected",
    }
    checked = client.post(reverse("import-batch", args=[batch.pk]), {**chosen, "action": "check"})
    assert checked.context["plan"].summary == {
        "create": 0,
        "update": 1,
        "unchanged": 0,
        "refused": 0,
    }
    assert checked.context["plan"].rows[0].changes[-1] == (
        "forecast_date",
        portfolio["milestone"].forecast_date.isoformat(),
        "2026-04-01",
    )


def test_a_file_that_cannot_be_read_is_refused_next_to_the_field(client, portfolio, user_for):
    client.force_login(user_for(Role.TPM))

    response = client.post(
        reverse("import-start"),
        {"file": upload(b""), "kind": "milestones", "encoding": "auto", "delimiter": "auto"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"file": ["The submitted file is empty."]}
    assert not ImportBatch.objects.exists()


def test_another_users_import_is_not_found(client, portfolio, user_for, make_user):
    owner = user_for(Role.ADMIN)
    batch = ImportBatch.objects.create(
        user=owner, kind="milestones", filename="a.csv", content=MILESTONES.encode()
    )
    client.force_login(make_user(Role.TPM, username="someone"))

    assert client.get(reverse("import-batch", args=[batch.pk])).status_code == 404


def test_people_import_is_refused_to_a_tpm_at_upload(client, portfolio, user_for):
    client.force_login(user_for(Role.TPM))

    response = client.post(
        reverse("import-start"),
        {
            "file": upload("email,name\na@b.c,A\n"),
            "kind": "people",
            "encoding": "auto",
            "delimiter": "auto",
        },
    )

    assert response.context["form"].errors == {"kind": ["Only TPMO admins import people."]}


# -- the command line ----------------------------------------------------------------------------


def test_import_data_dry_run_then_apply(portfolio, tmp_path, capsys):
    path = tmp_path / "m.csv"
    path.write_text(MILESTONES, encoding="utf-8")

    call_command("import_data", str(path), "--kind", "milestones", "--dry-run")
    assert not Milestone.objects.filter(name="GA").exists()
    assert (
        "Would change 2 record(s) (1 create, 1 update, 0 unchanged, 0 refused)."
        in capsys.readouterr().out
    )

    call_command("import_data", str(path), "--kind", "milestones")
    assert Milestone.objects.filter(name="GA").exists()


def test_import_data_fails_with_the_refused_rows_and_changes_nothing(portfolio, tmp_path, capsys):
    path = tmp_path / "m.csv"
    path.write_text(MILESTONES + "PAY-01,Bad,2026-01-01,never,no,planned,\n", encoding="utf-8")

    with pytest.raises(
        CommandError, match=r"Nothing imported \(1 create, 1 update, 0 unchanged, 1 refused\)"
    ):
        call_command("import_data", str(path), "--kind", "milestones")

    assert "row 4: forecast_date: 'never' is not a date" in capsys.readouterr().out
    assert not Milestone.objects.filter(name="GA").exists()


def test_import_data_maps_columns_from_the_command_line(portfolio, tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("P,N,B,F\nPAY-01,Pilot,2026-02-01,2026-02-03\n", encoding="utf-8")

    call_command(
        "import_data", str(path), "--kind", "milestones",
        "--map", "project=P", "--map", "name=N",
        "--map", "baseline_date=B", "--map", "forecast_date=F",
        "--default", "is_key=yes",
    )  # fmt: skip

    pilot = Milestone.objects.get(name="Pilot")
    assert (pilot.forecast_date, pilot.is_key) == (dt.date(2026, 2, 3), True)


def test_the_upload_form_starts_with_the_kind_asked_for(client, portfolio, user_for):
    client.force_login(user_for(Role.ADMIN))

    page = client.get(reverse("import-start") + "?kind=budget")
    unknown = client.get(reverse("import-start") + "?kind=<script>")

    assert page.context["form"]["kind"].value() == "budget"
    assert unknown.context["form"]["kind"].value() == "milestones"


def test_a_row_to_create_shows_the_values_it_will_hold(portfolio):
    plan, _ = plan_of(MILESTONES, "milestones")

    assert plan.rows[1].changes == [
        ("project", "", "PAY-01"),
        ("name", "", "GA"),
        ("is_key", "", "yes"),
        ("baseline_date", "", "2026-06-01"),
        ("forecast_date", "", "2026-06-01"),
        ("actual_date", "", "2026-05-30"),
        ("status", "", "done"),
    ]


def test_a_person_named_by_a_name_two_people_share_is_refused_with_the_reason(portfolio):
    pf.PersonFactory(name="Alex Kim", email="alex.kim@example.com")
    pf.PersonFactory(name="Alex Kim", email="alex.kim2@example.com")
    text = (
        "project,name,baseline_date,forecast_date,owner\nPAY-01,X,2026-01-01,2026-01-02,Alex Kim\n"
    )

    plan, _ = plan_of(text, "milestones")

    assert plan.rows[0].errors == [
        ("owner", "Several people are named 'Alex Kim'; give the e-mail instead.")
    ]


# The import pages' queries: session, user, role, then the page's own (the batch page plans a
# two-row milestone file: its references, the stored records it names, and the data it checks).
IMPORT_PAGES = {"import-start": 5, "import-batch": 12}


@pytest.mark.parametrize("name", sorted(IMPORT_PAGES))
def test_import_pages_issue_the_same_queries_at_10x(
    client, portfolio, user_for, django_assert_num_queries, name
):
    from tests.conftest import grow_portfolio

    user = user_for(Role.TPM)
    client.force_login(user)
    batch = ImportBatch.objects.create(
        user=user, kind="milestones", filename="m.csv", content=MILESTONES.encode()
    )
    url = reverse(name, args=[batch.pk]) if name == "import-batch" else reverse(name)

    with django_assert_num_queries(IMPORT_PAGES[name]):
        assert client.get(url).status_code == 200
    grow_portfolio(9)
    with django_assert_num_queries(IMPORT_PAGES[name]):
        assert client.get(url).status_code == 200
