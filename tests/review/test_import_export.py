"""
Import and export of organisations, assignments and responsibilities in the admin, through
its own pages: upload, preview, confirm. A file with a bad row shows that row's error and
offers no confirmation; nothing is imported until every row is right.
"""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from assignments.models import (
    Assignment,
    Organisation,
    OrganisationKind,
    Responsibility,
    ResponsibilityRole,
)
from assignments.spreadsheets import FORMULA_STARTS
from goals.models import Framework, GlobalGoal
from tests import factories
from tests.helpers import ROOT

pytestmark = pytest.mark.django_db

EXAMPLES = ROOT / "docs" / "examples"
CSV_FORMAT, XLSX_FORMAT = "0", "1"


def url(model: str, view: str) -> str:
    with translation.override("en"):
        return reverse(f"admin:assignments_{model}_{view}")


def example(name: str) -> str:
    return (EXAMPLES / name).read_text("utf-8")


def upload(client, model: str, content: str | bytes, *, name="data.csv", fmt=CSV_FORMAT):
    """The first step: the file is read and tried in a transaction that is rolled back."""
    if isinstance(content, str):
        content = content.encode("utf-8")
    return client.post(
        url(model, "import"),
        {"resource": "0", "format": fmt, "import_file": SimpleUploadedFile(name, content)},
    )


def confirm(client, model: str, preview):
    """The second step: what the preview's confirmation form posts."""
    form = preview.context["confirm_form"]
    return client.post(url(model, "process_import"), form.initial)


def import_file(client, model: str, content: str | bytes, **kwargs):
    preview = upload(client, model, content, **kwargs)
    assert preview.status_code == 200
    assert preview.context.get("confirm_form"), preview.context["result"].invalid_rows
    response = confirm(client, model, preview)
    assert response.status_code == 302
    return response


def invalid_rows(response) -> dict[int, dict[str, list[str]]]:
    """Row number → column → messages, as the preview shows them."""
    return {
        row.number: {field: [str(e) for e in errors] for field, errors in row.error_dict.items()}
        for row in response.context["result"].invalid_rows
    }


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


# Organisations


def test_organisation_file_with_a_bad_row_imports_nothing_until_it_is_fixed(
    reviewer_client, reviewer, malmo_2018
):
    before = Organisation.objects.count()
    bad = example("organisations.csv").replace(",bolag,Malmö Stadshus AB", ",avdelning,Ingen AB")

    response = upload(reviewer_client, "organisation", bad)

    assert response.status_code == 200
    assert not response.context.get("confirm_form")
    errors = invalid_rows(response)
    assert list(errors) == [2]
    assert errors[2]["kind"] == [
        "Unknown organisation kind “avdelning”: use one of “kommunstyrelse”, “nämnd”, "
        "“bolag”, “kommunalförbund”."
    ]
    assert errors[2]["parent"] == ["No organisation is called “Ingen AB”."]
    page = response.content.decode()
    assert "Some rows failed to validate" in page
    assert "Unknown organisation kind “avdelning”" in page
    assert "Confirm import" not in page
    assert Organisation.objects.count() == before

    preview = upload(reviewer_client, "organisation", example("organisations.csv"))
    assert preview.context["confirm_form"]
    assert "Confirm import" in preview.content.decode()
    assert Organisation.objects.count() == before  # the preview writes nothing

    response = confirm(reviewer_client, "organisation", preview)

    assert response.status_code == 302
    assert Organisation.objects.count() == before + 3
    committee = Organisation.objects.get(name="Exempelnämnden")
    assert committee.kind == OrganisationKind.NAMND
    assert committee.slug == "exempelnamnden"  # made from the name
    assert committee.valid_from == datetime.date(2018, 1, 1)
    assert committee.email == "exempelnamnden@malmo.example"
    company = Organisation.objects.get(name="Exempelbolaget AB")
    assert (company.slug, company.kind) == ("exempelbolaget-ab", OrganisationKind.BOLAG)
    assert company.parent.name == "Malmö Stadshus AB"
    association = Organisation.objects.get(name="Exempelförbundet")
    assert association.kind == OrganisationKind.KOMMUNALFORBUND
    assert association.valid_to == datetime.date(2018, 12, 31)
    logged = LogEntry.objects.filter(user=reviewer, action_flag=ADDITION)
    assert sorted(entry.object_repr for entry in logged) == [
        "Exempelbolaget AB",
        "Exempelförbundet",
        "Exempelnämnden",
    ]


