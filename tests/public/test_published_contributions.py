"""
The public read model of the contributions (``PublishedContribution``): a row for each
target the public version of a report contributes to, written when a report is published
and read by the goal pages and the assignment list's goal filter; and the goals' progress
and targets' counts counted from it (``GoalProgressCount``, ``TargetReportCount``).
"""

import datetime

import pytest
from django.db.models import Count

from assignments import services
from assignments.models import (
    GoalProgressCount,
    Progress,
    PublishedContribution,
    Report,
    TargetReportCount,
    refresh_contributions,
    refresh_goal_counts,
)
from tests import factories
from tests.public.helpers import World, target

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return World()


def rows() -> set[tuple]:
    return set(
        PublishedContribution.objects.values_list(
            "report_id",
            "target__code",
            "period_id",
            "assignment_id",
            "organisation_id",
            "progress",
        )
    )


def test_publishing_records_each_target_with_what_the_pages_sort_and_count_by(world):
    organisation = world.organisation("Miljönämnden")
    assignment = world.assignment([organisation])
    report = world.report(
        assignment, organisation, targets=[target("11.6"), target("13.3")], progress="at_risk"
    )
    common = (world.period.pk, assignment.pk, organisation.pk, Progress.AT_RISK)
    assert rows() == {(report.pk, "11.6", *common), (report.pk, "13.3", *common)}


@pytest.mark.parametrize("status", ["draft", "submitted", "returned", "approved"])
def test_a_report_that_was_never_published_has_none(world, status):
    organisation = world.organisation("Miljönämnden")
    assignment = world.assignment([organisation])
    world.report(assignment, organisation, targets=[target("11.6")], status=status)
    assert rows() == set()


def test_a_correction_counts_once_published_and_replaces_what_was_published(world):
    organisation = world.organisation("Kulturnämnden")
    assignment = world.assignment([organisation])
    report = world.report(assignment, organisation, targets=[target("15.1")])
    report = world.resubmit_corrected(
        report, targets=[target("15.2"), target("16.1")], progress=Progress.OFF_TRACK
    )
    services.approve_report(report=report, by=world.reviewer)
    # Under review, the published version still stands.
    assert {row[1:] for row in rows()} == {
        ("15.1", world.period.pk, assignment.pk, organisation.pk, Progress.ON_TRACK)
    }

    services.publish_report(report=report, by=world.reviewer)

    common = (world.period.pk, assignment.pk, organisation.pk, Progress.OFF_TRACK)
    assert rows() == {(report.pk, "15.2", *common), (report.pk, "16.1", *common)}


def test_publishing_one_report_leaves_the_others_rows_alone(world):
    environment = world.organisation("Miljönämnden")
    streets = world.organisation("Gatukontoret")
    assignment = world.assignment([environment, streets])
    first = world.report(assignment, environment, targets=[target("11.6")])
    world.report(assignment, streets, targets=[target("11.2")])
    assert {(row[0], row[1]) for row in rows() if row[0] == first.pk} == {(first.pk, "11.6")}
    assert len(rows()) == 2


def test_a_deleted_report_takes_its_rows_with_it(world):
    organisation = world.organisation("Miljönämnden")
    assignment = world.assignment([organisation])
    report = world.report(assignment, organisation, targets=[target("11.6")])
    # As a database administrator would: the versions are protected while the report
    # points at them.
    Report.objects.filter(pk=report.pk).update(published_version=None, current_version=None)
    Report.objects.get(pk=report.pk).delete()
    assert rows() == set()


def test_worked_out_again_from_the_published_versions_alone(world):
    """What the migration does for the reports published before the model existed."""
    environment = world.organisation("Miljönämnden")
    streets = world.organisation("Gatukontoret")
    assignment = world.assignment([environment, streets])
    world.report(assignment, environment, targets=[target("11.6"), target("13.3")])
    world.report(assignment, streets, targets=[target("11.2")], progress="completed")
    other = world.assignment([streets])
    world.report(other, streets, targets=[target("1.1")], status="submitted")
    before = rows()
    assert len(before) == 3

    PublishedContribution.objects.all().delete()
    refresh_contributions(Report.objects.all(), PublishedContribution)

    assert rows() == before


