from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from assignments.caching import public_page
from assignments.models import Report, Responsibility, ResponsibilityRole
from assignments.selectors import prefetch
from goals.models import Budget, CouncilGoal, GlobalTarget

from . import charts
from .views import (
    latest_reports,
    periods_with_published_reports,
    progress_counts,
)

# Above this many responsible organisations an assignment shows a count and a folded list
# instead of every name ("Samtliga nämnder och bolag" is some thirty of them).
MANY_ORGANISATIONS = 5
# The start page shows the budget's assignments in full up to this many (Malmö's budgets
# have had a handful); beyond it, the first ones and a link to the searchable list, so the
# page stays the same size however many assignments a budget has.
HOME_ASSIGNMENTS = 12

PROGRESS_CHART_TITLE = _(
    "Progress by the latest published report of each committee and company on each assignment"
)


@public_page
def home(request: HttpRequest) -> HttpResponse:
    """The public start page: what the portal is, how the current budget's assignments are
    going by their latest published reports, the newest reports, and the budget's goals and
    assignments.

    Every list is fetched up front with a fixed number of queries, however large the budget.
    """
    budget = Budget.objects.current()
    context: dict[str, object] = {"budget": budget}
    if budget is not None:
        assignments = _assignments(budget, limit=HOME_ASSIGNMENTS)
        counts = progress_counts(
            Report.objects.public().latest_published().filter(assignment__budget=budget)
        )
        context.update(
            goal_areas=_goal_areas(budget),
            assignments=assignments,
            assignment_count=budget.assignments.count(),
            progress_chart=charts.progress_distribution(
                counts, title=PROGRESS_CHART_TITLE, chart_id="home-progress"
            ),
            reported_count=sum(counts.values()),
            responsibility_count=Responsibility.objects.filter(assignment__budget=budget).count(),
            latest_reports=latest_reports(),
            periods=periods_with_published_reports(budget),
        )
    return render(request, "public/home.html", context)


def _goal_areas(budget: Budget) -> list:
    council_goals = CouncilGoal.objects.order_by("number").prefetch_related(prefetch.global_goals())
    return list(
        budget.goal_areas.order_by("number").prefetch_related(
            Prefetch("council_goals", queryset=council_goals)
        )
    )


def _assignments(budget: Budget, limit: int) -> list:
    responsibilities = Responsibility.objects.select_related("organisation").order_by(
        "role", "organisation__name"
    )
    assignments = list(
        budget.assignments.order_by("code")
        .select_related("council_goal__area")
        .prefetch_related(
            Prefetch("responsibilities", queryset=responsibilities),
            prefetch.global_goals(),
            Prefetch(
                "global_targets",
                queryset=GlobalTarget.objects.select_related("goal").order_by(
                    "goal__framework", "goal__number", "position"
                ),
            ),
        )[:limit]
    )
    for assignment in assignments:
        _summarise_responsibility(assignment)
    return assignments


def _summarise_responsibility(assignment) -> None:
    """Sort an assignment's organisations into what the page names and what it counts."""
    everyone = list(assignment.responsibilities.all())
    leads = [r.organisation for r in everyone if r.role == ResponsibilityRole.LEAD]
    participants = [r.organisation for r in everyone if r.role != ResponsibilityRole.LEAD]
    assignment.organisation_count = len(everyone)
    assignment.has_many_organisations = len(everyone) > MANY_ORGANISATIONS
    # Name the leads unless they are the crowd themselves; the folded list shows everyone.
    assignment.named_leads = leads if len(leads) <= MANY_ORGANISATIONS else []
    assignment.named_participants = [] if assignment.has_many_organisations else participants
    assignment.all_responsibilities = everyone
