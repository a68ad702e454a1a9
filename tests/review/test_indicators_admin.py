"""
Indicators in the admin: their definitions with targets and links, their values read-only,
and the import of a file of their yearly values: upload, a preview of every row, and a
confirmation that saves every row or none. A file exported imports back unchanged.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape
from hypothesis import given
from hypothesis import strategies as st

from assignments.models import (
    Indicator,
    IndicatorSource,
    IndicatorTarget,
    IndicatorValue,
    ProgressLevel,
    ValueOrigin,
)
from tests import factories
from tests.review.helpers import url
from tests.strategies import SPECIAL, fields

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def reviewer_client(reviewer) -> Client:
    return signed_in(reviewer)


def values_of(indicator) -> dict[tuple[int, str], tuple[Decimal, str, str]]:
    """(year, category) → (value, note, origin) of the indicator's yearly values."""
    return {
        (v.year, v.category): (v.value, v.note, v.origin)
        for v in IndicatorValue.objects.filter(indicator=indicator, period__isnull=True)
    }


def changelist() -> str:
    return url("admin:assignments_indicator_changelist")


def change_page(indicator) -> str:
    return url("admin:assignments_indicator_change", indicator.pk)


def import_page(indicator) -> str:
    return url("admin:assignments_indicator_import_values", indicator.pk)


def export_page(indicator) -> str:
    return url("admin:assignments_indicator_export_values", indicator.pk)


def upload(client: Client, indicator, content: str | bytes, name: str = "values.csv"):
    if isinstance(content, str):
        content = content.encode("utf-8")
    return client.post(import_page(indicator), {"file": SimpleUploadedFile(name, content)})


def confirm(client: Client, preview):
    return client.post(preview.wsgi_request.path, {"token": preview.context["token"]})


# The list of indicators


def test_the_list_shows_each_indicators_source_number_of_values_and_latest_year(
    reviewer_client, organisation
):
    kolada = factories.make_indicator(
        source=IndicatorSource.KOLADA, kolada_kpi="N00401", title_en="Greenhouse gases"
    )
    factories.add_values(kolada, {2015: 5, 2016: 4, 2019: "3.5"}, origin=ValueOrigin.KOLADA)
    own = factories.make_indicator(source=IndicatorSource.ORGANISATION, measured_by=organisation)
    other = factories.make_indicator(source_name="SCB")

    response = reviewer_client.get(changelist())

    assert response.status_code == 200
    rows = {
        row.code: row
        for row in response.context["cl"].result_list
        if row.pk in {kolada.pk, own.pk, other.pk}
    }
    assert (rows[kolada.code].value_count, rows[kolada.code].latest_year) == (3, 2019)
    assert (rows[own.code].value_count, rows[own.code].latest_year) == (0, None)
    page = response.content.decode()
    assert "Kolada N00401" in page
    assert organisation.name in page
    assert "SCB" in page
    assert "Greenhouse gases" in page


def test_the_list_is_searched_and_filtered_by_source(reviewer_client):
    kolada = factories.make_indicator(source=IndicatorSource.KOLADA, kolada_kpi="N02904")
    other = factories.make_indicator(title_sv="Cykelpendling")

    found = reviewer_client.get(changelist(), {"q": "N02904"}).context["cl"].result_list
    assert list(found) == [kolada]
    found = reviewer_client.get(changelist(), {"q": "cykelpendling"}).context["cl"].result_list
    assert list(found) == [other]
    found = reviewer_client.get(changelist(), {"source__exact": "kolada"}).context["cl"]
    assert list(found.result_list) == [kolada]


def test_the_list_costs_the_same_number_of_queries_for_more_indicators(
    reviewer_client, django_assert_num_queries, organisation, assignment
):
    def add(count: int) -> None:
        for _ in range(count):
            indicator = factories.make_indicator(
                source=IndicatorSource.ORGANISATION,
                measured_by=organisation,
                has_gender_split=True,
                assignments=[assignment],
                targets={2030: 10},
            )
            factories.add_values(indicator, {2016: 1, 2017: 2})
            factories.add_values(indicator, {2017: 1}, dimension="gender", category="women")

    add(2)
    reviewer_client.get(changelist())  # Warm caches (content types, the session).
    with CaptureQueriesContext(connection) as small:
        response = reviewer_client.get(changelist())
    assert response.context["cl"].result_count == 2

    add(18)
    with django_assert_num_queries(len(small)):
        response = reviewer_client.get(changelist())
    assert response.context["cl"].result_count == 20


# Adding and changing an indicator


