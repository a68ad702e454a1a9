"""
Reporters report indicator values: the report form asks for the period's values of the
indicators their organisation measures for the assignment, and the values travel with the
report (frozen on each version, sent back, approved and published with it).
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from assignments import services
from assignments.models import (
    VALUE_DECIMAL_PLACES,
    VALUE_LIMIT,
    Indicator,
    IndicatorSource,
    IndicatorValue,
    MembershipRole,
    Report,
    ReportedValue,
    ReportStatus,
    ValueOrigin,
)
from tests import factories
from tests.strategies import values as generated_values

pytestmark = pytest.mark.django_db


def url(name: str, *args, language: str = "sv") -> str:
    with translation.override(language):
        return reverse(f"assignments:{name}", args=args)


@pytest.fixture
def measured(organisation, assignment):
    """An indicator the organisation measures for the assignment, split by gender."""
    return factories.make_indicator(
        source=IndicatorSource.ORGANISATION,
        measured_by=organisation,
        assignments=[assignment],
        code="MN1",
        title_sv="Andel miljöbilar",
        title_en="Share of clean vehicles",
        definition_sv="Andelen miljöbilar av förvaltningens alla bilar.",
        definition_en="The share of clean vehicles among all the administration's cars.",
        unit="%",
        has_gender_split=True,
    )


@pytest.fixture
def draft(assignment, organisation, period, reporter, measured):
    return factories.make_report(
        assignment=assignment, organisation=organisation, period=period, reporter=reporter
    )


def field(indicator, category: str = "") -> str:
    return f"value-{indicator.pk}" + (f"-gender-{category}" if category else "")


def note(indicator) -> str:
    return f"value-{indicator.pk}-note"


def form_data(report: Report, **values) -> dict:
    data = {
        "progress": "on_track",
        "percent_complete": "40",
        "summary": "Arbetet går enligt plan.",
        "edit_version": str(report.edit_version),
    }
    data.update(values)
    return data


def saved(report: Report) -> dict[tuple[str, str, str], tuple[Decimal, str]]:
    return {
        (value.indicator.code, value.dimension, value.category): (value.value, value.note)
        for value in ReportedValue.objects.filter(report=report).select_related("indicator")
    }


def post(client, report: Report, language: str = "sv", **values):
    report.refresh_from_db()
    return client.post(
        url("report_edit", report.pk, language=language), form_data(report, **values)
    )


# The form asks for the right indicators


def test_the_form_asks_only_for_what_the_organisation_measures_for_the_assignment(
    client, reporter, draft, measured, organisation, assignment, budget
):
    others = factories.make_indicator(
        source=IndicatorSource.ORGANISATION, assignments=[assignment], code="ANNAN1"
    )
    kolada = factories.make_indicator(
        source=IndicatorSource.KOLADA, assignments=[assignment], code="N00401"
    )
    elsewhere = factories.make_indicator(
        source=IndicatorSource.ORGANISATION,
        measured_by=organisation,
        assignments=[factories.make_assignment(budget=budget, organisations=[organisation])],
        code="MN2",
    )
    client.force_login(reporter)
    response = client.get(url("report_edit", draft.pk))
    form = response.context["form"]
    value_fields = sorted(name for name in form.fields if name.startswith("value-"))
    assert value_fields == sorted(
        [field(measured), field(measured, "women"), field(measured, "men"), note(measured)]
    )
    page = response.content.decode()
    for indicator in (others, kolada, elsewhere):
        assert f'name="value-{indicator.pk}' not in page
        assert indicator.code not in page
    legend = re.search(
        r'<fieldset class="indicator-values__indicator"[^>]*>\s*<legend>(.*?)</legend>', page, re.S
    )
    assert "MN1 Andel miljöbilar" in legend[1] and "(%)" in legend[1]
    assert "Andelen miljöbilar av förvaltningens alla bilar." in page
    assert 'inputmode="decimal"' in page


def test_the_form_has_no_indicator_section_where_none_is_measured(
    client, organisation, assignment, period, reporter
):
    factories.make_indicator(source=IndicatorSource.KOLADA, assignments=[assignment])
    report = factories.make_report(
        assignment=assignment, organisation=organisation, period=period, reporter=reporter
    )
    client.force_login(reporter)
    response = client.get(url("report_edit", report.pk))
    assert "indicator-values" not in response.content.decode()
    # Saving leaves values alone: the form gives the services none to replace.
    assert response.context["form"].values() is None


def test_the_form_shows_the_latest_published_value_for_reference(
    client, reporter, draft, measured, budget
):
    factories.add_values(measured, {2016: "10.25", 2017: "11.5"})
    factories.add_values(measured, {2017: "12"}, dimension="gender", category="women")
    factories.add_values(measured, {2019: "99"})  # after the period: no reference
    client.force_login(reporter)
    response = client.get(url("report_edit", draft.pk))
    form = response.context["form"]
    assert form[field(measured)].help_text == "Senast publicerade värde: 11,5 (2017)."
    assert form[field(measured, "women")].help_text == "Senast publicerade värde: 12,0 (2017)."
    assert form[field(measured, "men")].help_text == ""
    assert f'id="id_{field(measured)}_helptext">Senast publicerade värde: 11,5' in (
        response.content.decode()
    )


def test_the_reference_is_the_latest_published_period_before_this_one(
    client, reporter, reviewer, draft, measured, organisation, assignment, budget
):
    earlier = factories.make_period(
        budget=budget, name="Tertial 1", deadline=datetime.date(2018, 5, 15)
    )
    later = factories.make_period(
        budget=budget, name="Tertial 3", deadline=datetime.date(2100, 1, 1)
    )
    for period, value in ((earlier, "20"), (later, "30")):
        factories.make_report(
            status=ReportStatus.PUBLISHED,
            assignment=assignment,
            organisation=organisation,
            period=period,
            reporter=reporter,
            reviewer=reviewer,
            values=[services.ValueInput(indicator=measured, value=Decimal(value))],
        )
    factories.add_values(measured, {2017: "11.5", 2018: "25"})
    client.force_login(reporter)
    form = client.get(url("report_edit", draft.pk)).context["form"]
    assert form[field(measured)].help_text == "Senast publicerade värde: 20,0 (Tertial 1 2018)."


# Saving values in the page's language


@pytest.mark.parametrize(
    ("language", "typed", "expected"),
    [
        ("sv", "12,5", "12.5"),
        ("sv", "1 234,5", "1234.5"),
        ("sv", "1\xa0234,25", "1234.25"),
        ("sv", "12.5", "12.5"),
        ("sv", "-3", "-3"),
        ("en", "12.5", "12.5"),
        ("en", " 0.000001 ", "0.000001"),
    ],
)
def test_a_value_is_saved_as_typed_in_the_pages_language(
    client, reporter, draft, measured, language, typed, expected
):
    client.force_login(reporter)
    response = post(client, draft, language, **{field(measured): typed})
    assert response.status_code == 302
    assert saved(draft) == {("MN1", "", ""): (Decimal(expected), "")}


def test_a_saved_value_comes_back_in_the_pages_language(client, reporter, draft, measured):
    client.force_login(reporter)
    post(
        client,
        draft,
        **{
            field(measured): "12,5",
            field(measured, "women"): "100",
            note(measured): "Mätt i december.",
        },
    )
    form = client.get(url("report_edit", draft.pk)).context["form"]
    assert form[field(measured)].value() == "12,5"
    assert form[field(measured, "women")].value() == "100"
    assert form[field(measured, "men")].value() == ""
    assert form[note(measured)].value() == "Mätt i december."
    english = client.get(url("report_edit", draft.pk, language="en")).context["form"]
    assert english[field(measured)].value() == "12.5"
    # The note goes with the total; empty fields are no values.
    assert saved(draft) == {
        ("MN1", "", ""): (Decimal("12.5"), "Mätt i december."),
        ("MN1", "gender", "women"): (Decimal("100"), ""),
    }


def test_emptying_a_field_removes_the_value(client, reporter, draft, measured):
    client.force_login(reporter)
    post(client, draft, **{field(measured): "12,5", field(measured, "men"): "3"})
    post(client, draft, **{field(measured): "", field(measured, "men"): "3"})
    assert saved(draft) == {("MN1", "gender", "men"): (Decimal("3"), "")}


def test_the_note_goes_with_the_first_value_given_when_the_total_is_empty(
    client, reporter, draft, measured
):
    client.force_login(reporter)
    post(client, draft, **{field(measured, "men"): "3", note(measured): "Bara män mättes."})
    assert saved(draft) == {("MN1", "gender", "men"): (Decimal("3"), "Bara män mättes.")}
    form = client.get(url("report_edit", draft.pk)).context["form"]
    assert form[note(measured)].value() == "Bara män mättes."


# Bad input


@pytest.mark.parametrize(
    ("language", "typed", "message"),
    [
        ("en", "twelve", "Enter a number, such as 1234.5."),
        ("en", "12,5", "Enter a number, such as 1234.5."),
        ("sv", "tolv", "Ange ett tal, till exempel 1234,5."),
        ("en", "NaN", "Enter a number, such as 1234.5."),
        ("en", "1" * 15, "no more than 14 digits before the decimal point"),
        ("en", "1e14", "no more than 14 digits before the decimal point"),
        ("en", "1_5", "Enter a number, such as 1234.5."),
        ("en", "0.1234567", "no more than 6 decimal places"),
        ("en", "1" * 21, "no more than 20 digits in total"),
        # SQLite keeps 15 significant digits: a longer value would be saved as another one.
        ("en", "12345678901.123456", "too many digits: at most 15 in all"),
    ],
)
def test_bad_input_keeps_what_was_typed_with_a_message_next_to_the_field(
    client, reporter, draft, measured, language, typed, message
):
    client.force_login(reporter)
    response = post(
        client,
        draft,
        language,
        summary="Ny sammanfattning.",
        **{field(measured): typed, field(measured, "women"): "7", note(measured): "Min kommentar"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    form = response.context["form"]
    assert form[field(measured)].value() == typed
    assert form[field(measured, "women")].value() == "7"
    assert form[note(measured)].value() == "Min kommentar"
    errors = re.search(rf'id="id_{field(measured)}_error">(.*?)</ul>', page, re.S)
    assert errors and message in errors[1]
    assert f'href="#id_{field(measured)}"' in page  # in the error summary, linked
    assert re.search(rf'<input[^>]*name="{field(measured)}"[^>]*aria-invalid="true"', page)
    draft.refresh_from_db()
    assert draft.summary == "Arbetet går framåt."
    assert saved(draft) == {}


def test_a_note_without_a_value_is_refused(client, reporter, draft, measured):
    client.force_login(reporter)
    response = post(client, draft, "en", **{note(measured): "Siffran kommer senare."})
    assert response.status_code == 200
    assert "Give a value for the note to go with" in response.content.decode()
    assert response.context["form"][note(measured)].value() == "Siffran kommer senare."
    assert saved(draft) == {}


def test_a_field_of_another_indicator_is_ignored(client, reporter, draft, measured, assignment):
    others = factories.make_indicator(source=IndicatorSource.ORGANISATION, assignments=[assignment])
    client.force_login(reporter)
    response = post(client, draft, **{field(others): "5", field(measured): "6"})
    assert response.status_code == 302
    assert saved(draft) == {("MN1", "", ""): (Decimal("6"), "")}


def test_generated_text_in_the_value_fields_never_fails_and_never_saves_a_bad_value(
    client, reporter, draft, measured
):
    """Hypothesis text in every value field: a 200 with the form (nothing saved, everything
    typed kept) or a redirect after saving values the portal can hold; never a 500."""
    client.force_login(reporter)
    names = [field(measured), field(measured, "women"), field(measured, "men")]
    typed_values = st.fixed_dictionaries(
        {name: generated_values("12,5", "7", "") for name in names},
        optional={note(measured): generated_values("Mätt i december.")},
    )

    @given(language=st.sampled_from(["sv", "en"]), typed=typed_values)
    def check(language, typed):
        before = saved(draft)
        response = post(client, draft, language, **typed)
        assert response.status_code in (200, 302), typed
        if response.status_code == 200:
            assert saved(draft) == before
            form = response.context["form"]
            for name, sent in typed.items():
                assert form[name].value() == sent, name
            return
        for value, _note in saved(draft).values():
            assert value.is_finite() and abs(value) < VALUE_LIMIT
            assert -value.as_tuple().exponent <= VALUE_DECIMAL_PLACES

    check()


# Who may


def test_another_organisations_report_is_still_a_404(client, draft, measured):
    outsider = factories.make_member(factories.make_organisation())
    client.force_login(outsider)
    assert client.get(url("report_edit", draft.pk)).status_code == 404
    assert post(client, draft, **{field(measured): "5"}).status_code == 404
    assert client.get(url("report_detail", draft.pk)).status_code == 404
    assert saved(draft) == {}


def test_a_reader_sees_the_values_but_may_not_post_them(client, reporter, draft, measured):
    services.save_report(
        report=draft,
        by=reporter,
        content={},
        values=[services.ValueInput(indicator=measured, value=Decimal("4.5"))],
    )
    reader = factories.make_member(draft.organisation, role=MembershipRole.READER)
    client.force_login(reader)
    assert "4,5" in client.get(url("report_detail", draft.pk)).content.decode()
    assert post(client, draft, **{field(measured): "5"}).status_code == 403
    assert saved(draft) == {("MN1", "", ""): (Decimal("4.5"), "")}


# A closed period


def test_a_closed_period_refuses_changed_values_with_its_message_and_keeps_the_input(
    client, reporter, draft, measured, period
):
    client.force_login(reporter)
    post(client, draft, **{field(measured): "10"})
    period.closed = True
    period.save()
    response = post(client, draft, "en", summary="Ändrad text.", **{field(measured): "11.5"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "is closed and takes no more values" in page
    assert response.context["form"][field(measured)].value() == "11.5"
    assert response.context["form"]["summary"].value() == "Ändrad text."
    draft.refresh_from_db()
    assert draft.summary == "Arbetet går enligt plan."  # nothing of the save was kept
    assert saved(draft) == {("MN1", "", ""): (Decimal("10"), "")}
    # The same values again: the text is saved, the values stand.
    response = post(client, draft, "en", summary="Ändrad text.", **{field(measured): "10.0"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.summary == "Ändrad text."


# Someone else saved, or submitted, meanwhile


def test_the_conflict_page_shows_the_other_persons_value_and_keeps_yours(
    client, reporter, draft, measured
):
    colleague = factories.make_member(draft.organisation, first_name="Bo", last_name="Berg")
    client.force_login(reporter)
    opened = client.get(url("report_edit", draft.pk, language="en")).context["form"]
    stale = opened["edit_version"].value()
    services.save_report(
        report=draft,
        by=colleague,
        content={"summary": "Bos text."},
        values=[
            services.ValueInput(indicator=measured, value=Decimal("13.25"), note="Bos mätning."),
            services.ValueInput(
                indicator=measured, value=Decimal("6"), dimension="gender", category="men"
            ),
        ],
    )
    data = form_data(
        draft,
        summary="Min text.",
        edit_version=stale,
        **{field(measured): "12.5", field(measured, "men"): "6", note(measured): "Min mätning."},
    )
    response = client.post(url("report_edit", draft.pk, language="en"), data)
    assert response.status_code == 200
    rows = {row.label: (row.yours, row.theirs) for row in response.context["conflict"]["rows"]}
    assert rows["MN1: Total"] == ("12.5", "13.25")
    assert rows["MN1: Note"] == ("Min mätning.", "Bos mätning.")
    assert "MN1: Men" not in rows  # the same value on both sides
    page = response.content.decode()
    assert "13.25" in page and "Bos mätning." in page
    form = response.context["form"]
    assert form[field(measured)].value() == "12.5"
    assert saved(draft)[("MN1", "", "")] == (Decimal("13.25"), "Bos mätning.")
    # Saving again, knowing what it overwrites, keeps the reporter's values.
    again = client.post(url("report_edit", draft.pk, language="en"), form.data)
    assert again.status_code == 302
    assert saved(draft)[("MN1", "", "")] == (Decimal("12.5"), "Min mätning.")


def test_a_report_submitted_meanwhile_keeps_the_typed_values(client, reporter, draft, measured):
    colleague = factories.make_member(draft.organisation)
    client.force_login(reporter)
    services.save_report(
        report=draft,
        by=colleague,
        content={},
        values=[services.ValueInput(indicator=measured, value=Decimal("8"))],
    )
    services.submit_report(report=draft, by=colleague)
    response = post(client, draft, "en", **{field(measured): "9.75"})
    assert response.status_code == 200
    assert response.context["locked"]
    rows = {row.label: (row.yours, row.theirs) for row in response.context["conflict"]["rows"]}
    assert rows["MN1: Total"] == ("9.75", "8")
    assert response.context["form"][field(measured)].value() == "9.75"
    assert saved(draft) == {("MN1", "", ""): (Decimal("8"), "")}


def test_a_conflict_with_a_bad_value_typed_still_shows_both(client, reporter, draft, measured):
    colleague = factories.make_member(draft.organisation)
    client.force_login(reporter)
    stale = draft.edit_version
    services.save_report(
        report=draft,
        by=colleague,
        content={},
        values=[services.ValueInput(indicator=measured, value=Decimal("8"))],
    )
    services.submit_report(report=draft, by=colleague)
    data = form_data(draft, edit_version=stale, **{field(measured): "åtta"})
    response = client.post(url("report_edit", draft.pk, language="en"), data)
    rows = {row.label: (row.yours, row.theirs) for row in response.context["conflict"]["rows"]}
    assert rows["MN1: Total"] == ("åtta", "8")


# The values travel with the report


def values_of(version) -> dict:
    return {
        (value.dimension, value.category): value.value for value in version.reported_values.all()
    }


def public(indicator) -> dict:
    return {
        (value.dimension, value.category): (value.value, value.origin)
        for value in IndicatorValue.objects.filter(indicator=indicator)
    }


def submit(client, report: Report) -> None:
    report.refresh_from_db()
    response = client.post(url("report_submit", report.pk), {"edit_version": report.edit_version})
    assert response.status_code == 302


def test_values_travel_with_the_report_until_published_and_through_a_correction(
    client, reporter, reviewer, draft, measured
):
    client.force_login(reporter)
    post(client, draft, **{field(measured): "12,5", field(measured, "women"): "13"})
    submit(client, draft)
    draft.refresh_from_db()
    first = draft.current_version
    assert values_of(first) == {("", ""): Decimal("12.5"), ("gender", "women"): Decimal("13")}
    assert public(measured) == {}  # submitted is not public

    # Sent back: the values are there to change; the version keeps what was sent.
    services.return_report(report=draft, by=reviewer, note="Kontrollera siffran.")
    form = client.get(url("report_edit", draft.pk)).context["form"]
    assert form[field(measured)].value() == "12,5"
    post(client, draft, **{field(measured): "12,75", field(measured, "women"): "13"})
    submit(client, draft)
    first.refresh_from_db()
    assert values_of(first)[("", "")] == Decimal("12.5")
    draft.refresh_from_db()
    assert values_of(draft.current_version)[("", "")] == Decimal("12.75")

    services.approve_report(report=draft, by=reviewer)
    assert public(measured) == {}  # approved is not public either
    services.publish_report(report=draft, by=reviewer)
    published = public(measured)
    assert published == {
        ("", ""): (Decimal("12.75"), ValueOrigin.REPORT),
        ("gender", "women"): (Decimal("13"), ValueOrigin.REPORT),
    }
    value = IndicatorValue.objects.get(indicator=measured, dimension="")
    assert (value.period, value.year, value.report) == (draft.period, 2018, draft)

    # A correction: the published values stay public until the correction is published.
    services.reopen_report(report=draft, by=reviewer, note="Rätta siffran.")
    post(client, draft, **{field(measured): "14"})
    submit(client, draft)
    assert public(measured) == published
    services.approve_report(report=draft, by=reviewer)
    assert public(measured) == published
    services.publish_report(report=draft, by=reviewer)
    assert public(measured) == {("", ""): (Decimal("14"), ValueOrigin.REPORT)}


# The values shown to staff


def test_the_confirmation_detail_and_version_pages_show_the_values(
    client, reporter, reviewer, draft, measured
):
    measured.decimals = 2
    measured.save()
    client.force_login(reporter)
    post(
        client,
        draft,
        save_and_submit="1",
        **{
            field(measured): "1234,5",
            field(measured, "men"): "3,125",
            note(measured): "Uppskattat.",
        },
    )
    confirmation = client.get(url("report_submit", draft.pk)).content.decode()
    for page in (confirmation, client.get(url("report_detail", draft.pk)).content.decode()):
        assert "Andel miljöbilar" in page
        # The indicator's two decimals, or all a value has: nothing typed is hidden.
        assert "1\xa0234,50" in page and "3,125" in page
        assert "Uppskattat." in page
        assert "Inte angivet" in page  # women: no value
    submit(client, draft)
    services.return_report(report=draft, by=reviewer, note="Mer.")
    post(client, draft, **{field(measured): "99"})
    version = client.get(url("report_version", draft.pk, 1)).content.decode()
    assert "1\xa0234,50" in version and "99,00" not in version
    detail = client.get(url("report_detail", draft.pk)).content.decode()
    assert "99,00" in detail
    english = client.get(url("report_version", draft.pk, 1, language="en")).content.decode()
    assert "1,234.50" in english and "Share of clean vehicles" in english


# Queries: the report form and the pages that show values cost the same for 1 indicator as 8


def _count(client, address: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    return len(queries)


def _add_measured(report: Report, by, count: int) -> None:
    """``count`` more indicators the organisation measures for the report's assignment, each
    with a published history, and a value for every one of them in the report."""
    for _ in range(count):
        indicator = factories.make_indicator(
            source=IndicatorSource.ORGANISATION,
            measured_by=report.organisation,
            assignments=[report.assignment],
            has_gender_split=True,
            definition_sv="Definition.",
        )
        factories.add_values(indicator, {2015: 1, 2016: 2, 2017: 3})
        factories.add_values(indicator, {2016: 1, 2017: 2}, dimension="gender", category="men")
    asked = Indicator.objects.reported_by(report.organisation, report.assignment)
    values = [
        services.ValueInput(indicator=indicator, value=Decimal(n), note=f"Not {n}")
        for n, indicator in enumerate(asked)
    ]
    values += [
        services.ValueInput(
            indicator=indicator, value=Decimal(n), dimension="gender", category="men"
        )
        for n, indicator in enumerate(asked)
    ]
    services.save_report(report=report, by=by, content={}, values=values)


@pytest.mark.parametrize("page", ["report_edit", "report_detail", "report_submit"])
def test_the_pages_cost_as_many_queries_for_8_indicators_as_for_1(
    client, reporter, draft, measured, page
):
    services.save_report(
        report=draft,
        by=reporter,
        content={"summary": "Klart."},
        values=[services.ValueInput(indicator=measured, value=Decimal("1"))],
    )
    factories.add_values(measured, {2017: 5})
    client.force_login(reporter)
    address = url(page, draft.pk)
    client.get(address)  # content types and the session, outside the count
    one = _count(client, address)
    _add_measured(draft, reporter, 7)
    assert len(client.get(url("report_edit", draft.pk)).context["form"].indicator_fields) == 8
    assert _count(client, address) == one


def test_the_version_page_costs_as_many_queries_for_8_indicators_as_for_1(
    client, reporter, reviewer, organisation, assignment, period, measured
):
    def submitted_with(count: int) -> Report:
        report = factories.make_report(
            assignment=factories.make_assignment(
                budget=assignment.budget, organisations=[organisation]
            ),
            organisation=organisation,
            period=period,
            reporter=reporter,
        )
        _add_measured(report, reporter, count)
        services.submit_report(report=report, by=reporter)
        return report

    small, large = submitted_with(1), submitted_with(8)
    client.force_login(reporter)
    client.get(url("report_version", small.pk, 1))
    assert _count(client, url("report_version", small.pk, 1)) == _count(
        client, url("report_version", large.pk, 1)
    )


# The report form's queries, pinned: the session and the user (2), the user's permissions (1),
# the report with whether the user writes it (1), the target picker's links (1) and targets
# (1), the indicators asked for (1), and the attachments (1); where indicators are asked for,
# their saved values (1) and their latest published values (1).
REPORT_FORM_QUERIES = 8
REPORT_FORM_QUERIES_WITH_VALUES = REPORT_FORM_QUERIES + 2


def test_the_report_form_makes_8_queries_without_indicators_and_10_with(
    client, reporter, draft, measured, assignment
):
    client.force_login(reporter)
    address = url("report_edit", draft.pk)
    measured.assignments.remove(assignment)
    client.get(address)  # content types, outside the count
    assert _count(client, address) == REPORT_FORM_QUERIES
    measured.assignments.add(assignment)
    assert _count(client, address) == REPORT_FORM_QUERIES_WITH_VALUES
    _add_measured(draft, reporter, 7)
    assert _count(client, address) == REPORT_FORM_QUERIES_WITH_VALUES
