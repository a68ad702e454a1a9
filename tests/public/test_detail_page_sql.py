"""The detail pages' SQL gives the rows of the ORM queries it stands for, on SQLite and
PostgreSQL, each in its order: the organisation page's (``views._ORGANISATION_SQL``: the
organisation's assignments, the targets of its published reports and the goals its work
touches), the assignment page's (``views._ASSIGNMENT_SQL``: its organisations, its budget's
periods, its goals and its targets), and the goal and target pages' (``goals._GOAL_PAGE_SQL``
and the target page's, for links drawn by hypothesis)."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assignments.models import (
    Assignment,
    GoalProgressCount,
    Indicator,
    MembershipRole,
    PublishedContribution,
    ReportingPeriod,
    ReportStatus,
    Responsibility,
    ResponsibilityRole,
)
from assignments.public import sql
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


# The goal and target pages' SQL (``goals._GOAL_PAGE_SQL``, ``_TARGET_SQL``,
# ``TargetAssignments``, ``_indicators_of``, ``_TARGET_INDICATORS_SQL``) against the ORM.

a_link_set = st.lists(
    st.tuples(
        st.integers(0, 2),  # the budget
        st.sampled_from(["A1", "A2", "B7", "C1", "M3", "Z9", "D4", "a1"]),  # its code
        st.sets(st.sampled_from([11, 13])),  # goals it is linked to
        st.sets(st.sampled_from(["11.1", "11.6", "11.a", "13.2"])),  # targets
    ),
    max_size=8,
)


def orm_assignment_count(goal: GlobalGoal) -> int:
    return (
        Assignment.objects.filter(Q(global_goals=goal) | Q(global_targets__goal=goal))
        .distinct()
        .count()
    )


@pytest.mark.django_db
@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(links=a_link_set, per_page=st.integers(1, 4))
def test_the_goal_and_target_pages_sql_gives_the_rows_of_the_orm(links, per_page):
    from assignments.public import goals

    with transaction.atomic():
        budgets = [factories.make_budget(year=year) for year in (2017, 2018, 2019)]
        targets = {t.code: t for t in GlobalTarget.objects.filter(goal__framework="sdg")}
        sdg = {goal.number: goal for goal in GlobalGoal.objects.sdg()}
        for n, (budget, code, goal_numbers, target_codes) in enumerate(links):
            assignment = factories.make_assignment(budget=budgets[budget], code=f"{code}-{n}")
            assignment.global_goals.add(*(sdg[number] for number in goal_numbers))
            assignment.global_targets.add(*(targets[code] for code in target_codes))
        indicator = factories.make_indicator(code="Z-last")
        indicator.global_targets.add(targets["11.6"], targets["11.1"], targets["13.2"])
        factories.make_indicator(code="A-first").global_targets.add(targets["11.6"])

        for goal in (sdg[11], sdg[13], sdg[1]):
            found = sql.rows_of_each(goals._GOAL_PAGE_SQL, {"goal": goal.pk})
            assert found["assignment_count"] == [(orm_assignment_count(goal),)]
            rows = goals._target_rows(goal, found["targets"])
            ordered = list(goal.targets.order_by("position", "pk"))
            assert [row.target.pk for row in rows] == [t.pk for t in ordered]
            assert [row.assignment_count for row in rows] == [
                t.assignments.count() for t in ordered
            ]
            assert [row.url for row in rows] == [
                reverse("goals_public:sdg_target", args=[goal.number, t.code]) for t in ordered
            ]
            # The indicators of the goal's targets, each once, with the targets it follows.
            followed = [
                (i.code, [t.code for t in i.goal_targets]) for i in goals._indicators_of(goal)
            ]
            assert followed == [
                (
                    i.code,
                    list(
                        i.global_targets.filter(goal=goal)
                        .order_by("position", "pk")
                        .values_list("code", flat=True)
                    ),
                )
                for i in Indicator.objects.filter(global_targets__goal=goal)
                .distinct()
                .order_by("code")
            ]

        for target in targets.values():
            if target.goal.number not in (11, 13):
                continue
            (row,) = GlobalTarget.objects.raw(
                goals._TARGET_SQL.format(**sql.tables()), [target.goal_id, target.code]
            )
            assert row.pk == target.pk
            assert row.assignment_count == target.assignments.count()
            assert row.report_count == 0
            orm = list(
                target.assignments.order_by("-budget__year", "code", "pk").values_list(
                    "pk", "code", "title", "budget__year"
                )
            )
            linked = goals.TargetAssignments(target.pk, row.assignment_count)
            assert len(linked) == len(orm)
            for start in range(0, len(orm) + 1, per_page):
                assert linked[start : start + per_page] == orm[start : start + per_page]
            assert list(linked) == orm  # one at a time, as a sequence
            indicators = GlobalTarget.objects.raw(
                goals._TARGET_INDICATORS_SQL.format(**sql.tables()), [target.pk]
            )
            assert [i.code for i in indicators] == list(
                target.indicators.order_by("code").values_list("code", flat=True)
            )
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_goal_page_reads_its_progress_by_period_as_stored():
    from assignments.public import goals

    budget = factories.make_budget(year=2019)
    later = factories.make_period(budget=budget, name="Helår", deadline=datetime.date(2019, 12, 1))
    first = factories.make_period(
        budget=budget, name="Tertial 1", deadline=datetime.date(2019, 5, 1)
    )
    eleven = GlobalGoal.objects.sdg().get(number=11)
    for period, progress, reports in [
        (later, "on_track", 2),
        (first, "at_risk", 1),
        (first, "completed", 4),
    ]:
        GoalProgressCount.objects.create(
            goal=eleven, period=period, progress=progress, reports=reports
        )
    found = sql.rows_of_each(goals._GOAL_PAGE_SQL, {"goal": eleven.pk})
    assert goals._progress(found["progress"]) == [
        (ReportingPeriod.label("Tertial 1", 2019), {"at_risk": 1, "completed": 4}),
        (ReportingPeriod.label("Helår", 2019), {"on_track": 2}),
    ]


@pytest.mark.django_db
def test_the_goal_pages_read_each_goal_as_the_orm_does():
    """``goals._goal`` reads every field of every goal of both frameworks as the ORM does,
    and a number no goal has is a 404."""
    from django.forms.models import model_to_dict
    from django.http import Http404

    from assignments.public import goals

    every_goal = list(GlobalGoal.objects.all())
    assert len(every_goal) == 17 + 8
    for orm in every_goal:
        read = goals._goal(orm.framework, orm.number)
        assert model_to_dict(read) == model_to_dict(orm)
        assert read.pk == orm.pk and read._state.adding is False
    for framework, number in (("sdg", 18), ("mdg", 9), ("sdg", 0)):
        with pytest.raises(Http404):
            goals._goal(framework, number)