def test_organisation_kinds_are_read_from_values_and_labels_in_both_languages(
    reviewer_client,
):
    rows = [
        ("Nämnd A", "Nämnd"),
        ("Nämnd B", "namnd"),
        ("Nämnd C", "Committee"),
        ("Förbundet D", "KOMMUNALFÖRBUND"),
        ("Styrelsen E", "City executive board"),
    ]
    content = "name,kind\n" + "".join(f"{name},{kind}\n" for name, kind in rows)

    import_file(reviewer_client, "organisation", content)

    kinds = dict(Organisation.objects.values_list("name", "kind"))
    assert kinds == {
        "Nämnd A": OrganisationKind.NAMND,
        "Nämnd B": OrganisationKind.NAMND,
        "Nämnd C": OrganisationKind.NAMND,
        "Förbundet D": OrganisationKind.KOMMUNALFORBUND,
        "Styrelsen E": OrganisationKind.KOMMUNSTYRELSE,
    }


def test_organisation_import_updates_by_name_and_keeps_a_slug_left_empty(reviewer_client):
    organisation = factories.make_organisation(name="Miljönämnden", slug="miljo")
    factories.make_organisation(name="Annan", slug="kulturnamnden")
    content = (
        "name,slug,kind,email\nMiljönämnden,,nämnd,miljo@malmo.example\nKulturnämnden,,nämnd,\n"
    )

    import_file(reviewer_client, "organisation", content)

    organisation.refresh_from_db()
    assert (organisation.slug, organisation.email) == ("miljo", "miljo@malmo.example")
    assert Organisation.objects.get(name="Kulturnämnden").slug == "kulturnamnden-2"


def test_organisation_rows_are_checked_like_the_admin_form_checks_them(reviewer_client):
    content = (
        "name,kind,valid_from,valid_to,email\n"
        "Nämnd A,nämnd,2019-01-01,2018-01-01,\n"
        "Nämnd B,nämnd,1 januari 2018,,inte-en-adress\n"
    )

    response = upload(reviewer_client, "organisation", content)

    assert not response.context.get("confirm_form")
    errors = invalid_rows(response)
    assert "__all__" in errors[1]  # valid to before valid from: the database constraint
    assert errors[2]["valid_from"] == [
        "“1 januari 2018” is not a date: write it as YYYY-MM-DD, e.g. 2018-01-01."
    ]
    assert errors[2]["email"] == ["Enter a valid email address."]
    assert not Organisation.objects.exists()


def test_a_semicolon_separated_file_from_a_swedish_excel_imports(reviewer_client):
    content = 'name;kind;description\nMiljönämnden;nämnd;"Miljö, hälsa; och klimat"\n'

    import_file(reviewer_client, "organisation", "\ufeff" + content)

    assert Organisation.objects.get(name="Miljönämnden").description == "Miljö, hälsa; och klimat"


def test_an_xlsx_file_with_number_and_date_cells_imports(reviewer_client, malmo_2018):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["name", "kind", "parent", "valid_from"])
    sheet.append(["Exempelbolaget AB", "bolag", "Malmö Stadshus AB", datetime.date(2018, 3, 1)])
    sheet.append([None, None, None, None])  # blank rows at the end of a sheet are ignored
    buffer = io.BytesIO()
    workbook.save(buffer)

    import_file(
        reviewer_client, "organisation", buffer.getvalue(), name="org.xlsx", fmt=XLSX_FORMAT
    )

    company = Organisation.objects.get(name="Exempelbolaget AB")
    assert company.valid_from == datetime.date(2018, 3, 1)
    assert company.parent.name == "Malmö Stadshus AB"


