"""The review page shows a submitted version's indicator values beside the published ones."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assignments import services
from assignments.models import Indicator, IndicatorSource, Report, ReportStatus
from tests import factories
from tests.review.helpers import review_page

pytestmark = pytest.mark.django_db


def measured_by(organisation, assignment, **fields) -> Indicator:
    return factories.make_indicator(
        source=IndicatorSource.ORGANISATION,
        measured_by=organisation,
        assignments=[assignment],
        **fields,
    )


def value(indicator, number, category: str = "", note: str = "") -> services.ValueInput:
    return services.ValueInput(
        indicator=indicator,
        value=Decimal(number),
        dimension="gender" if category else "",
        category=category,
        note=note,
    )


@pytest.fixture
def earlier(budget):
    return factories.make_period(
        budget=budget,
        name="Tertial 1",
        opens_on=datetime.date(2000, 1, 1),
        deadline=datetime.date(2018, 5, 15),
    )


def report(status, *, assignment, organisation, period, reporter, reviewer, values) -> Report:
    return factories.make_report(
        status=status,
        assignment=assignment,
        organisation=organisation,
        period=period,
        reporter=reporter,
        reviewer=reviewer,
        values=values,
    )


def rows_of(html: str) -> dict[str, list[str]]:
    """The rows of the review's table of values: the row's heading and its cells, as text."""
    table = re.search(r'<table class="review-compare review-values">(.*?)</table>', html, re.S)
    assert table, "no table of values"
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table[1], re.S):
        heading = re.search(r'<th scope="row">(.*?)</th>', row, re.S)
        if heading:
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            rows[" ".join(heading[1].split())] = [" ".join(cell.split()) for cell in cells]
    return rows


def test_the_review_page_shows_the_values_beside_the_previous_published_ones(
    client, reviewer, reporter, organisation, assignment, period, earlier
):
    cars = measured_by(
        organisation,
        assignment,
        code="MN1",
        title_en="Clean vehicles",
        unit="%",
        has_gender_split=True,
    )
    staff = measured_by(organisation, assignment, code="MN2", title_en="Trained staff", decimals=0)
    factories.add_values(staff, {2016: 40, 2017: 55})
    common = {
        "assignment": assignment,
        "organisation": organisation,
        "reporter": reporter,
        "reviewer": reviewer,
    }
    report(
        ReportStatus.PUBLISHED,
        period=earlier,
        values=[value(cars, "31.5"), value(cars, "30", "women")],
        **common,
    )
    now = report(
        ReportStatus.SUBMITTED,
        period=period,
        values=[value(cars, "40.25", note="Två nya elbilar."), value(cars, "41", "men")],
        **common,
    )
    client.force_login(reviewer)
    response = client.get(review_page(now))
    assert response.status_code == 200
    rows = rows_of(response.content.decode())
    assert rows == {
        "MN1 Clean vehicles (%): Total": ["31.5 (Tertial 1 2018)", "40.25"],
        "MN1 Clean vehicles (%): Women": ["30.0 (Tertial 1 2018)", "Not given"],
        "MN1 Clean vehicles (%): Men": ["–", "41.0"],
        "MN1: Note": ["", "Två nya elbilar."],
        "MN2 Trained staff (%): Value": ["55 (2017)", "Not given"],
    }


def test_the_review_page_shows_the_version_not_the_working_values(
    client, reviewer, reporter, organisation, assignment, period
):
    cars = measured_by(organisation, assignment, code="MN1", title_en="Clean vehicles")
    now = report(
        ReportStatus.SUBMITTED,
        assignment=assignment,
        organisation=organisation,
        period=period,
        reporter=reporter,
        reviewer=reviewer,
        values=[value(cars, "7")],
    )
    services.return_report(report=now, by=reviewer, note="Kolla siffran.")
    services.save_report(report=now, by=reporter, content={}, values=[value(cars, "8")])
    client.force_login(reviewer)
    rows = rows_of(client.get(review_page(now)).content.decode())
    assert rows["MN1 Clean vehicles (%): Value"] == ["–", "7.0"]


def test_a_report_without_indicators_has_no_table_of_values(
    client, reviewer, reporter, organisation, assignment, period
):
    now = report(
        ReportStatus.SUBMITTED,
        assignment=assignment,
        organisation=organisation,
        period=period,
        reporter=reporter,
        reviewer=reviewer,
        values=None,
    )
    client.force_login(reviewer)
    response = client.get(review_page(now))
    assert response.context["review"]["values"] == []
    assert "review-values" not in response.content.decode()


def test_the_review_page_costs_as_many_queries_for_8_indicators_as_for_1(
    client, reviewer, reporter, organisation, budget, period, earlier
):
    def submitted_with(count: int) -> Report:
        assignment = factories.make_assignment(budget=budget, organisations=[organisation])
        indicators = [
            measured_by(organisation, assignment, has_gender_split=True) for _ in range(count)
        ]
        for indicator in indicators:
            factories.add_values(indicator, {2016: 1, 2017: 2})
        values = [value(indicator, n, note="Not.") for n, indicator in enumerate(indicators)]
        values += [value(indicator, n, "women") for n, indicator in enumerate(indicators)]
        common = {
            "assignment": assignment,
            "organisation": organisation,
            "reporter": reporter,
            "reviewer": reviewer,
            "values": values,
        }
        report(ReportStatus.PUBLISHED, period=earlier, **common)
        return report(ReportStatus.SUBMITTED, period=period, **common)

    small, large = submitted_with(1), submitted_with(8)
    client.force_login(reviewer)
    client.get(review_page(small))  # content types and the session, outside the count
    counts = []
    for submitted in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(review_page(submitted))
        assert response.status_code == 200
        counts.append(len(queries))
    assert len(response.context["review"]["values"]) == 8
    assert counts[0] == counts[1]
