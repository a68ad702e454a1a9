"""
The public pages of the global frameworks: the Agenda 2030 goals and the Millennium goals,
each goal with its targets and what contributes to them.

They live in ``assignments`` because they count assignments and reports, and ``goals``
never imports from ``assignments``. Reports count only through their published version
(``Report.objects.published()`` and ``report.published_version.contributed_targets``),
never through a report's working fields: a draft, a report under review or a correction
under way changes nothing here until it is published.

Each page makes the same number of queries however much data there is, and is cached for
anonymous visitors until something is published (``caching.public_page``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from goals.models import Framework, GlobalGoal, GlobalTarget

from . import charts
from .caching import public_page
from .models import Assignment, Report, ReportVersion

DETAIL_URL_NAMES = {
    Framework.SDG: "goals_public:sdg_detail",
    Framework.MDG: "goals_public:mdg_detail",
}
LIST_URL_NAMES = {
    Framework.SDG: "goals_public:sdg_list",
    Framework.MDG: "goals_public:mdg_list",
}


@dataclass
class GoalCard:
    """A goal's tile on the list page with what is linked to it."""

    goal: GlobalGoal
    url: str
    assignment_count: int
    report_count: int


@dataclass
class TargetRow:
    """A target on a goal's page with the assignments and published reports behind it."""

    target: GlobalTarget
    assignments: list[Assignment]
    reports: list[Report]

    @property
    def has_contributions(self) -> bool:
        return bool(self.assignments or self.reports)


# The list pages


@public_page
@require_safe
def sdg_list(request: HttpRequest) -> HttpResponse:
    """The 17 Agenda 2030 goals and which organisations' published reports reach them."""
    return _goal_list(request, Framework.SDG)


@public_page
@require_safe
def mdg_list(request: HttpRequest) -> HttpResponse:
    """The 8 Millennium goals, Malmö's earlier framework."""
    return _goal_list(request, Framework.MDG)


def _goal_list(request: HttpRequest, framework: str) -> HttpResponse:
    goals = list(GlobalGoal.objects.filter(framework=framework).order_by("number"))
    assignments = _assignments_by_goal(framework)
    organisations, cells = _published_reports_by_organisation_and_goal(framework)
    reports = Counter()
    for (_organisation, number), count in cells.items():
        reports[number] += count  # a report belongs to one organisation: no double count
    cards = [
        GoalCard(
            goal=goal,
            url=reverse(DETAIL_URL_NAMES[framework], args=[goal.number]),
            assignment_count=len(assignments[goal.number]),
            report_count=reports[goal.number],
        )
        for goal in goals
    ]
    coverage = charts.coverage_matrix(
        organisations,
        [(goal.number, str(goal.title)) for goal in goals],
        cells,
        framework=framework,
        chart_id="coverage",
    )
    return render(
        request,
        "goals/goal_list.html",
        {"framework": framework, "cards": cards, "coverage": coverage},
    )


def _assignments_by_goal(framework: str) -> dict[int, set[int]]:
    """The ids of the assignments linked to each goal, directly or through its targets."""
    direct = Assignment.global_goals.through.objects.filter(
        globalgoal__framework=framework
    ).values_list("globalgoal__number", "assignment_id")
    through_targets = Assignment.global_targets.through.objects.filter(
        globaltarget__goal__framework=framework
    ).values_list("globaltarget__goal__number", "assignment_id")
    linked: dict[int, set[int]] = defaultdict(set)
    for number, assignment_id in [*direct, *through_targets]:
        linked[number].add(assignment_id)
    return linked


def _published_reports_by_organisation_and_goal(
    framework: str,
) -> tuple[list[str], dict[tuple[str, int], int]]:
    """How many published reports of each organisation contribute to each goal's targets.

    Counted through the published version's targets only; a report that reaches several
    targets of one goal counts once for that goal.
    """
    rows = (
        Report.objects.published()
        .filter(published_version__contributed_targets__goal__framework=framework)
        .order_by()
        .values("organisation__name", "published_version__contributed_targets__goal__number")
        .annotate(reports=Count("pk", distinct=True))
    )
    cells = {
        (row["organisation__name"], row["published_version__contributed_targets__goal__number"]): (
            row["reports"]
        )
        for row in rows
    }
    organisations = sorted({organisation for organisation, _number in cells})
    return organisations, cells