# Assignments and responsibilities


def test_assignment_in_a_budget_year_that_does_not_exist_is_a_row_error(
    reviewer_client, malmo_2018
):
    before = Assignment.objects.count()
    bad = example("assignments.csv").replace("2018,EX-2", "2031,EX-2")

    response = upload(reviewer_client, "assignment", bad)

    assert not response.context.get("confirm_form")
    assert invalid_rows(response) == {
        2: {"budget": ["There is no budget for the year “2031”."]},
    }
    assert Assignment.objects.count() == before

    import_file(reviewer_client, "assignment", example("assignments.csv"))

    assert Assignment.objects.count() == before + 2
    assignment = Assignment.objects.get(budget=malmo_2018, code="EX-1")
    assert assignment.title == "Exempel: minska matsvinnet i stadens kök"
    assert assignment.council_goal.code == "8.2"
    assert assignment.council_goal.area.budget == malmo_2018
    assert sorted(assignment.global_goals.values_list("number", flat=True)) == [12, 13]
    assert sorted(assignment.global_targets.values_list("code", flat=True)) == ["12.3", "13.3"]
    other = Assignment.objects.get(budget=malmo_2018, code="EX-2")
    assert other.council_goal is None
    assert not other.global_goals.exists()


def test_a_file_that_went_bad_after_its_preview_imports_nothing(reviewer_client):
    budget = factories.make_budget(year=2030)
    content = "budget,code,title,text\n2030,N1,Ny,Text\n2030,N2,Ny,Text\n"
    preview = upload(reviewer_client, "assignment", content)
    assert preview.context["confirm_form"]
    budget.delete()  # e.g. by a colleague, before this reviewer confirms

    response = confirm(reviewer_client, "assignment", preview)

    assert response.status_code == 302
    assert response.url == url("assignment", "import")
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        "Nothing was imported: some rows are no longer valid. Upload the file again to see which."
    ]
    assert not Assignment.objects.filter(code__in=["N1", "N2"]).exists()
    assert not LogEntry.objects.exists()


def test_unknown_goals_targets_and_council_goals_are_errors_of_their_row(
    reviewer_client, malmo_2018
):
    content = (
        "budget,code,title,text,council_goal,global_goals,global_targets\n"
        "2018,EX-1,Titel,Text,9.9,11;18,11.6;11.99\n"
        "2018,EX-2,Titel,Text,1.1,11,11.6\n"
    )

    response = upload(reviewer_client, "assignment", content)

    assert not response.context.get("confirm_form")
    assert invalid_rows(response) == {
        1: {
            "council_goal": ["The budget “2018” has no council goal “9.9”."],
            "global_goals": ["No Agenda 2030 goal has the number “18”: use 1–17."],
            "global_targets": ["No Agenda 2030 target has the code “11.99”."],
        }
    }
    assert not Assignment.objects.filter(code__startswith="EX-").exists()


def test_an_assignment_update_keeps_its_links_to_the_millennium_goals(reviewer_client, budget):
    assignment = factories.make_assignment(budget=budget, code="A1")
    mdg = GlobalGoal.objects.get(framework=Framework.MDG, number=7)
    assignment.global_goals.add(mdg, GlobalGoal.objects.sdg().get(number=1))
    content = "budget,code,title,text,global_goals\n2018,A1,Ny titel,Ny text,11;13\n"

    import_file(reviewer_client, "assignment", content)

    assignment.refresh_from_db()
    assert assignment.title == "Ny titel"
    assert set(assignment.global_goals.all()) == {
        mdg,
        *GlobalGoal.objects.sdg().filter(number__in=[11, 13]),
    }


