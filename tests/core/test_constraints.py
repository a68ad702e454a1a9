"""Invariants live in the database, so they hold on SQLite and PostgreSQL alike."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from assignments.models import (
    Membership,
    Organisation,
    Report,
    ReportEvent,
    ReportingPeriod,
    ReportVersion,
    Responsibility,
)
from goals.models import Budget, GlobalGoal, GlobalTarget, GoalArea
from tests import factories

pytestmark = pytest.mark.django_db


def rejected(create):
    """True when the database refuses what ``create`` writes."""
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


@pytest.fixture
def report(assignment, organisation, period):
    return Report.objects.create(assignment=assignment, organisation=organisation, period=period)


def test_one_report_per_assignment_organisation_and_period(report, other_organisation):
    assert rejected(
        lambda: Report.objects.create(
            assignment=report.assignment, organisation=report.organisation, period=report.period
        )
    )
    # Another organisation's report on the same assignment and period is fine.
    assert not rejected(
        lambda: Report.objects.create(
            assignment=report.assignment, organisation=other_organisation, period=report.period
        )
    )


@pytest.mark.parametrize(
    ("field", "value", "allowed"),
    [
        ("status", "lost", False),
        ("status", "published", True),
        ("progress", "sideways", False),
        ("progress", "at_risk", True),
        ("percent_complete", 101, False),
        ("percent_complete", 100, True),
        ("percent_complete", 0, True),
        ("percent_complete", None, True),
    ],
)
def test_report_values_are_checked(report, field, value, allowed):
    assert rejected(lambda: Report.objects.filter(pk=report.pk).update(**{field: value})) != (
        allowed
    )


def test_version_values_and_numbers_are_checked(report):
    ReportVersion.objects.create(report=report, number=1)
    assert rejected(lambda: ReportVersion.objects.create(report=report, number=1))
    assert rejected(lambda: ReportVersion.objects.create(report=report, number=2, progress="x"))
    assert rejected(
        lambda: ReportVersion.objects.create(report=report, number=3, percent_complete=150)
    )


def test_a_version_cannot_be_changed_once_written(report):
    version = ReportVersion.objects.create(report=report, number=1, summary="Som inskickad")
    version.summary = "Ändrad i efterhand"
    with pytest.raises(ValueError, match="immutable"):
        version.save()
    version.refresh_from_db()
    assert version.summary == "Som inskickad"


def test_event_actions_are_checked(report):
    assert rejected(
        lambda: ReportEvent.objects.create(report=report, action="x", to_status="draft")
    )
    assert rejected(
        lambda: ReportEvent.objects.create(report=report, action="saved", to_status="x")
    )


def test_target_codes_are_unique_within_their_goal():
    goal_11 = GlobalGoal.objects.sdg().get(number=11)
    assert rejected(lambda: GlobalTarget.objects.create(goal=goal_11, code="11.6", text_en="x"))
    # The same code in another framework's goal is another target.
    mdg_7 = GlobalGoal.objects.mdg().get(number=7)
    assert not rejected(lambda: GlobalTarget.objects.create(goal=mdg_7, code="11.6", text_en="x"))


def test_global_goal_numbers_are_unique_and_within_their_framework():
    assert rejected(lambda: GlobalGoal.objects.create(framework="sdg", number=1, title_en="x"))
    assert rejected(lambda: GlobalGoal.objects.create(framework="sdg", number=18, title_en="x"))
    assert rejected(lambda: GlobalGoal.objects.create(framework="mdg", number=9, title_en="x"))
    assert rejected(lambda: GlobalGoal.objects.create(framework="xyz", number=1, title_en="x"))


def test_organisation_kind_and_validity_are_checked():
    assert rejected(lambda: factories.make_organisation(kind="förening"))
    assert rejected(
        lambda: factories.make_organisation(
            valid_from=datetime.date(2018, 1, 1), valid_to=datetime.date(2017, 1, 1)
        )
    )
    assert not rejected(
        lambda: factories.make_organisation(
            valid_from=datetime.date(2017, 1, 1), valid_to=datetime.date(2017, 1, 1)
        )
    )
    organisation = factories.make_organisation()
    assert rejected(lambda: factories.make_organisation(name=organisation.name))
    assert rejected(
        lambda: Organisation.objects.filter(pk=organisation.pk).update(parent=organisation)
    )


def test_memberships_and_responsibilities_are_unique_with_valid_roles(
    reporter, organisation, assignment
):
    assert rejected(lambda: Membership.objects.create(user=reporter, organisation=organisation))
    other = factories.make_organisation()
    assert rejected(
        lambda: Membership.objects.create(user=reporter, organisation=other, role="boss")
    )
    assert rejected(
        lambda: Responsibility.objects.create(assignment=assignment, organisation=organisation)
    )
    assert rejected(
        lambda: Responsibility.objects.create(assignment=assignment, organisation=other, role="x")
    )


def test_periods_have_unique_names_and_deadlines_after_opening(budget):
    ReportingPeriod.objects.create(
        budget=budget, name="Tertial 1", opens_on="2018-04-16", deadline="2018-05-11"
    )
    assert rejected(
        lambda: ReportingPeriod.objects.create(
            budget=budget, name="Tertial 1", opens_on="2018-08-20", deadline="2018-09-14"
        )
    )
    assert rejected(
        lambda: ReportingPeriod.objects.create(
            budget=budget, name="Tertial 2", opens_on="2018-09-14", deadline="2018-08-20"
        )
    )


def test_budget_years_and_area_numbers_are_unique(budget):
    assert rejected(lambda: Budget.objects.create(year=2018, title="Igen"))
    assert rejected(lambda: Budget.objects.create(year=1066, title="Hastings"))
    GoalArea.objects.create(budget=budget, number=1, name="En")
    assert rejected(lambda: GoalArea.objects.create(budget=budget, number=1, name="Två"))