def form_data(**fields) -> dict:
    """An indicator's add form as the browser sends it, with no target rows."""
    data = {
        "code": "N00401",
        "title_sv": "Växthusgasutsläpp per invånare",
        "title_en": "Greenhouse gas emissions per inhabitant",
        "definition_sv": "",
        "definition_en": "",
        "unit": "ton CO₂e/inv",
        "decimals": "1",
        "baseline_year": "",
        "baseline_value": "",
        "baseline_note": "",
        "source": IndicatorSource.KOLADA,
        "kolada_kpi": "N00401",
        "source_name": "",
        "source_url": "",
        "progress_override": "",
        "progress_override_note": "",
        "targets-TOTAL_FORMS": "0",
        "targets-INITIAL_FORMS": "0",
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "1000",
    }
    data.update(fields)
    return data


def change_form_data(indicator, **fields) -> dict:
    """The change form of an indicator whose source is another's."""
    return form_data(code=indicator.code, source=IndicatorSource.OTHER, kolada_kpi="", **fields)


def targets(*rows: tuple[str, str, str], initial: int = 0) -> dict:
    data = {"targets-TOTAL_FORMS": str(len(rows)), "targets-INITIAL_FORMS": str(initial)}
    for index, (year, value, note) in enumerate(rows):
        data.update(
            {
                f"targets-{index}-year": year,
                f"targets-{index}-value": value,
                f"targets-{index}-note": note,
            }
        )
    return data


