from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from assignments.caching import public_page
from assignments.models import PublishedReportCount, Responsibility
from goals.models import Budget, CouncilGoal

from . import charts
from .views import empty_counts, latest_reports

# The newest published reports the start page shows; the periods' compilations, the
# assignment list and the feed have them all.
HOME_REPORTS = 5

PROGRESS_CHART_TITLE = _(
    "Progress by the latest published report of each committee and company on each assignment"
)


@dataclass(frozen=True)
class PublishedPeriod:
    """A reporting period of the budget with published reports, and how many."""

    pk: int
    name: str
    published_count: int


@public_page
def home(request: HttpRequest) -> HttpResponse:
    """The public start page: what the portal is, how the current budget's assignments are
    going by their latest published reports, the newest reports, the budget's goal areas and
    council goals, and the ways onward to the assignments, goals, indicators and open data.

    A start page, not an index of everything: it is the same size however large the budget,
    and each of its lists is fetched up front with a fixed number of queries. The counts are
    read from the stored ``PublishedReportCount`` rows, not counted over the reports.
    """
    budget = Budget.objects.current()
    context: dict[str, object] = {"budget": budget}
    if budget is not None:
        counts, periods = _publication(budget)
        context.update(
            goal_areas=_goal_areas(budget),
            **_assignment_counts(budget),
            progress_chart=charts.progress_distribution(
                counts, title=PROGRESS_CHART_TITLE, chart_id="home-progress"
            ),
            reported_count=sum(counts.values()),
            latest_reports=latest_reports(limit=HOME_REPORTS),
            periods=periods,
        )
    return render(request, "public/home.html", context)


def _publication(budget: Budget) -> tuple[dict[str, int], list[PublishedPeriod]]:
    """The progress of the latest published report of each organisation on each of the
    budget's assignments, and the budget's periods with published reports (by deadline),
    from the stored counts in one query."""
    counts = empty_counts()
    periods: dict[int, PublishedPeriod] = {}
    rows = (
        PublishedReportCount.objects.filter(period__budget=budget)
        .order_by("period__deadline", "period__pk")
        .values_list("period_id", "period__name", "progress", "published", "latest")
    )
    for period, name, progress, published, latest in rows:
        counts[progress] = counts.get(progress, 0) + latest
        before = periods.get(period)
        periods[period] = PublishedPeriod(
            period, name, published + (before.published_count if before else 0)
        )
    return counts, [p for p in periods.values() if p.published_count]


def _assignment_counts(budget: Budget) -> dict[str, int]:
    """How many assignments the budget has, and how many responsibilities for them (a
    report is owed for each), in one query: each assignment's responsibilities are counted
    on the index of their assignment, not by joining the whole table."""
    responsibilities = (
        Responsibility.objects.filter(assignment=OuterRef("pk"))
        .order_by()
        .values("assignment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    counts = budget.assignments.order_by().aggregate(
        assignment_count=Count("pk"),
        responsibility_count=Coalesce(Sum(Subquery(responsibilities)), 0),
    )
    return counts


def _goal_areas(budget: Budget) -> list:
    return list(
        budget.goal_areas.order_by("number").prefetch_related(
            Prefetch("council_goals", queryset=CouncilGoal.objects.order_by("number"))
        )
    )