def test_the_example_files_import_in_order_and_link_organisations_to_assignments(
    reviewer_client, malmo_2018
):
    for model, name in [
        ("organisation", "organisations.csv"),
        ("assignment", "assignments.csv"),
        ("responsibility", "responsibilities.csv"),
    ]:
        import_file(reviewer_client, model, example(name))

    def roles(code):
        return dict(
            Responsibility.objects.filter(
                assignment__budget=malmo_2018, assignment__code=code
            ).values_list("organisation__name", "role")
        )

    assert roles("EX-1") == {
        "Exempelnämnden": ResponsibilityRole.LEAD,
        "Miljönämnden": ResponsibilityRole.PARTICIPANT,
    }
    assert roles("EX-2") == {"Exempelbolaget AB": ResponsibilityRole.LEAD}
    assert roles("2018:1")["Exempelnämnden"] == ResponsibilityRole.LEAD


def test_responsibility_rows_name_their_assignment_by_budget_year_and_code(
    reviewer_client, malmo_2018
):
    content = (
        "budget,assignment,organisation,role\n"
        "2018,2018:9,Miljönämnden,lead\n"
        "2018,2018:2,Ingen nämnd,deltagare\n"
        "2018,2018:2,Miljönämnden,Medverkande\n"
    )

    response = upload(reviewer_client, "responsibility", content)

    assert invalid_rows(response) == {
        1: {"assignment": ["The budget “2018” has no assignment “2018:9”."]},
        2: {
            "organisation": ["No organisation is called “Ingen nämnd”."],
            "role": ["Unknown role “deltagare”: use one of “lead”, “participant”."],
        },
    }
    fixed = content.replace("2018:9", "2018:3").replace("Ingen nämnd,deltagare", "Fritidsnämnden,")
    import_file(reviewer_client, "responsibility", fixed)

    assert Responsibility.objects.get(
        assignment__code="2018:2", organisation__name="Miljönämnden"
    ).role == (ResponsibilityRole.PARTICIPANT)
    assert Responsibility.objects.get(
        assignment__code="2018:2", organisation__name="Fritidsnämnden"
    ).role == (ResponsibilityRole.LEAD)


# Export


def export(client, model: str, fmt: str):
    page = client.get(url(model, "export"))
    assert page.status_code == 200
    data = {"format": fmt, "resource": "0"}
    for name, form_field in page.context["form"].fields.items():
        if getattr(form_field, "is_selectable_field", False):
            data[name] = "on"
    return client.post(url(model, "export"), data)


def test_assignments_export_as_csv_with_a_byte_order_mark_and_import_back_unchanged(
    reviewer_client, malmo_2018
):
    response = export(reviewer_client, "assignment", CSV_FORMAT)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0]) == [
        "budget",
        "code",
        "title",
        "text",
        "council_goal",
        "global_goals",
        "global_targets",
    ]
    assert {row["code"] for row in rows} == {"2018:1", "2018:2", "2018:3", "2018:4"}
    coastal = next(row for row in rows if row["code"] == "2018:4")
    assert coastal["budget"] == "2018"
    assert coastal["title"] == "Stärka Malmös roll som framtidens kuststad"
    assert coastal["council_goal"] == "1.1"
    assert coastal["global_goals"] == "11;13;14"
    assert coastal["global_targets"] == "11.7;13.1;14.1;14.2;14.a"

    preview = upload(reviewer_client, "assignment", response.content)
    assert [row.import_type for row in preview.context["result"].rows] == ["skip"] * 4


