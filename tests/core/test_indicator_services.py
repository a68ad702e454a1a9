"""Indicator values through the services: reported with a report, imported, constrained."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from assignments import services
from assignments.models import (
    IndicatorSource,
    IndicatorValue,
    ReportedValue,
    ReportStatus,
    ValueOrigin,
)
from assignments.services import ValueInput
from tests.factories import (
    REOPENED,
    add_values,
    make_assignment,
    make_indicator,
    make_member,
    make_organisation,
    make_report,
    make_reviewer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def measured():
    """An organisation that measures an indicator (split by gender) for its assignment."""
    organisation = make_organisation()
    assignment = make_assignment(organisations=[organisation])
    indicator = make_indicator(
        source=IndicatorSource.ORGANISATION,
        measured_by=organisation,
        assignments=[assignment],
        has_gender_split=True,
    )
    return organisation, assignment, indicator


def values(indicator, total, women=None):
    given = [ValueInput(indicator, Decimal(total), note="Mätt i april.")]
    if women is not None:
        given.append(ValueInput(indicator, Decimal(women), "gender", "women"))
    return given


def public(indicator):
    return {
        (value.dimension, value.category): value.value
        for value in IndicatorValue.objects.filter(indicator=indicator)
    }


def test_reported_values_become_public_only_when_their_version_is_published(measured):
    organisation, assignment, indicator = measured
    report = make_report(
        status=ReportStatus.APPROVED,
        assignment=assignment,
        organisation=organisation,
        values=values(indicator, "12.5", "6"),
    )
    assert public(indicator) == {}
    assert report.current_version.reported_values.count() == 2

    services.publish_report(report=report, by=make_reviewer())
    assert public(indicator) == {("", ""): Decimal("12.5"), ("gender", "women"): Decimal("6")}
    value = IndicatorValue.objects.get(indicator=indicator, dimension="")
    assert (value.origin, value.report, value.period, value.year) == (
        ValueOrigin.REPORT,
        report,
        report.period,
        report.period.budget.year,
    )
    assert value.note == "Mätt i april."


def test_a_correction_stays_private_until_it_is_published(measured):
    organisation, assignment, indicator = measured
    reporter = make_member(organisation)
    report = make_report(
        status=REOPENED,
        assignment=assignment,
        organisation=organisation,
        reporter=reporter,
        values=values(indicator, "12.5", "6"),
    )
    report = services.save_report(
        report=report, by=reporter, content={}, values=values(indicator, "13")
    )
    services.submit_report(report=report, by=reporter)
    assert public(indicator) == {("", ""): Decimal("12.5"), ("gender", "women"): Decimal("6")}

    reviewer = make_reviewer()
    services.approve_report(report=report, by=reviewer)
    services.publish_report(report=report, by=reviewer)
    # The women's value, left out of the correction, is withdrawn with it.
    assert public(indicator) == {("", ""): Decimal("13")}
    assert ReportedValue.objects.filter(version__report=report).count() == 3  # 2 + 1, frozen


def test_sending_back_keeps_the_values_to_correct(measured):
    organisation, assignment, indicator = measured
    report = make_report(
        status=ReportStatus.RETURNED,
        assignment=assignment,
        organisation=organisation,
        values=values(indicator, "7"),
    )
    assert list(report.reported_values.values_list("value", flat=True)) == [Decimal("7")]


def test_only_the_measuring_organisation_reports_an_indicator(measured):
    _organisation, assignment, indicator = measured
    other = make_organisation()
    assignment.responsibilities.create(organisation=other, role="participant")
    with pytest.raises(ValidationError) as error:
        make_report(assignment=assignment, organisation=other, values=values(indicator, "1"))
    assert error.value.code == "not_reported_here"


def test_a_breakdown_the_indicator_lacks_is_refused(measured):
    organisation, assignment, indicator = measured
    with pytest.raises(ValidationError) as error:
        make_report(
            assignment=assignment,
            organisation=organisation,
            values=[ValueInput(indicator, Decimal(1), "age", "0-19")],
        )
    assert error.value.code == "unknown_breakdown"


@pytest.mark.parametrize("value", ["1e14", "-1e15", "NaN", "Infinity"])
def test_a_value_the_database_cannot_hold_is_refused(measured, value):
    organisation, assignment, indicator = measured
    with pytest.raises(ValidationError) as error:
        make_report(
            assignment=assignment, organisation=organisation, values=values(indicator, value)
        )
    assert error.value.code == "value_out_of_range"


def test_a_closed_period_takes_no_changed_values(measured):
    organisation, assignment, indicator = measured
    reporter = make_member(organisation)
    report = make_report(
        assignment=assignment,
        organisation=organisation,
        reporter=reporter,
        values=values(indicator, "5"),
    )
    report.period.closed = True
    report.period.save()
    # Saving the draft with the same values still works; changing one does not.
    services.save_report(report=report, by=reporter, content={}, values=values(indicator, "5"))
    with pytest.raises(ValidationError) as error:
        services.save_report(report=report, by=reporter, content={}, values=values(indicator, "6"))
    assert error.value.code == "period_closed"
    assert list(report.reported_values.values_list("value", flat=True)) == [Decimal("5")]


def test_an_import_saves_all_or_nothing_and_changes_nothing_the_second_time():
    indicator = make_indicator(has_gender_split=True)
    first = add_values(indicator, {2015: "1.5", 2016: "2"})
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    again = add_values(indicator, {2015: "1.5", 2016: "2.25"})
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)

    bad = [
        ValueInput(indicator, Decimal(3), year=2017),
        ValueInput(indicator, Decimal(4), year=1800),
    ]
    with pytest.raises(ValidationError) as error:
        services.import_values(indicator=indicator, values=bad, origin=ValueOrigin.IMPORT)
    assert error.value.code == "year_out_of_range"
    saved = IndicatorValue.objects.filter(indicator=indicator).order_by("year")
    assert list(saved.values_list("value", flat=True)) == [Decimal("1.5"), Decimal("2.25")]

    withdrawn = [ValueInput(indicator, None, year=2015)]
    kept = services.import_values(
        indicator=indicator, values=[], deleted=withdrawn, origin=ValueOrigin.KOLADA
    )
    assert kept.deleted == 0  # Kolada withdraws its own values, not the office's
    gone = services.import_values(
        indicator=indicator, values=[], deleted=withdrawn, origin=ValueOrigin.IMPORT
    )
    assert gone.deleted == 1
    assert list(IndicatorValue.objects.values_list("year", flat=True)) == [2016]


def test_the_database_holds_one_value_per_indicator_time_and_breakdown():
    indicator = make_indicator()
    add_values(indicator, {2020: 1})
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.create(
            indicator=indicator, year=2020, value=2, origin=ValueOrigin.IMPORT
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.create(
            indicator=indicator, year=2021, value=2, origin=ValueOrigin.IMPORT, dimension="gender"
        )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"source": IndicatorSource.KOLADA, "kolada_kpi": ""}, "kolada_kpi"),
        ({"source": IndicatorSource.ORGANISATION}, "measured_by"),
        ({"baseline_year": 2015}, "baseline_value"),
        ({"progress_override": "reached"}, "progress_override_note"),
    ],
)
def test_an_incomplete_definition_is_refused_on_the_right_field(fields, field):
    indicator = make_indicator()
    for name, value in fields.items():
        setattr(indicator, name, value)
    with pytest.raises(ValidationError) as error:
        indicator.full_clean()
    assert field in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        indicator.save()
