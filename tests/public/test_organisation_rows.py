"""The organisation page's SQL (``views._ORGANISATION_SQL``) gives the rows of the ORM queries
it stands for, on SQLite and PostgreSQL: the organisation's assignments, the targets of its
published reports and the goals its work touches, each in its order."""

from __future__ import annotations

import pytest
from django.db.models import Q

from assignments.models import (
    Assignment,
    MembershipRole,
    PublishedContribution,
    ReportStatus,
    Responsibility,
    ResponsibilityRole,
)
from assignments.public.detail_rows import GOAL_ROW_FIELDS, TARGET_ROW_FIELDS
from assignments.public.views import _organisation_rows
from goals.models import GlobalGoal, GlobalTarget
from tests import factories


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