def test_each_row_carries_its_periods_deadline_even_when_the_deadline_moves(world):
    organisation = world.organisation("Miljönämnden")
    assignment = world.assignment([organisation])
    world.report(assignment, organisation, targets=[target("11.6"), target("13.3")])
    assert set(PublishedContribution.objects.values_list("deadline", flat=True)) == {
        world.period.deadline
    }

    world.period.deadline = datetime.date(2098, 6, 30)
    world.period.save()

    assert set(PublishedContribution.objects.values_list("deadline", flat=True)) == {
        datetime.date(2098, 6, 30)
    }


# The goals' progress counts


def stored_counts() -> set[tuple]:
    return set(
        GoalProgressCount.objects.values_list("goal__number", "period_id", "progress", "reports")
    )


def counted() -> set[tuple]:
    """What the stored counts must say: counted from the contributions, each report once per
    goal."""
    return set(
        PublishedContribution.objects.order_by()
        .values_list("target__goal__number", "period_id", "progress")
        .annotate(reports=Count("report_id", distinct=True))
    )


def stored_target_counts() -> dict[str, int]:
    return dict(TargetReportCount.objects.values_list("target__code", "reports"))


def counted_per_target() -> dict[str, int]:
    return dict(
        PublishedContribution.objects.order_by()
        .values_list("target__code")
        .annotate(reports=Count("report_id"))
    )


def test_a_goals_counts_count_each_published_report_once_by_period_and_progress(world):
    environment = world.organisation("Miljönämnden")
    streets = world.organisation("Gatukontoret")
    assignment = world.assignment([environment, streets])
    later = factories.make_period(budget=world.budget, deadline=datetime.date(2099, 12, 31))
    world.report(assignment, environment, targets=[target("11.6"), target("11.2")])
    world.report(assignment, streets, targets=[target("11.6")], progress="at_risk")
    world.report(assignment, environment, targets=[target("13.3")], period=later)
    world.report(world.assignment([streets]), streets, targets=[target("11.1")], status="submitted")

    sdg11 = target("11.6").goal.number
    assert (
        stored_counts()
        == counted()
        == {
            (sdg11, world.period.pk, Progress.ON_TRACK, 1),
            (sdg11, world.period.pk, Progress.AT_RISK, 1),
            (13, later.pk, Progress.ON_TRACK, 1),
        }
    )


def test_a_published_correction_moves_its_report_between_goals_and_progress(world):
    organisation = world.organisation("Kulturnämnden")
    assignment = world.assignment([organisation])
    report = world.report(assignment, organisation, targets=[target("15.1")])
    assert stored_counts() == {(15, world.period.pk, Progress.ON_TRACK, 1)}
    report = world.resubmit_corrected(report, targets=[target("16.1")], progress=Progress.OFF_TRACK)
    services.approve_report(report=report, by=world.reviewer)
    assert stored_counts() == {(15, world.period.pk, Progress.ON_TRACK, 1)}

    services.publish_report(report=report, by=world.reviewer)

    assert stored_counts() == counted() == {(16, world.period.pk, Progress.OFF_TRACK, 1)}
    assert stored_target_counts() == {"16.1": 1}


def test_a_deleted_report_is_no_longer_counted(world):
    organisation = world.organisation("Miljönämnden")
    assignment = world.assignment([organisation])
    report = world.report(assignment, organisation, targets=[target("11.6")])
    world.report(world.assignment([organisation]), organisation, targets=[target("11.2")])
    # As a database administrator would (see test_a_deleted_report_takes_its_rows_with_it).
    Report.objects.filter(pk=report.pk).update(published_version=None, current_version=None)
    Report.objects.get(pk=report.pk).delete()
    assert stored_counts() == counted() == {(11, world.period.pk, Progress.ON_TRACK, 1)}
    assert stored_target_counts() == {"11.2": 1}


def test_counts_worked_out_again_from_the_contributions_alone(world):
    """What the migration does for the reports published before the model existed."""
    organisation = world.organisation("Miljönämnden")
    assignment = world.assignment([organisation])
    world.report(assignment, organisation, targets=[target("11.6"), target("13.3")])
    before = stored_counts(), stored_target_counts()
    assert len(before[0]) == len(before[1]) == 2

    GoalProgressCount.objects.all().delete()
    TargetReportCount.objects.all().delete()
    refresh_goal_counts(None, PublishedContribution, GoalProgressCount, TargetReportCount)

    assert (stored_counts(), stored_target_counts()) == before
