"""
What is stored about a report's publication (``published_at``, ``is_latest_published``): set
by the publish service, kept right when a period's deadline changes or a report is deleted,
and worked out from the event log for reports published before the fields existed.
"""

import datetime

import pytest

from assignments import services
from assignments.models import Report, ReportAction, ReportStatus
from tests import factories

pytestmark = pytest.mark.django_db


def facts() -> dict[int, tuple]:
    rows = Report.objects.values_list("pk", "published_at", "is_latest_published")
    return {pk: (at, latest) for pk, at, latest in rows}


@pytest.fixture
def periods(budget):
    return [
        factories.make_period(budget=budget, name=name, deadline=deadline)
        for name, deadline in (
            ("Tertial 1", datetime.date(2018, 4, 30)),
            ("Tertial 2", datetime.date(2018, 8, 31)),
            ("Årsanalys", datetime.date(2019, 1, 31)),
        )
    ]


@pytest.fixture
def shared(budget, organisation, other_organisation):
    """An assignment to two organisations, and the other organisation's reporter."""
    assignment = factories.make_assignment(
        budget=budget, organisations=[organisation, other_organisation]
    )
    return assignment, factories.make_member(other_organisation)


def test_publishing_stores_the_time_of_the_published_event(
    assignment, organisation, period, reporter, reviewer
):
    report = factories.make_report(
        status=ReportStatus.PUBLISHED,
        assignment=assignment,
        organisation=organisation,
        period=period,
        reporter=reporter,
        reviewer=reviewer,
    )
    event = report.events.get(action=ReportAction.PUBLISHED)
    assert report.published_at == event.at
    assert report.is_latest_published
    report.refresh_from_db()
    assert report.published_at == event.at and report.is_latest_published


def test_the_latest_period_holds_the_organisations_current_word(
    assignment, organisation, periods, reporter, reviewer
):
    first, second, third = periods
    middle = factories.make_report(
        status=ReportStatus.PUBLISHED,
        assignment=assignment,
        organisation=organisation,
        period=second,
        reporter=reporter,
        reviewer=reviewer,
    )
    assert middle.is_latest_published
    # An older period published afterwards does not take its place...
    older = factories.make_report(
        status=ReportStatus.PUBLISHED,
        assignment=assignment,
        organisation=organisation,
        period=first,
        reporter=reporter,
        reviewer=reviewer,
    )
    assert not older.is_latest_published
    middle.refresh_from_db()
    assert middle.is_latest_published
    # ...a newer one does.
    newest = factories.make_report(
        status=ReportStatus.PUBLISHED,
        assignment=assignment,
        organisation=organisation,
        period=third,
        reporter=reporter,
        reviewer=reviewer,
    )
    assert newest.is_latest_published
    assert list(Report.objects.latest_published()) == [newest]


def test_each_organisation_has_its_own_latest_report(
    shared, organisation, other_organisation, periods, reporter, reviewer
):
    assignment, other_reporter = shared
    ours = factories.make_report(
        status=ReportStatus.PUBLISHED,
        assignment=assignment,
        organisation=organisation,
        period=periods[2],
        reporter=reporter,
        reviewer=reviewer,
    )
    theirs = factories.make_report(
        status=ReportStatus.PUBLISHED,
        assignment=assignment,
        organisation=other_organisation,
        period=periods[0],
        reporter=other_reporter,
        reviewer=reviewer,
    )
    assert set(Report.objects.latest_published()) == {ours, theirs}


def test_a_reopened_report_keeps_its_publication_until_the_correction_is_published(
    assignment, organisation, period, reporter, reviewer
):
    report = factories.make_report(
        status=ReportStatus.PUBLISHED,
        assignment=assignment,
        organisation=organisation,
        period=period,
        reporter=reporter,
        reviewer=reviewer,
    )
    published_at = report.published_at
    services.reopen_report(report=report, by=reviewer, note="Rätta siffrorna.")
    report.refresh_from_db()
    assert (report.published_at, report.is_latest_published) == (published_at, True)
    services.save_report(report=report, by=reporter, content={"summary": "Rättad."})
    services.submit_report(report=report, by=reporter)
    report.refresh_from_db()
    services.approve_report(report=report, by=reviewer)
    report = services.publish_report(report=report, by=reviewer)
    assert report.published_at > published_at
    assert report.published_at == report.events.filter(action="published").latest("at").at