def test_a_reviewer_adds_an_indicator_with_its_targets_and_links(
    reviewer_client, assignment, reviewer
):
    response = reviewer_client.post(
        url("admin:assignments_indicator_add"),
        form_data(
            higher_is_better="",
            baseline_year="2015",
            baseline_value="5.2",
            has_gender_split="on",
            assignments=[assignment.pk],
            **targets(("2025", "2.5", "Delmål"), ("2030", "0", "")),
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    indicator = Indicator.objects.get(code="N00401")
    assert indicator.source == IndicatorSource.KOLADA
    assert not indicator.higher_is_better
    assert indicator.has_gender_split
    assert (indicator.baseline_year, indicator.baseline_value) == (2015, Decimal("5.2"))
    assert list(indicator.assignments.all()) == [assignment]
    assert list(indicator.targets.values_list("year", "value", "note")) == [
        (2025, Decimal("2.5"), "Delmål"),
        (2030, Decimal("0"), ""),
    ]
    assert LogEntry.objects.filter(user=reviewer, object_id=str(indicator.pk)).exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"source": IndicatorSource.KOLADA, "kolada_kpi": ""},
            "kolada_kpi",
            "Give the Kolada KPI the values are imported from.",
        ),
        (
            {"source": IndicatorSource.ORGANISATION, "kolada_kpi": ""},
            "measured_by",
            "Choose the organisation that measures the indicator.",
        ),
        (
            {"baseline_year": "2015"},
            "baseline_value",
            "Give both the baseline's year and its value, or neither.",
        ),
        (
            {"baseline_value": "3"},
            "baseline_year",
            "Give both the baseline's year and its value, or neither.",
        ),
        (
            {"progress_override": ProgressLevel.REACHED},
            "progress_override_note",
            "Say why the progress is set by hand; the public sees the note.",
        ),
    ],
)
def test_the_add_form_says_what_is_wrong_beside_the_field_and_keeps_what_was_typed(
    reviewer_client, fields, field, message
):
    response = reviewer_client.post(
        url("admin:assignments_indicator_add"),
        form_data(title_sv="Mitt nyckeltal", **fields, **targets(("2030", "7", "Mål"))),
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors[field] == [message]
    assert form["title_sv"].value() == "Mitt nyckeltal"
    target_form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert (target_form["year"].value(), target_form["note"].value()) == ("2030", "Mål")
    assert escape(message) in response.content.decode()
    assert not Indicator.objects.exists()


def test_two_targets_for_the_same_year_are_refused(reviewer_client):
    response = reviewer_client.post(
        url("admin:assignments_indicator_add"),
        form_data(**targets(("2030", "1", ""), ("2030", "2", ""))),
    )

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.non_form_errors()
    assert not Indicator.objects.exists()


def test_the_change_page_has_the_targets_inline_and_the_values_read_only(reviewer_client, world):
    indicator = factories.make_indicator(
        source=IndicatorSource.KOLADA, has_gender_split=True, targets={2025: 3, 2030: 1}
    )
    factories.add_values(indicator, {2016: "4.25", 2017: 4}, origin=ValueOrigin.KOLADA)
    factories.add_values(indicator, {2017: "3.5"}, dimension="gender", category="women")
    IndicatorValue.objects.create(
        indicator=indicator,
        year=2018,
        period=world.published.period,
        report=world.published,
        value=2,
        origin=ValueOrigin.REPORT,
    )

    response = reviewer_client.get(change_page(indicator))

    assert response.status_code == 200
    (targets_inline,) = response.context["inline_admin_formsets"]
    assert [form.instance.year for form in targets_inline.formset.initial_forms] == [2025, 2030]
    assert targets_inline.has_add_permission and targets_inline.has_delete_permission
    page = response.content.decode()
    table = page[page.index('<table class="indicator-values">') :]
    table = table[: table.index("</table>")]
    assert [line.strip() for line in table.split("<td>")[1:6]] == [
        "2016</td>",
        "</td>",
        "Total</td>",
        "4.25</td>",
        "Kolada import</td>",
    ]
    assert "File import" in table and "Women" in table and "3.5" in table
    assert "Published report" in table
    assert url("admin:assignments_report_change", world.published.pk) in table
    assert "<input" not in table
    assert import_page(indicator) in page
    assert export_page(indicator) in page
    values_list = reviewer_client.get(
        url("admin:assignments_indicatorvalue_changelist", indicator__id__exact=indicator.pk)
    )
    assert values_list.status_code == 200
    assert values_list.context["cl"].result_count == 4


def test_the_indicator_page_costs_the_same_number_of_queries_for_more_values(
    reviewer_client, django_assert_num_queries
):
    indicator = factories.make_indicator(has_gender_split=True, targets={2030: 1})
    factories.add_values(indicator, {2010: 1})
    reviewer_client.get(change_page(indicator))
    with CaptureQueriesContext(connection) as small:
        reviewer_client.get(change_page(indicator))

    years = dict.fromkeys(range(1990, 2025), 2)
    for category in ("women", "men"):
        factories.add_values(indicator, years, dimension="gender", category=category)
    factories.add_values(indicator, years)
    with django_assert_num_queries(len(small)):
        response = reviewer_client.get(change_page(indicator))
    assert response.content.decode().count("<td>File import</td>") == 105


def test_an_indicator_with_hundreds_of_values_is_saved_like_any_other(reviewer_client):
    indicator = factories.make_indicator(has_gender_split=True)
    years = dict.fromkeys(range(1950, 2101), 2)
    for category in ("women", "men"):
        factories.add_values(indicator, years, dimension="gender", category=category)
    factories.add_values(indicator, years)

    response = reviewer_client.post(
        change_page(indicator), change_form_data(indicator, has_gender_split="on", unit="st")
    )

    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.unit == "st"


def test_the_change_page_shows_the_computed_progress_beside_the_offices(reviewer_client):
    indicator = factories.make_indicator(
        targets={2030: 10},
        baseline_year=2015,
        baseline_value=1,
        progress_override=ProgressLevel.LIMITED,
        progress_override_note="Mätmetoden ändrades 2019.",
    )
    factories.add_values(indicator, {2015: 1, 2020: 12})

    response = reviewer_client.get(change_page(indicator))

    assert '<div class="readonly">Target reached</div>' in response.content.decode()
    assert response.context["adminform"].form["progress_override"].value() == "limited"


def test_a_reviewer_changes_an_indicators_targets(reviewer_client):
    indicator = factories.make_indicator(targets={2030: 10})
    target = indicator.targets.get()
    data = change_form_data(
        indicator,
        source_name="SCB",
        **targets(("2030", "8", "Sänkt"), ("2025", "9", ""), initial=1),
    )
    data["targets-0-id"] = target.pk
    data["targets-0-indicator"] = indicator.pk

    response = reviewer_client.post(change_page(indicator), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(indicator.targets.values_list("year", "value")) == [
        (2025, Decimal("9")),
        (2030, Decimal("8")),
    ]
    data = change_form_data(indicator, **targets(("2030", "8", "Sänkt"), initial=1))
    data.update({"targets-0-id": target.pk, "targets-0-DELETE": "on"})
    reviewer_client.post(change_page(indicator), data)
    assert not IndicatorTarget.objects.filter(pk=target.pk).exists()


def test_another_kolada_key_figure_is_imported_whole_at_the_next_sync(reviewer_client):
    """The next sync_kolada asks the new key figure for its whole history (no from_date)."""
    synced = timezone.now()
    indicator = factories.make_indicator(source=IndicatorSource.KOLADA, kolada_kpi="N00401")
    Indicator.objects.filter(pk=indicator.pk).update(kolada_synced_at=synced)
    kolada = {"source": IndicatorSource.KOLADA, "code": indicator.code}

    response = reviewer_client.post(
        change_page(indicator), form_data(**kolada, kolada_kpi="N00401", unit="%")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    indicator.refresh_from_db()
    assert indicator.kolada_synced_at == synced  # the same key figure: still incremental

    response = reviewer_client.post(
        change_page(indicator), form_data(**kolada, kolada_kpi="N07702")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    indicator.refresh_from_db()
    assert (indicator.kolada_kpi, indicator.kolada_synced_at) == ("N07702", None)


def test_the_gender_split_stays_while_values_have_it(reviewer_client):
    indicator = factories.make_indicator(has_gender_split=True)
    factories.add_values(indicator, {2017: 3}, dimension="gender", category="men")

    response = reviewer_client.post(change_page(indicator), change_form_data(indicator))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["has_gender_split"]
    indicator.refresh_from_db()
    assert indicator.has_gender_split


def test_a_reviewer_deletes_no_indicator_and_no_value(reviewer_client):
    indicator = factories.make_indicator()
    factories.add_values(indicator, {2017: 3})
    value = IndicatorValue.objects.get()

    assert (
        reviewer_client.get(url("admin:assignments_indicator_delete", indicator.pk)).status_code
        == 403
    )
    assert (
        reviewer_client.post(
            url("admin:assignments_indicator_delete", indicator.pk), {"post": "yes"}
        ).status_code
        == 403
    )
    assert (
        reviewer_client.post(
            url("admin:assignments_indicatorvalue_delete", value.pk), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Indicator.objects.filter(pk=indicator.pk).exists()
    assert IndicatorValue.objects.filter(pk=value.pk).exists()


def test_an_administrator_deletes_an_indicator_with_its_values(admin_client):
    kept = factories.make_indicator()
    factories.add_values(kept, {2016: 1})
    for how in ("action", "page"):
        indicator = factories.make_indicator()
        factories.add_values(indicator, {2016: 1, 2017: 3})
        if how == "action":
            response = admin_client.post(
                changelist(),
                {"action": "delete_selected", "_selected_action": [indicator.pk], "post": "yes"},
            )
        else:
            response = admin_client.post(
                url("admin:assignments_indicator_delete", indicator.pk), {"post": "yes"}
            )
        assert response.status_code == 302
        assert not Indicator.objects.filter(pk=indicator.pk).exists()
    assert list(IndicatorValue.objects.values_list("indicator", flat=True)) == [kept.pk]


def test_the_values_list_is_read_only_and_shows_origin_and_publication(reviewer_client):
    indicator = factories.make_indicator(code="N00401")
    factories.add_values(indicator, {2017: "3.125"}, origin=ValueOrigin.KOLADA)
    value = IndicatorValue.objects.get()

    response = reviewer_client.get(url("admin:assignments_indicatorvalue_changelist"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "N00401" in page and "3.125" in page and "Kolada import" in page
    assert reviewer_client.get(url("admin:assignments_indicatorvalue_add")).status_code == 403
    response = reviewer_client.get(url("admin:assignments_indicatorvalue_change", value.pk))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    response = reviewer_client.post(
        url("admin:assignments_indicatorvalue_change", value.pk), {"value": "9"}
    )
    assert response.status_code == 403
    assert IndicatorValue.objects.get().value == Decimal("3.125")


def test_a_reporter_reaches_none_of_the_indicator_pages(reporter):
    indicator = factories.make_indicator()
    client = signed_in(reporter)
    for address in (
        changelist(),
        change_page(indicator),
        url("admin:assignments_indicator_add"),
        import_page(indicator),
        export_page(indicator),
        url("admin:assignments_indicatorvalue_changelist"),
    ):
        response = client.get(address)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
    response = upload(client, indicator, "Year,Value\n2018,1\n")
    assert response.status_code == 302
    assert not IndicatorValue.objects.exists()


def test_staff_without_the_import_right_may_export_but_not_import(reviewer):
    from django.contrib.auth.models import Permission

    clerk = factories.make_user(is_staff=True)
    clerk.user_permissions.add(
        Permission.objects.get(codename="view_indicator"),
        Permission.objects.get(codename="view_indicatorvalue"),
    )
    indicator = factories.make_indicator()
    client = signed_in(clerk)

    assert client.get(export_page(indicator)).status_code == 200
    assert client.get(import_page(indicator)).status_code == 403
    assert upload(client, indicator, "Year,Value\n2018,1\n").status_code == 403
    page = client.get(change_page(indicator)).content.decode()
    assert import_page(indicator) not in page
    assert not IndicatorValue.objects.exists()


# Importing values: a good file


GOOD_FILE = """\
Year,Gender,Value,Note
2016,,4.5,
2016,women,4.1,
2016,men,4.9,
2017,,4.25,Preliminärt
"""


@pytest.fixture
def split_indicator(db):
    return factories.make_indicator(has_gender_split=True, code="N00401")


def test_a_good_file_is_previewed_then_saved_whole(reviewer_client, reviewer, split_indicator):
    factories.add_values(split_indicator, {2016: "4.5", 2015: 5}, origin=ValueOrigin.KOLADA)
    factories.add_values(split_indicator, {2016: 4}, dimension="gender", category="women")

    preview = upload(reviewer_client, split_indicator, GOOD_FILE)

    assert preview.status_code == 200
    result = preview.context["result"]
    assert not result.has_errors
    assert [row.status for row in result.rows] == ["unchanged", "changed", "new", "new"]
    assert result.counts == {"new": 2, "changed": 1, "unchanged": 1, "removed": 0}
    page = preview.content.decode()
    assert "2 new, 1 changed, 0 removed, 1 unchanged." in page
    assert "Confirm import" in page
    assert len(values_of(split_indicator)) == 3  # the preview saves nothing

    response = confirm(reviewer_client, preview)

    assert response.status_code == 302
    assert response["Location"] == change_page(split_indicator)
    assert values_of(split_indicator) == {
        (2015, ""): (Decimal(5), "", ValueOrigin.KOLADA),
        (2016, ""): (Decimal("4.5"), "", ValueOrigin.KOLADA),
        (2016, "women"): (Decimal("4.1"), "", ValueOrigin.IMPORT),
        (2016, "men"): (Decimal("4.9"), "", ValueOrigin.IMPORT),
        (2017, ""): (Decimal("4.25"), "Preliminärt", ValueOrigin.IMPORT),
    }
    entry = LogEntry.objects.get(user=reviewer, object_id=str(split_indicator.pk))
    assert "2 new, 1 changed, 0 removed, 1 unchanged" in entry.change_message
    page = reviewer_client.get(response["Location"]).content.decode()
    assert "2 new, 1 changed, 0 removed, 1 unchanged" in page


def test_a_swedish_spreadsheets_file_is_read_the_same(reviewer_client, split_indicator):
    swedish = (
        "\ufeffÅr;Kön;Värde;Anmärkning\r\n"
        "2016;;4,5;\r\n"
        "2016;Kvinnor;4,1;\r\n"
        "2016;Män;4,9;\r\n"
        '2017;Totalt;"4,25";Preliminärt\r\n'
        ";;;\r\n"
    )

    confirm(reviewer_client, upload(reviewer_client, split_indicator, swedish))

    assert values_of(split_indicator) == {
        (2016, ""): (Decimal("4.5"), "", ValueOrigin.IMPORT),
        (2016, "women"): (Decimal("4.1"), "", ValueOrigin.IMPORT),
        (2016, "men"): (Decimal("4.9"), "", ValueOrigin.IMPORT),
        (2017, ""): (Decimal("4.25"), "Preliminärt", ValueOrigin.IMPORT),
    }


def test_a_row_without_a_value_removes_the_years_value(reviewer_client, split_indicator):
    factories.add_values(split_indicator, {2015: 5, 2016: 6})

    preview = upload(reviewer_client, split_indicator, "Year,Value\n2015,\n2014,\n2016,6\n")

    assert [row.status for row in preview.context["result"].rows] == [
        "removed",
        "unchanged",
        "unchanged",
    ]
    confirm(reviewer_client, preview)
    assert values_of(split_indicator) == {(2016, ""): (Decimal(6), "", ValueOrigin.IMPORT)}


def test_a_row_without_a_value_cannot_remove_a_kolada_value(reviewer_client, split_indicator):
    # Found by hypothesis: the preview promised to remove a value Kolada gave, which the
    # import (withdrawing only values that came from files) then kept.
    factories.add_values(split_indicator, {2016: 1}, origin=ValueOrigin.KOLADA)

    preview = upload(reviewer_client, split_indicator, "Year,Value\n2016,\n")

    result = preview.context["result"]
    assert result.has_errors and preview.context["token"] == ""
    assert "came from Kolada import, not from a file" in preview.content.decode()
    assert values_of(split_indicator) == {(2016, ""): (Decimal(1), "", ValueOrigin.KOLADA)}


def test_the_preview_says_when_kolada_will_replace_the_files_values(reviewer_client):
    kolada = factories.make_indicator(source=IndicatorSource.KOLADA)
    other = factories.make_indicator()
    notice = "the next Kolada import replaces the file"

    assert notice in upload(reviewer_client, kolada, "Year,Value\n2016,1\n").content.decode()
    assert notice not in upload(reviewer_client, other, "Year,Value\n2016,1\n").content.decode()


def test_a_file_that_changes_nothing_offers_no_confirmation(reviewer_client, split_indicator):
    factories.add_values(split_indicator, {2016: 6})

    preview = upload(reviewer_client, split_indicator, "Year,Value\n2016,6.000\n")

    assert preview.context["token"] == ""
    assert "The file changes nothing" in preview.content.decode()


def test_the_import_page_explains_the_format(reviewer_client, split_indicator):
    response = reviewer_client.get(import_page(split_indicator))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Year, Gender" in page
    assert export_page(split_indicator) in page
    assert 'enctype="multipart/form-data"' in page


# Importing values: a bad file saves nothing and names the row


@pytest.mark.parametrize(
    ("content", "row", "column", "message"),
    [
        ("Year,Value\n2016,1\n2O17,2\n", 2, "Year", "“2O17” is not a year"),
        ("Year,Value\n2016,1\n2017,\u0663\n", 2, "Value", "is not a number"),
        ("Year,Value\n2016,1\n1900,2\n", 2, "Year", "The year must be between 1950 and 2100."),
        ("Year,Value\n2016,1\n2017,1e3\n", 2, "Value", "“1e3” is not a number"),
        ("Year,Value\n2016,1\n2017,NaN\n", 2, "Value", "“NaN” is not a number"),
        ("Year,Value\n2016,1\n2017,1,5.5\n", 2, "", "more cells than the file has headings"),
        ("Year,Value\n2016,1\n2017,1.1234567\n", 2, "Value", "too many decimals: at most 6"),
        (
            "Year,Value\n2016,1\n2017,1000000000000.001\n",
            2,
            "Value",
            "too many digits: at most 15 in all",
        ),
        (
            "Year,Value\n2016,1\n2017,123456789012345\n",
            2,
            "Value",
            "The value is too large: at most 14 digits",
        ),
        ("Year,Gender,Value\n2016,,1\n2016,kids,2\n", 2, "Gender", "Unknown breakdown “kids”"),
        (
            "Year,Gender,Value\n2016,,1\n2016,women,2\n",
            2,
            "Gender",
            "has no values for “women”",
        ),
        ("Year,Value\n2016,1\n2017,2\n2016,3\n", 3, "Year", "Row 1 gives a value for the same"),
        ("Year,Value\n2016,1\n,2\n", 2, "Year", "Give the year."),
        ("Year,Value,Note\n2016,1,ok\n2017,2," + "x" * 501 + "\n", 2, "Note", "too long"),
        ("År;Värde\n2016;1\n2017;1.234,5\n", 2, "Värde", "“1.234,5” is not a number"),
    ],
)
def test_a_file_with_one_bad_row_saves_nothing_and_names_the_row(
    reviewer_client, content, row, column, message
):
    indicator = factories.make_indicator()
    factories.add_values(indicator, {2016: 9})
    before = values_of(indicator)

    response = upload(reviewer_client, indicator, content)

    assert response.status_code == 200
    result = response.context["result"]
    assert result.has_errors
    assert [bad.number for bad in result.error_rows] == [row]
    ((named, text),) = result.error_rows[0].error_list
    assert named == column
    assert message in text
    assert response.context["token"] == ""
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert "Confirm import" not in page
    assert values_of(indicator) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"\n\n  \n", "The file is empty."),
        (b"Year,Value\n", "The file has headings but no values."),
        (b"Year,Note\n2016,x\n", "The file has no column “Value”"),
        (b"Value\n1\n", "The file has no column “Year”"),
        (b"Year,Value,Age\n2016,1,10\n", "a column “Age” that the import does not know"),
        (b"Year,Value,Year\n2016,1,2016\n", "the column “Year” twice"),
        ("År,Värde\n2016,4,5\n".encode("cp1252"), "not a CSV file in UTF-8"),
        (b"PK\x03\x04\x00\x00binary", "not a CSV file"),
        (("Year,Value\n" + "2016,1\n" * 1001).encode(), "more than 1000 rows"),
        (("Year,Value\n" + "x" * 600 * 1024).encode(), "The file is too large"),
    ],
)
def test_a_file_that_is_not_a_file_of_values_saves_nothing(reviewer_client, content, message):
    indicator = factories.make_indicator()

    response = reviewer_client.post(
        import_page(indicator), {"file": SimpleUploadedFile("values.csv", content)}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Confirm import" not in page
    assert not IndicatorValue.objects.exists()


def test_an_unterminated_quote_is_named_not_read_into_a_note(reviewer_client):
    indicator = factories.make_indicator()

    response = upload(reviewer_client, indicator, 'Year,Value,Note\n2016,1,"open\n2017,2,x\n')

    assert response.status_code == 200
    assert response.context["result"].errors == [
        "The file could not be read as CSV from row 1 on: check its quotes."
    ]
    assert not IndicatorValue.objects.exists()


def test_values_that_changed_since_the_preview_are_not_overwritten_unseen(
    reviewer_client, split_indicator
):
    preview = upload(reviewer_client, split_indicator, "Year,Value\n2016,1\n2017,2\n")
    factories.add_values(split_indicator, {2016: 7}, origin=ValueOrigin.KOLADA)

    response = confirm(reviewer_client, preview)

    assert response.status_code == 200
    assert "changed since the preview" in response.content.decode()
    assert values_of(split_indicator) == {(2016, ""): (Decimal(7), "", ValueOrigin.KOLADA)}
    assert [row.status for row in response.context["result"].rows] == ["changed", "new"]

    confirm(reviewer_client, response)
    assert values_of(split_indicator)[(2016, "")][0] == Decimal(1)


@pytest.mark.parametrize("token", ["", "x", "eyJ0ZXh0IjoiWWVhcixWYWx1ZVxuMjAxNiw1In0:forged"])
def test_a_forged_or_foreign_preview_saves_nothing(reviewer_client, split_indicator, token):
    response = reviewer_client.post(import_page(split_indicator), {"token": token})

    assert response.status_code == 200
    assert "upload the file again" in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_a_preview_confirms_only_its_own_indicator_and_person(reviewer_client, split_indicator):
    other = factories.make_indicator()
    preview = upload(reviewer_client, split_indicator, "Year,Value\n2016,1\n")
    token = preview.context["token"]

    reviewer_client.post(import_page(other), {"token": token})
    signed_in(factories.make_reviewer()).post(import_page(split_indicator), {"token": token})

    assert not IndicatorValue.objects.exists()


# The export, and a round trip


def test_an_exported_file_imports_back_unchanged(reviewer_client, split_indicator, period):
    factories.add_values(
        split_indicator, {2014: "-0.5", 2015: "1234567.123456", 2016: 0}, origin=ValueOrigin.KOLADA
    )
    factories.add_values(split_indicator, {2015: "4.10"}, dimension="gender", category="women")
    factories.add_values(split_indicator, {2015: 4}, dimension="gender", category="men")
    from assignments import services

    services.import_values(
        indicator=split_indicator,
        origin=ValueOrigin.IMPORT,
        values=[
            services.ValueInput(
                indicator=split_indicator, year=2017, value=Decimal(3), note='=HYPERLINK("x"), ok'
            ),
            services.ValueInput(
                indicator=split_indicator, year=2018, value=Decimal(2), note="'citat', rad\ntvå"
            ),
        ],
    )
    # A value of a reporting period is not in the file: it changes only with its report.
    IndicatorValue.objects.create(
        indicator=split_indicator, year=2018, period=period, value=1, origin=ValueOrigin.REPORT
    )
    before = values_of(split_indicator)

    exported = reviewer_client.get(export_page(split_indicator))

    assert exported.status_code == 200
    assert exported["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="N00401-values.csv"' in exported["Content-Disposition"]
    content = exported.content
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[:4] == [
        ["Year", "Gender", "Value", "Note"],
        ["2014", "", "-0.5", ""],
        ["2015", "", "1234567.123456", ""],
        ["2015", "women", "4.1", ""],
    ]
    assert ["2017", "", "3", '\'=HYPERLINK("x"), ok'] in rows
    assert len(rows) == 8

    preview = upload(reviewer_client, split_indicator, content)

    result = preview.context["result"]
    assert not result.has_errors, result.error_rows
    assert result.counts == {"new": 0, "changed": 0, "unchanged": 7, "removed": 0}
    assert preview.context["token"] == ""
    assert values_of(split_indicator) == before


def test_an_indicator_without_values_exports_its_headings(reviewer_client):
    indicator = factories.make_indicator()

    exported = reviewer_client.get(export_page(indicator))

    assert exported.content.decode("utf-8-sig") == "Year,Value,Note\r\n"


@pytest.mark.parametrize("address", ["0", "99999999999999999999999", "x", " ", "²"])
def test_import_and_export_of_no_indicator_are_not_found(reviewer_client, address):
    for name in ("import_values", "export_values"):
        response = reviewer_client.get(url(f"admin:assignments_indicator_{name}", address))
        assert response.status_code == 404


# Generated files: never a server error, never part of a file


# Cells: mostly good ones, so that whole files are good now and then and the confirmation is
# tried too, and anything else (tests/strategies.py) the rest of the time.
good_years = st.integers(1950, 2100).map(str)
years = st.one_of(
    good_years, good_years, st.integers(1940, 2110).map(str), st.sampled_from(SPECIAL)
)
good_numbers = st.integers(0, 6).flatmap(
    lambda places: st.decimals(
        min_value=-(10**13), max_value=10**13, places=places, allow_nan=False, allow_infinity=False
    )
)
numbers = st.one_of(
    good_numbers.map(str),
    good_numbers.map(lambda number: str(number).replace(".", ",")),
    st.sampled_from(["", "1 000", "−3", ".5", "5.", "+7"]),
    st.one_of(
        st.integers(-(10**16), 10**16).map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.sampled_from(["1.2.3", "1,234.5", "1e3", *SPECIAL]),
    ),
)
categories = st.one_of(
    st.sampled_from(["", "women", "men", "Kvinnor", "MÄN", "total"]),
    st.sampled_from(["kids", "\x00", "women;men", *SPECIAL]),
)
notes = st.one_of(st.just(""), st.text(max_size=30), st.sampled_from(SPECIAL), st.just("x" * 501))
GOOD_HEADINGS = [["Year", "Gender", "Value", "Note"], ["Year", "Value"], ["år", "kön", "värde"]]
BAD_HEADINGS = [
    ["Value", "Year", "Note"],
    ["Year", "Year", "Value"],
    ["Year", "Gender", "Value", "Age"],
    ["Note"],
    [],
]
CELLS = {
    "year": years,
    "år": years,
    "value": numbers,
    "värde": numbers,
    "gender": categories,
    "kön": categories,
    "note": notes,
    "age": st.text(max_size=3),
}


GOOD_CELLS = {
    "year": good_years,
    "år": good_years,
    "value": good_numbers.map(str) | st.just(""),
    "värde": good_numbers.map(lambda number: str(number).replace(".", ",")),
    "gender": st.sampled_from(["", "women", "men", "Kvinnor", "MÄN", "total"]),
    "kön": st.sampled_from(["", "kvinnor", "män"]),
    "note": st.text(alphabet=st.characters(exclude_characters="\x00"), max_size=30),
}


@st.composite
def value_files_content(draw) -> bytes:
    """A file of values: half the time made with care, else with anything in it."""
    careful = draw(st.booleans())
    headings = draw(st.sampled_from(GOOD_HEADINGS if careful else GOOD_HEADINGS + BAD_HEADINGS))
    cells = GOOD_CELLS if careful else CELLS
    # A year and a breakdown once in a careful file.
    key_columns = [i for i, heading in enumerate(headings) if heading.casefold() != "note"][:2]
    rows = draw(
        st.lists(
            st.tuples(*(cells[heading.casefold()] for heading in headings)),
            min_size=1,
            max_size=6,
            unique_by=lambda row: tuple(row[i] for i in key_columns),
        )
    )
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headings)
    writer.writerows(rows)
    text = out.getvalue()
    if not careful and draw(st.booleans()):
        # Damage: a character inserted anywhere, as a careless edit would.
        position = draw(st.integers(0, len(text)))
        inserted = draw(st.sampled_from(['"', ",", ";", "\n", "\r", "\x00", "\ufeff"]))
        text = text[:position] + inserted + text[position:]
    encodings = ["utf-8", "utf-8-sig"] if careful else ["utf-8", "utf-16", "cp1252"]
    return text.encode(draw(st.sampled_from(encodings)), errors="replace")


@pytest.mark.parametrize("has_gender_split", [True, False])
def test_generated_files_never_give_a_server_error_or_save_part_of_a_file(
    reviewer, has_gender_split
):
    indicator = factories.make_indicator(has_gender_split=has_gender_split)
    factories.add_values(indicator, {2016: 1, 2017: 2}, origin=ValueOrigin.KOLADA)
    client = signed_in(reviewer)
    before = values_of(indicator)
    confirmed = []

    @given(content=st.one_of(value_files_content(), st.binary(max_size=200)))
    def check(content):
        with transaction.atomic():
            preview = client.post(
                import_page(indicator), {"file": SimpleUploadedFile("v.csv", content)}
            )
            assert preview.status_code == 200, content
            assert values_of(indicator) == before, "the preview saved something"
            result = preview.context["result"]
            token = preview.context["token"]
            if token:
                assert result is not None and not result.has_errors
                response = client.post(import_page(indicator), {"token": token})
                assert response.status_code == 302, content
                confirmed.append(content)
                after = values_of(indicator)
                for row in result.rows:
                    key = (row.year, row.category)
                    if row.value is None:
                        assert key not in after
                    else:
                        assert after[key][:2] == (row.value, row.note), "a row was not saved"
            else:
                assert values_of(indicator) == before
            transaction.set_rollback(True)

    check()
    # The generated files include good ones: the confirmation is tried too.
    assert confirmed


def test_the_import_page_answers_any_form_input(reviewer, split_indicator):
    client = signed_in(reviewer)
    preview = upload(client, split_indicator, GOOD_FILE)
    names = {"token": (preview.context["token"],), "file": (), "csrfmiddlewaretoken": ()}

    @given(data=fields(names))
    def check(data):
        with transaction.atomic():
            response = client.post(import_page(split_indicator), data)
            assert response.status_code < 500, data
            transaction.set_rollback(True)

    check()
    assert not IndicatorValue.objects.exists()