# The detail pages


@public_page
@require_safe
def sdg_detail(request: HttpRequest, number: int) -> HttpResponse:
    """One Agenda 2030 goal: its targets and what contributes to each of them."""
    return _goal_detail(request, Framework.SDG, number)


@public_page
@require_safe
def mdg_detail(request: HttpRequest, number: int) -> HttpResponse:
    """One Millennium goal: its targets and what contributes to each of them."""
    return _goal_detail(request, Framework.MDG, number)


def _goal_detail(request: HttpRequest, framework: str, number: int) -> HttpResponse:
    goal = get_object_or_404(GlobalGoal, framework=framework, number=number)
    targets = list(goal.targets.order_by("position"))
    assignments = list(
        Assignment.objects.filter(
            pk__in=Assignment.objects.filter(
                Q(global_goals=goal) | Q(global_targets__goal=goal)
            ).values("pk")
        )
        .select_related("budget")
        .order_by("-budget__year", "code")
    )
    assignment_links = Assignment.global_targets.through.objects.filter(
        globaltarget__goal=goal
    ).values_list("globaltarget_id", "assignment_id")
    reports = _published_reports_for(goal)

    assignments_by_id = {assignment.pk: assignment for assignment in assignments}
    assignments_by_target: dict[int, list[Assignment]] = defaultdict(list)
    for target_id, assignment_id in assignment_links:
        assignments_by_target[target_id].append(assignments_by_id[assignment_id])
    reports_by_target: dict[int, list[Report]] = defaultdict(list)
    for report in reports:
        for target in report.published_version.goal_targets:
            reports_by_target[target.pk].append(report)

    rows = [
        TargetRow(
            target=target,
            assignments=sorted(
                assignments_by_target[target.pk], key=lambda a: (-a.budget.year, a.code)
            ),
            reports=reports_by_target[target.pk],
        )
        for target in targets
    ]
    return render(
        request,
        "goals/goal_detail.html",
        {
            "framework": framework,
            "goal": goal,
            "list_url": reverse(LIST_URL_NAMES[framework]),
            "assignments": assignments,
            "reports": reports,
            "target_count": len(targets),
            "contributed": [row for row in rows if row.has_contributions],
            "uncontributed": [row.target for row in rows if not row.has_contributions],
            "progress": charts.progress_over_periods(
                _progress_by_period(reports),
                title=_("Progress in the published reports that contribute to the goal"),
                chart_id="goal-progress",
            ),
        },
    )


def _published_reports_for(goal: GlobalGoal) -> list[Report]:
    """The published reports whose published version contributes to a target of ``goal``,
    each with ``published_version.goal_targets``: those of its targets that belong to it."""
    contributing = ReportVersion.contributed_targets.through.objects.filter(
        globaltarget__goal=goal,
        reportversion__report__published_version=F("reportversion"),
    ).values("reportversion__report_id")
    return list(
        Report.objects.published()
        .filter(pk__in=contributing)
        .select_related("organisation", "assignment", "period__budget", "published_version")
        # Only what the page shows: never the report's working fields (which may hold an
        # unpublished correction), nor the texts of the thousands of versions listed.
        .only(
            "organisation__name",
            "assignment__code",
            "assignment__title",
            "period__name",
            "period__deadline",
            "period__budget__year",
            "published_version__progress",
        )
        .prefetch_related(
            Prefetch(
                "published_version__contributed_targets",
                queryset=GlobalTarget.objects.filter(goal=goal).order_by("position"),
                to_attr="goal_targets",
            )
        )
        .order_by("-period__deadline", "assignment__code", "organisation__name")
    )


def _progress_by_period(reports: list[Report]) -> list[tuple[str, dict[str, int]]]:
    """Counts of the published versions' progress per period, oldest period first."""
    periods = {}
    counts: dict[int, Counter] = defaultdict(Counter)
    for report in reports:
        periods[report.period_id] = report.period
        counts[report.period_id][report.published_version.progress] += 1
    ordered = sorted(periods.values(), key=lambda period: (period.deadline, period.pk))
    return [(str(period), dict(counts[period.pk])) for period in ordered]