def test_organisations_and_responsibilities_export_as_xlsx(reviewer_client, malmo_2018):
    response = export(reviewer_client, "organisation", XLSX_FORMAT)

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0] == (
        "name",
        "slug",
        "kind",
        "parent",
        "valid_from",
        "valid_to",
        "description",
        "email",
    )
    by_name = {row[0]: row for row in rows[1:]}
    assert len(by_name) == Organisation.objects.count()
    assert by_name["MKB Fastighets AB"][2:4] == ("bolag", "Malmö Stadshus AB")
    assert by_name["Miljönämnden"][2] == "nämnd"

    response = export(reviewer_client, "responsibility", XLSX_FORMAT)
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0] == ("budget", "assignment", "organisation", "role")
    # Every cell is text: exports neutralise spreadsheet formulas (settings), which
    # import-export does by writing each value as a string.
    assert ("2018", "2018:4", "Miljönämnden", "participant") in rows[1:]
    assert len(rows) - 1 == Responsibility.objects.count()


def test_export_queries_do_not_grow_with_rows(
    reviewer_client, budget, django_assert_max_num_queries
):
    goal = factories.make_council_goal(budget=budget)
    for _ in range(30):
        assignment = factories.make_assignment(budget=budget, council_goal=goal)
        assignment.global_goals.add(*GlobalGoal.objects.sdg()[:3])
    with django_assert_max_num_queries(20):
        response = export(reviewer_client, "assignment", CSV_FORMAT)
    assert response.content.decode("utf-8-sig").count("\n") == 31


# Who may import and export


def test_superuser_imports_and_exports(admin_client, malmo_2018):
    import_file(admin_client, "organisation", example("organisations.csv"))
    assert Organisation.objects.filter(name__startswith="Exempel").count() == 3
    response = export(admin_client, "organisation", CSV_FORMAT)
    assert "Exempelförbundet,exempelforbundet,kommunalförbund" in response.content.decode("utf-8")


def test_reviewer_sees_import_and_export_on_the_lists(reviewer_client):
    for model in ["organisation", "assignment", "responsibility"]:
        page = reviewer_client.get(url(model, "changelist")).content.decode()
        assert url(model, "import") in page
        assert url(model, "export") in page


def test_staff_who_may_only_view_may_export_but_not_import(client):
    user = factories.make_user(is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="view_organisation"),
    )
    client.force_login(user)

    assert client.get(url("organisation", "export")).status_code == 200
    assert client.get(url("organisation", "import")).status_code == 403
    response = upload(client, "organisation", "name,kind\nNämnd A,nämnd\n")
    assert response.status_code == 403
    assert (
        url("organisation", "import")
        not in client.get(url("organisation", "changelist")).content.decode()
    )


def test_a_reporter_gets_no_import_or_export_page(client, reporter):
    client.force_login(reporter)
    for view in ["import", "export"]:
        response = client.get(url("organisation", view))
        assert response.status_code == 302
        assert "/admin/login/" in response.url
    response = upload(client, "organisation", "name,kind\nNämnd A,nämnd\n")
    assert response.status_code == 302
    assert not Organisation.objects.filter(name="Nämnd A").exists()


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil.example","klicka")', "+1", "-1", "@A1"])
def test_exported_cells_never_hold_a_live_formula(reviewer_client, text):
    """A text typed as a formula reaches a reviewer's spreadsheet as text, never as a formula,
    escaped by the rule the public CSV files follow (assignments/spreadsheets.py)."""
    Organisation.objects.create(name=text, slug="formula", kind="bolag")
    response = export(reviewer_client, "organisation", XLSX_FORMAT)
    cells = [
        cell
        for row in openpyxl.load_workbook(io.BytesIO(response.content)).active.values
        for cell in row
    ]
    assert not any(isinstance(cell, str) and cell.startswith(FORMULA_STARTS) for cell in cells)
    assert "'" + text in cells

    response = export(reviewer_client, "organisation", CSV_FORMAT)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert not any(cell.startswith(FORMULA_STARTS) for row in rows for cell in row)
    assert ["'" + text, "formula", "bolag"] in [row[:3] for row in rows]
