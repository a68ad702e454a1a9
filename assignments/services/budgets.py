"""
Copying a budget year's goals, assignments and responsibilities to the next year.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import (
    get_text_list,
)
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assignments.models import (
    Assignment,
    Organisation,
    Responsibility,
)
from goals.models import Budget, CouncilGoal, GoalArea

# The copy's title says it is a draft until the council adopts the new budget; the title is
# data in the budget's language, Swedish, not a text of the interface.
COPY_SUFFIX = " (kopia)"
COPY_PERMISSIONS = [
    "goals.add_budget",
    "goals.add_goalarea",
    "goals.add_councilgoal",
    "assignments.add_assignment",
    "assignments.add_responsibility",
]


@dataclass
class BudgetCopy:
    """What copying a budget to the next year made, and what it left out."""

    source: Budget
    target: Budget
    budget_created: bool = False
    goal_areas: list[GoalArea] = field(default_factory=list)
    council_goals: list[CouncilGoal] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    responsibilities: list[Responsibility] = field(default_factory=list)
    # Responsibilities of organisations that no longer exist in the new year.
    ended: list[Responsibility] = field(default_factory=list)

    @property
    def created_anything(self) -> bool:
        return bool(
            self.budget_created
            or self.goal_areas
            or self.council_goals
            or self.assignments
            or self.responsibilities
        )

    def summary(self) -> str:
        counts = [
            ngettext("%(count)d goal area", "%(count)d goal areas", len(self.goal_areas)),
            ngettext("%(count)d council goal", "%(count)d council goals", len(self.council_goals)),
            ngettext("%(count)d assignment", "%(count)d assignments", len(self.assignments)),
            ngettext(
                "%(count)d responsibility",
                "%(count)d responsibilities",
                len(self.responsibilities),
            ),
        ]
        sizes: list[Sequence[object]] = [
            self.goal_areas,
            self.council_goals,
            self.assignments,
            self.responsibilities,
        ]
        return _("%(counts)s copied from %(source)s to %(target)s.") % {
            "counts": get_text_list(
                [
                    text % {"count": len(objects)}
                    for text, objects in zip(counts, sizes, strict=True)
                ],
                _("and"),
            ),
            "source": self.source.year,
            "target": self.target.year,
        }


def next_year_title(source: Budget) -> str:
    """ "Malmö stads budget 2018" becomes "Malmö stads budget 2019 (kopia)"."""
    title = source.title.removesuffix(COPY_SUFFIX)
    year, next_year = str(source.year), str(source.year + 1)
    title = title.replace(year, next_year) if year in title else f"{title} {next_year}"
    return f"{title[: 200 - len(COPY_SUFFIX)]}{COPY_SUFFIX}"


@transaction.atomic
def copy_budget_to_next_year(*, source: Budget) -> BudgetCopy:
    """
    Copy a budget's goal areas, council goals (with their global goals), assignments (same
    codes and texts, with their council goal and global goals and targets) and
    responsibilities to the next year, creating that year's budget if it is missing.

    What the next year has already (by area number, goal code, assignment code, and
    assignment and organisation) is left as it is, so a second run copies nothing.
    Organisations that have ceased to exist by then get no responsibility.
    """
    year = source.year + 1
    existing_target = Budget.objects.filter(year=year).first()
    if existing_target is None:
        target = Budget(year=year, title=next_year_title(source), direction=source.direction)
        target.full_clean()
        target.save()
        copy = BudgetCopy(source=source, target=target, budget_created=True)
    else:
        target = existing_target
        copy = BudgetCopy(source=source, target=target)

    areas = {area.number: area for area in target.goal_areas.all()}
    for area in source.goal_areas.all():
        if area.number not in areas:
            areas[area.number] = GoalArea.objects.create(
                budget=target, number=area.number, name=area.name, direction=area.direction
            )
            copy.goal_areas.append(areas[area.number])

    goals = {
        goal.code: goal
        for goal in CouncilGoal.objects.filter(area__budget=target).select_related("area")
    }
    for goal in (
        CouncilGoal.objects.filter(area__budget=source)
        .select_related("area")
        .prefetch_related("global_goals")
    ):
        if goal.code not in goals:
            new_goal = CouncilGoal.objects.create(
                area=areas[goal.area.number], number=goal.number, text=goal.text
            )
            new_goal.global_goals.set(goal.global_goals.all())
            goals[goal.code] = new_goal
            copy.council_goals.append(new_goal)

    assignments = {assignment.code: assignment for assignment in target.assignments.all()}
    for assignment in source.assignments.select_related("council_goal__area").prefetch_related(
        "global_goals", "global_targets"
    ):
        if assignment.code not in assignments:
            new = Assignment.objects.create(
                budget=target,
                code=assignment.code,
                title=assignment.title,
                text=assignment.text,
                council_goal=goals[assignment.council_goal.code]
                if assignment.council_goal
                else None,
            )
            new.global_goals.set(assignment.global_goals.all())
            new.global_targets.set(assignment.global_targets.all())
            assignments[assignment.code] = new
            copy.assignments.append(new)

    existing = set(
        Responsibility.objects.filter(assignment__budget=target).values_list(
            "assignment__code", "organisation_id"
        )
    )
    active = set(Organisation.objects.active_during(year).values_list("pk", flat=True))
    for responsibility in Responsibility.objects.filter(assignment__budget=source).select_related(
        "assignment", "organisation"
    ):
        if (responsibility.assignment.code, responsibility.organisation_id) in existing:
            continue
        if responsibility.organisation_id not in active:
            copy.ended.append(responsibility)
            continue
        copy.responsibilities.append(
            Responsibility.objects.create(
                assignment=assignments[responsibility.assignment.code],
                organisation=responsibility.organisation,
                role=responsibility.role,
            )
        )
    return copy


class _Rollback(Exception):
    def __init__(self, copy: BudgetCopy) -> None:
        self.copy = copy


def preview_budget_copy(*, source: Budget) -> BudgetCopy:
    """What ``copy_budget_to_next_year`` would make, made and rolled back."""
    try:
        with transaction.atomic():
            raise _Rollback(copy_budget_to_next_year(source=source))
    except _Rollback as rollback:
        return rollback.copy
