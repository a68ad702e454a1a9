"""The detail pages' SQL gives the rows of the ORM queries it stands for, on SQLite and
PostgreSQL, each in its order: the organisation page's (``views._ORGANISATION_SQL``: the
organisation's assignments, the targets of its published reports and the goals its work
touches) and the assignment page's (``views._ASSIGNMENT_SQL``: its organisations, its budget's
periods, its goals and its targets)."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Q

from assignments.models import (
    Assignment,
    MembershipRole,
    PublishedContribution,
    ReportingPeriod,
    ReportStatus,
    Responsibility,
    ResponsibilityRole,
)
from assignments.public.views import _assignment_rows, _organisation_rows
from goals.models import GlobalGoal, GlobalTarget
from tests import factories
from tests.public.helpers import GOAL_ROW_FIELDS, TARGET_ROW_FIELDS


def orm_rows(organisation) -> dict[str, list[tuple]]:
    """The same rows, read through the ORM as the page read them before."""
    targets = list(
        GlobalTarget.objects.filter(
            pk__in=PublishedContribution.objects.filter(organisation=organisation).values("target")
        )
        .order_by("goal__framework", "goal__number", "position")
        .values_list(*TARGET_ROW_FIELDS)
    )
    through = Assignment.global_goals.through.objects
    via_targets = Assignment.global_targets.through.objects
    goals = GlobalGoal.objects.filter(
        Q(
            pk__in=through.filter(assignment__responsibilities__organisation=organisation).values(
                "globalgoal"
            )
        )
        | Q(
            pk__in=via_targets.filter(
                assignment__responsibilities__organisation=organisation
            ).values("globaltarget__goal")
        )
        | Q(pk__in={goal_id for *_fields, goal_id in targets})
    )
    return {
        "responsibilities": list(
            organisation.responsibilities.order_by(
                "-assignment__budget__year", "assignment__code", "assignment__pk"
            ).values_list(
                "assignment_id",
                "assignment__code",
                "assignment__title",
                "assignment__budget__year",
                "role",
            )
        ),
        "targets": targets,
        "goals": list(goals.order_by("framework", "number").values_list(*GOAL_ROW_FIELDS)),
    }


@pytest.mark.django_db
def test_the_organisation_pages_rows_are_those_of_the_orm():
    organisation, other = factories.make_organisation(), factories.make_organisation()
    older, newer = factories.make_budget(year=2018), factories.make_budget(year=2019)
    sdg = GlobalGoal.objects.sdg()
    # Linked to a goal directly, to a target (of another goal and of the same one), nothing.
    direct = factories.make_assignment(budget=older, code="B2", organisations=[organisation])
    direct.global_goals.add(sdg.get(number=11), sdg.get(number=3))
    via_target = factories.make_assignment(budget=newer, code="A1", organisations=[organisation])
    via_target.global_targets.add(
        GlobalTarget.objects.get(goal__framework="sdg", code="13.2"),
        GlobalTarget.objects.get(goal__framework="sdg", code="11.6"),
    )
    factories.make_assignment(budget=older, code="A9", organisations=[organisation])
    # Taking part in another organisation's assignment, linked to a Millennium goal.
    shared = factories.make_assignment(budget=older, code="C1", organisations=[other])
    Responsibility.objects.create(
        assignment=shared, organisation=organisation, role=ResponsibilityRole.PARTICIPANT
    )
    shared.global_goals.add(GlobalGoal.objects.mdg().get(number=7))
    # Its published reports reach 15.1 and 11.6; a draft's 4.1 and the other's 2.4 do not count.
    factories.make_report(
        status=ReportStatus.PUBLISHED,
        assignment=direct,
        organisation=organisation,
        targets=["15.1", "11.6"],
    )
    factories.make_report(
        status=ReportStatus.DRAFT,
        assignment=via_target,
        organisation=organisation,
        reporter=factories.make_member(organisation, role=MembershipRole.REPORTER),
        targets=["4.1"],
    )
    factories.make_report(status=ReportStatus.PUBLISHED, organisation=other, targets=["2.4"])

    for each in (organisation, other, factories.make_organisation()):
        assert _organisation_rows(each) == orm_rows(each)
    rows = _organisation_rows(organisation)
    assert [row[1] for row in rows["responsibilities"]] == ["A1", "A9", "B2", "C1"]
    assert [row[0] for row in rows["targets"]] == ["11.6", "15.1"]
    assert [(row[0], row[1]) for row in rows["goals"]] == [
        ("mdg", 7),
        ("sdg", 3),
        ("sdg", 11),
        ("sdg", 13),
        ("sdg", 15),
    ]


def orm_assignment_rows(assignment: Assignment) -> dict[str, list[tuple]]:
    """The same rows, read through the ORM as the assignment page read them before."""
    return {
        "responsible": list(
            assignment.responsibilities.order_by("role", "organisation__name").values_list(
                "organisation_id", "organisation__name", "organisation__slug", "role"
            )
        ),
        "periods": list(
            ReportingPeriod.objects.filter(budget_id=assignment.budget_id)
            .order_by("deadline", "pk")
            .values_list("pk", "name")
        ),
        "goals": list(
            GlobalGoal.objects.filter(assignments=assignment)
            .order_by("framework", "number")
            .values_list(*GOAL_ROW_FIELDS)
        ),
        "targets": list(
            GlobalTarget.objects.filter(assignments=assignment)
            .order_by("goal__framework", "goal__number", "position")
            .values_list(*TARGET_ROW_FIELDS)
        ),
    }


@pytest.mark.django_db
def test_the_assignment_pages_rows_are_those_of_the_orm():
    budget, other_budget = factories.make_budget(year=2018), factories.make_budget(year=2019)
    names = ["Tekniska nämnden", "Arbetsmarknadsnämnden", "Miljönämnden", "Kulturnämnden"]
    organisations = [factories.make_organisation(name=name) for name in names]
    assignment = factories.make_assignment(budget=budget, organisations=organisations[:2])
    for organisation in organisations[2:]:
        Responsibility.objects.create(
            assignment=assignment, organisation=organisation, role=ResponsibilityRole.PARTICIPANT
        )
    sdg, mdg = GlobalGoal.objects.sdg(), GlobalGoal.objects.mdg()
    assignment.global_goals.add(sdg.get(number=11), mdg.get(number=7), sdg.get(number=3))
    assignment.global_targets.add(
        *GlobalTarget.objects.filter(goal__framework="sdg", code__in=["13.2", "11.6", "11.1"]),
        GlobalTarget.objects.get(goal__framework="mdg", code="7.A"),
    )
    # Two periods of one deadline, one later, one earlier; and one of another budget.
    for name, month in [("Tertial 2", 9), ("Tertial 1", 5), ("Tertial 1b", 5), ("Helår", 12)]:
        factories.make_period(budget=budget, name=name, deadline=datetime.date(2019, month, 1))
    factories.make_period(budget=other_budget, name="Annan")
    bare = factories.make_assignment(budget=other_budget)

    for each in (assignment, bare):
        assert _assignment_rows(each) == orm_assignment_rows(each)
    rows = _assignment_rows(assignment)
    assert [row[1] for row in rows["responsible"]] == [
        "Arbetsmarknadsnämnden",
        "Tekniska nämnden",
        "Kulturnämnden",
        "Miljönämnden",
    ]
    assert [row[1] for row in rows["periods"]] == ["Tertial 1", "Tertial 1b", "Tertial 2", "Helår"]
    assert [(row[0], row[1]) for row in rows["goals"]] == [("mdg", 7), ("sdg", 3), ("sdg", 11)]
    assert [row[0] for row in rows["targets"]] == ["7.A", "11.1", "11.6", "13.2"]


def orm_linked_assignments(goal: GlobalGoal, shown: int) -> tuple[list[tuple], int]:
    """The goal page's assignments, read through the ORM as the page read them before."""
    linked = Assignment.objects.filter(
        Q(
            pk__in=Assignment.global_goals.through.objects.filter(globalgoal=goal).values(
                "assignment_id"
            )
        )
        | Q(
            pk__in=Assignment.global_targets.through.objects.filter(globaltarget__goal=goal).values(
                "assignment_id"
            )
        )
    ).order_by("-budget__year", "code", "pk")
    rows = list(linked.values_list("pk", "code", "title", "budget__year"))
    return rows[:shown], len(rows)


