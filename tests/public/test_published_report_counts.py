"""
The public read model of the progress counts (``PublishedReportCount``): per reporting
period and progress, how many reports are published and how many of those are their
organisation's latest published report on their assignment. Written with the publication
facts, read by the start page; it must say what counting the reports says.
"""

import datetime

import pytest
from django.db.models import Count, Q

from assignments import services
from assignments.models import (
    Progress,
    PublishedReportCount,
    Report,
    refresh_report_counts,
)
from assignments.public.views import empty_counts, progress_counts
from tests import factories
from tests.public.helpers import World, target

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return World()


def rows() -> set[tuple]:
    return set(
        PublishedReportCount.objects.values_list("period_id", "progress", "published", "latest")
    )


def counted(budget) -> tuple[dict[str, int], list[tuple[int, int]]]:
    """What the stored rows stand for, counted over the reports themselves."""
    progress = progress_counts(
        Report.objects.public().latest_published().filter(assignment__budget=budget)
    )
    periods = list(
        budget.periods.annotate(
            published_count=Count("reports", filter=Q(reports__published_version__isnull=False))
        )
        .filter(published_count__gt=0)
        .order_by("deadline", "pk")
        .values_list("pk", "published_count")
    )
    return progress, periods


def stored(budget) -> tuple[dict[str, int], list[tuple[int, int]]]:
    progress = empty_counts()
    periods: dict[int, int] = {}
    for period, value, published, latest in PublishedReportCount.objects.filter(
        period__budget=budget
    ).values_list("period_id", "progress", "published", "latest"):
        progress[value] += latest
        periods[period] = periods.get(period, 0) + published
    return progress, sorted(periods.items())


def test_publishing_counts_the_report_in_its_period(world):
    organisation = world.organisation("Miljönämnden")
    assignment = world.assignment([organisation])
    world.report(assignment, organisation, targets=[], progress=Progress.AT_RISK)

    assert rows() == {(world.period.pk, Progress.AT_RISK, 1, 1)}


@pytest.mark.parametrize("status", ["draft", "submitted", "returned", "approved"])
def test_a_report_that_was_never_published_is_not_counted(world, status):
    organisation = world.organisation("Miljönämnden")
    assignment = world.assignment([organisation])
    world.report(assignment, organisation, targets=[], status=status)

    assert rows() == set()


def test_a_newer_period_takes_over_the_latest_report_but_both_stay_published(world):
    organisation = world.organisation("Kulturnämnden")
    assignment = world.assignment([organisation])
    later = factories.make_period(
        budget=world.budget,
        name="Tertial 2",
        deadline=world.period.deadline + datetime.timedelta(days=120),
    )
    world.report(assignment, organisation, targets=[], progress=Progress.NOT_STARTED)
    assert rows() == {(world.period.pk, Progress.NOT_STARTED, 1, 1)}

    world.report(assignment, organisation, targets=[], progress=Progress.ON_TRACK, period=later)

    assert rows() == {
        (world.period.pk, Progress.NOT_STARTED, 1, 0),
        (later.pk, Progress.ON_TRACK, 1, 1),
    }


def test_a_published_correction_moves_the_report_to_its_new_progress(world):
    organisation = world.organisation("Kulturnämnden")
    assignment = world.assignment([organisation])
    report = world.report(assignment, organisation, targets=[target("15.1")])
    report = world.resubmit_corrected(report, targets=[], progress=Progress.OFF_TRACK)
    services.approve_report(report=report, by=world.reviewer)
    # Under review, the published version still counts.
    assert rows() == {(world.period.pk, Progress.ON_TRACK, 1, 1)}

    services.publish_report(report=report, by=world.reviewer)

    assert rows() == {(world.period.pk, Progress.OFF_TRACK, 1, 1)}


def test_a_deleted_report_is_no_longer_counted(world):
    environment = world.organisation("Miljönämnden")
    streets = world.organisation("Gatukontoret")
    assignment = world.assignment([environment, streets])
    world.report(assignment, environment, targets=[])
    report = world.report(assignment, streets, targets=[], progress=Progress.COMPLETED)
    # As a database administrator would: the versions are protected while the report
    # points at them.
    Report.objects.filter(pk=report.pk).update(published_version=None, current_version=None)
    Report.objects.get(pk=report.pk).delete()

    assert rows() == {(world.period.pk, Progress.ON_TRACK, 1, 1)}


def test_a_moved_deadline_counts_the_latest_reports_again(world):
    organisation = world.organisation("Kulturnämnden")
    assignment = world.assignment([organisation])
    later = factories.make_period(
        budget=world.budget,
        name="Tertial 2",
        deadline=world.period.deadline + datetime.timedelta(days=120),
    )
    world.report(assignment, organisation, targets=[], progress=Progress.NOT_STARTED)
    world.report(assignment, organisation, targets=[], progress=Progress.ON_TRACK, period=later)

    later.deadline = world.period.deadline - datetime.timedelta(days=30)
    later.save()

    assert rows() == {
        (world.period.pk, Progress.NOT_STARTED, 1, 1),
        (later.pk, Progress.ON_TRACK, 1, 0),
    }


def test_the_stored_counts_say_what_counting_the_reports_says(world):
    """On SQLite and PostgreSQL alike: the start page's figures from the stored rows are
    those of counting the latest published reports and the periods' published reports."""
    organisations = [world.organisation(f"Nämnd {n}") for n in range(4)]
    later = factories.make_period(
        budget=world.budget,
        name="Tertial 2",
        deadline=world.period.deadline + datetime.timedelta(days=120),
    )
    progresses = list(Progress)
    for n in range(len(organisations)):
        assignment = world.assignment(organisations[: n + 1])
        for m, responsible in enumerate(organisations[: n + 1]):
            progress = progresses[(n + m) % len(progresses)]
            world.report(assignment, responsible, targets=[], progress=progress)
            if (n + m) % 2:
                world.report(
                    assignment,
                    responsible,
                    targets=[],
                    progress=progresses[(n + 2 * m) % len(progresses)],
                    period=later,
                )
    world.report(
        world.assignment(organisations[:1]), organisations[0], targets=[], status="approved"
    )
    # Another budget's reports are not the current budget's.
    other = factories.make_report(
        status="published", period=factories.make_period(budget=factories.make_budget(year=2019))
    )

    assert stored(world.budget) == counted(world.budget)
    assert sum(stored(world.budget)[0].values()) == 10
    assert stored(other.period.budget) == counted(other.period.budget)


def test_worked_out_again_from_the_reports_alone(world):
    """What the migration does for the reports published before the model existed."""
    environment = world.organisation("Miljönämnden")
    streets = world.organisation("Gatukontoret")
    assignment = world.assignment([environment, streets])
    world.report(assignment, environment, targets=[])
    world.report(assignment, streets, targets=[], progress=Progress.COMPLETED)
    before = rows()
    assert len(before) == 2

    PublishedReportCount.objects.all().delete()
    refresh_report_counts(
        Report.objects.values_list("period_id", flat=True), Report, PublishedReportCount
    )

    assert rows() == before