def test_moving_a_deadline_moves_the_latest_report(
    assignment, organisation, periods, reporter, reviewer
):
    first, second, _third = periods
    early = factories.make_report(
        status=ReportStatus.PUBLISHED,
        assignment=assignment,
        organisation=organisation,
        period=first,
        reporter=reporter,
        reviewer=reviewer,
    )
    late = factories.make_report(
        status=ReportStatus.PUBLISHED,
        assignment=assignment,
        organisation=organisation,
        period=second,
        reporter=reporter,
        reviewer=reviewer,
    )
    assert list(Report.objects.latest_published()) == [late]
    first.deadline = datetime.date(2019, 6, 30)
    first.save()
    assert list(Report.objects.latest_published()) == [early]


def test_saving_a_period_without_moving_its_deadline_leaves_the_reports_alone(
    assignment, organisation, periods, reporter, reviewer, django_assert_num_queries
):
    first, second, _third = periods
    factories.make_report(
        status=ReportStatus.PUBLISHED,
        assignment=assignment,
        organisation=organisation,
        period=first,
        reporter=reporter,
        reviewer=reviewer,
    )
    late = factories.make_report(
        status=ReportStatus.PUBLISHED,
        assignment=assignment,
        organisation=organisation,
        period=second,
        reporter=reporter,
        reviewer=reviewer,
    )
    first.name = "Tertial 1 (rättat namn)"
    # The period's update, and a look at its stored deadline: no report is touched.
    with django_assert_num_queries(2) as captured:
        first.save()
    assert not any('"assignments_report"' in query["sql"] for query in captured.captured_queries)
    with django_assert_num_queries(1):
        first.save(update_fields=["name"])
    assert list(Report.objects.latest_published()) == [late]


def test_a_deadline_moved_with_update_fields_and_moved_back_is_followed_each_time(
    assignment, organisation, periods, reporter, reviewer
):
    first, second, _third = periods
    early = factories.make_report(
        status=ReportStatus.PUBLISHED,
        assignment=assignment,
        organisation=organisation,
        period=first,
        reporter=reporter,
        reviewer=reviewer,
    )
    late = factories.make_report(
        status=ReportStatus.PUBLISHED,
        assignment=assignment,
        organisation=organisation,
        period=second,
        reporter=reporter,
        reviewer=reviewer,
    )
    first.deadline = datetime.date(2019, 6, 30)
    first.save(update_fields=["deadline"])
    assert list(Report.objects.latest_published()) == [early]
    first.deadline = datetime.date(2018, 4, 30)
    first.save()
    assert list(Report.objects.latest_published()) == [late]


def test_deleting_the_latest_report_makes_the_one_before_it_the_latest(
    assignment, organisation, periods, reporter, reviewer
):
    early = factories.make_report(
        status=ReportStatus.PUBLISHED,
        assignment=assignment,
        organisation=organisation,
        period=periods[0],
        reporter=reporter,
        reviewer=reviewer,
    )
    late = factories.make_report(
        status=ReportStatus.PUBLISHED,
        assignment=assignment,
        organisation=organisation,
        period=periods[1],
        reporter=reporter,
        reviewer=reviewer,
    )
    # As a database administrator would: the versions are protected while the report
    # points at them.
    Report.objects.filter(pk=late.pk).update(published_version=None, current_version=None)
    Report.objects.get(pk=late.pk).delete()
    assert list(Report.objects.latest_published()) == [early]


def test_refresh_works_out_the_facts_from_the_event_log_alone(
    shared, organisation, other_organisation, periods, reporter, reviewer
):
    """What the migration does for the reports published before the fields existed."""
    assignment, other_reporter = shared
    for period in periods[:2]:
        factories.make_report(
            status=ReportStatus.PUBLISHED,
            assignment=assignment,
            organisation=organisation,
            period=period,
            reporter=reporter,
            reviewer=reviewer,
        )
    factories.make_report(
        status=ReportStatus.PUBLISHED,
        assignment=assignment,
        organisation=other_organisation,
        period=periods[0],
        reporter=other_reporter,
        reviewer=reviewer,
    )
    draft = services.create_report(
        assignment=assignment, organisation=organisation, period=periods[2], by=reporter
    )
    expected = facts()
    assert sum(latest for _at, latest in expected.values()) == 2
    assert expected[draft.pk] == (None, False)

    Report.objects.update(published_at=None, is_latest_published=True)
    Report.objects.refresh_publication()
    assert facts() == expected