@pytest.mark.django_db
@pytest.mark.parametrize("shown", [1, 3, 20])
def test_the_goal_pages_assignments_are_those_of_the_orm(shown, monkeypatch):
    from assignments.public import goals

    monkeypatch.setattr(goals, "ASSIGNMENTS_SHOWN", shown)
    budgets = [factories.make_budget(year=year) for year in (2017, 2018, 2019)]
    sdg = GlobalGoal.objects.sdg()
    eleven, thirteen = sdg.get(number=11), sdg.get(number=13)
    t116, t111, t132 = (
        GlobalTarget.objects.get(goal__framework="sdg", code=code)
        for code in ("11.6", "11.1", "13.2")
    )
    # Assignments of three budgets, with codes out of order, linked to goal 11 directly, by
    # one or two of its targets, both ways, or only to goal 13.
    links = [
        ("B7", 0, [eleven], [t116]),
        ("A2", 0, [], [t116, t111]),
        ("C1", 1, [eleven], []),
        ("A1", 1, [], [t116]),
        ("Z9", 2, [], [t111]),
        ("M3", 2, [eleven, thirteen], [t116, t132]),
        ("D4", 2, [thirteen], [t132]),
    ]
    for code, budget, goals_linked, targets_linked in links:
        assignment = factories.make_assignment(budget=budgets[budget], code=code)
        assignment.global_goals.add(*goals_linked)
        assignment.global_targets.add(*targets_linked)

    for goal in (eleven, thirteen, sdg.get(number=1)):
        rows, total = goals._linked_assignments(goal)
        assert (rows, total) == orm_linked_assignments(goal, shown)
        # Each target's count of linked assignments, as its page lists them.
        counts = {row.target.pk: row.assignment_count for row in goals._targets_with_counts(goal)}
        assert counts == {t.pk: t.assignments.count() for t in goal.targets.all()}
    rows, total = goals._linked_assignments(eleven)
    assert [row[1] for row in rows] == ["M3", "Z9", "A1", "C1", "A2", "B7"][:shown]
    assert total == 6
