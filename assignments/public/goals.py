"""
The public pages of the global frameworks: the Agenda 2030 goals and the Millennium goals,
each goal with its targets, what contributes to them and the indicators that follow them up.

They live in ``assignments`` because they count assignments and reports, and ``goals``
never imports from ``assignments``. Reports count only through their published version,
as ``PublishedContribution`` records it when a report is published: never through a
report's working fields, so a draft, a report under review or a correction under way
changes nothing here until it is published.

A goal's page names each of its targets with how many assignments and published reports
contribute to it, and links to the target's own page, which lists them: every assignment
linked to the target (a page at a time), its newest published reports and the indicators
that follow it up. A goal's page thus stays the same size however much contributes.

Each page makes the same number of queries however much data there is, and is cached for
anonymous visitors until something is published (``caching.public_page``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.core.paginator import Paginator
from django.db.models import (
    Count,
    F,
    OuterRef,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from assignments.caching import public_page
from assignments.models import (
    Assignment,
    GoalProgressCount,
    Indicator,
    PublishedContribution,
    Report,
    ReportingPeriod,
)
from goals.models import Framework, GlobalGoal, GlobalTarget
from goals.templatetags.goals_tags import localized

from . import charts, sql
from .detail_rows import periods_chart
from .rows import assignment_link, report_link
from .views import indicator_summaries, indicators_with_series

# A goal's page stays the same size however much contributes to it: its first assignments,
# and for each target the counts and a link to the target's page.
ASSIGNMENTS_SHOWN = 20
# A target's page: its assignments a page at a time, and its newest published reports.
TARGET_ASSIGNMENTS_PER_PAGE = 20
TARGET_REPORTS_SHOWN = 10

DETAIL_URL_NAMES: dict[str, str] = {
    Framework.SDG: "goals_public:sdg_detail",
    Framework.MDG: "goals_public:mdg_detail",
}
LIST_URL_NAMES: dict[str, str] = {
    Framework.SDG: "goals_public:sdg_list",
    Framework.MDG: "goals_public:mdg_list",
}
TARGET_URL_NAMES: dict[str, str] = {
    Framework.SDG: "goals_public:sdg_target",
    Framework.MDG: "goals_public:mdg_target",
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
    """A target on a goal's page: how many assignments are linked to it and how many
    published reports contribute to it, and the address of its own page."""

    target: GlobalTarget
    url: str
    assignment_count: int
    report_count: int

    @property
    def has_contributions(self) -> bool:
        return bool(self.assignment_count or self.report_count)


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
    reports: Counter[int] = Counter()
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
        "public/goal_list.html",
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
        PublishedContribution.objects.filter(target__goal__framework=framework)
        .values("organisation__name", "target__goal__number")
        .annotate(reports=Count("report_id", distinct=True))
        .order_by()
    )
    cells = {
        (row["organisation__name"], row["target__goal__number"]): row["reports"] for row in rows
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
    rows = _targets_with_counts(goal)
    assignments, assignment_total = _linked_assignments(goal)
    progress = _progress_by_period(goal)
    indicators = _indicators_of(goal)
    contributed = [row for row in rows if row.has_contributions]
    return render(
        request,
        "public/goal_detail.html",
        {
            "framework": framework,
            "goal": goal,
            "list_url": reverse(LIST_URL_NAMES[framework]),
            "assignments": [assignment_link(*row) for row in assignments],
            "assignment_total": assignment_total,
            "more_assignments": assignment_total - len(assignments),
            "all_assignments_url": _assignment_list_url(goal),
            # Every contributing report is counted once, in its period, by its progress.
            "report_total": sum(sum(counts.values()) for _period, counts in progress),
            "target_count": len(rows),
            "contributed": contributed,
            "contributions": contribution_items(contributed, framework=framework, goal=goal),
            "uncontributed": [row.target for row in rows if not row.has_contributions],
            "indicators": indicator_summaries(indicators),
            # Written in Python, as the template public/charts/_progress_over_periods.html
            # would draw it: a goal has a bar per period and a cell per period and progress.
            "progress": periods_chart(
                charts.progress_over_periods(
                    progress,
                    title=_("Progress in the published reports that contribute to the goal"),
                    chart_id="goal-progress",
                )
            ),
        },
    )


def _assignment_list_url(goal: GlobalGoal) -> str:
    """The assignment list filtered by ``goal`` (which it can be by an Agenda 2030 goal only,
    by its number), or "" for a Millennium goal."""
    if goal.framework != Framework.SDG:
        return ""
    return f"{reverse('public:assignment_list')}?goal={goal.number}"


def contribution_items(rows: list[TargetRow], *, framework: str, goal: GlobalGoal) -> SafeString:
    """The targets that something contributes to, as public/_target_contribution.html writes
    each (which a test holds this to): the words translated once for all the rows."""
    code_class = _code_class(goal)
    target_word = conditional_escape(gettext("Target"))
    assignments_word = conditional_escape(gettext("Assignments"))
    reports_word = conditional_escape(gettext("Published reports"))
    items = []
    for row in rows:
        code = conditional_escape(row.target.code)
        link = conditional_escape(
            gettext("Assignments, reports and indicators of target %(code)s")
            % {"code": row.target.code}
        )
        items.append(
            f'<li class="target-contribution" id="target-{code}">'
            '<h3 class="target-contribution__heading">'
            f'<span class="visually-hidden">{target_word} </span>'
            f'<span class="target-list__code {code_class}">{code}</span></h3>'
            f'<p class="target-contribution__text">{localized(row.target, "text")}</p>'
            '<dl class="facts facts--compact">'
            f'<div class="facts__row"><dt>{assignments_word}</dt>'
            f"<dd>{int(row.assignment_count)}</dd></div>"
            f'<div class="facts__row"><dt>{reports_word}</dt>'
            f"<dd>{int(row.report_count)}</dd></div></dl>"
            f'<p class="more-link"><a href="{conditional_escape(row.url)}">{link}</a></p></li>'
        )
    return mark_safe("".join(items))  # every text is escaped above


def _code_class(goal: GlobalGoal) -> str:
    """The class that gives a target's code its goal's colour."""
    return f"sdg-{int(goal.number)}" if goal.framework == Framework.SDG else "goal-tile--mdg"


# A target's page


@public_page
@require_safe
def sdg_target(request: HttpRequest, number: int, code: str) -> HttpResponse:
    """One Agenda 2030 target: the assignments linked to it, the published reports that
    contribute to it and the indicators that follow it up."""
    return _target_detail(request, Framework.SDG, number, code)


@public_page
@require_safe
def mdg_target(request: HttpRequest, number: int, code: str) -> HttpResponse:
    """One Millennium target, as an Agenda 2030 target's page."""
    return _target_detail(request, Framework.MDG, number, code)


def _target_detail(request: HttpRequest, framework: str, number: int, code: str) -> HttpResponse:
    target = get_object_or_404(
        GlobalTarget.objects.select_related("goal").annotate(
            report_count=Coalesce(F("published_report_count__reports"), 0)
        ),
        goal__framework=framework,
        goal__number=number,
        code=code,
    )
    goal = target.goal
    # Every assignment linked to the target, a page at a time: a count and a page of rows.
    linked = (
        Assignment.objects.filter(global_targets=target)
        .order_by("-budget__year", "code", "pk")
        .values_list("pk", "code", "title", "budget__year")
    )
    paginator = Paginator(linked, TARGET_ASSIGNMENTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    newest = list(
        PublishedContribution.objects.filter(target=target)
        .order_by("-deadline", "-report_id")
        .values_list("report_id", flat=True)[:TARGET_REPORTS_SHOWN]
    )
    shown_reports = _reports(set(newest)) if newest else {}
    reports = [report_link(*shown_reports[pk]) for pk in newest if pk in shown_reports]
    report_count: int = target.report_count  # type: ignore[attr-defined]
    indicators = list(indicators_with_series().filter(global_targets=target))
    return render(
        request,
        "public/target_detail.html",
        {
            "framework": framework,
            "goal": goal,
            "target": target,
            "code_class": _code_class(goal),
            "list_url": reverse(LIST_URL_NAMES[framework]),
            "goal_url": reverse(DETAIL_URL_NAMES[framework], args=[goal.number]),
            "assignments": [assignment_link(*row) for row in page.object_list],
            "assignment_count": paginator.count,
            "page_obj": page,
            "page_range": paginator.get_elided_page_range(page.number),
            "ellipsis": Paginator.ELLIPSIS,
            "reports": reports,
            "report_count": report_count,
            "more_reports": max(report_count - len(reports), 0),
            "indicators": indicator_summaries(indicators),
        },
    )


class FollowedTarget(NamedTuple):
    """A target of the goal an indicator follows up, as the indicator list names it."""

    code: str


def _indicators_of(goal: GlobalGoal) -> list[Indicator]:
    """The indicators that follow up the goal's targets, each with the targets of this goal it
    follows (``goal_targets``, FollowedTarget in the targets' order), its series and its
    targets to reach: four queries (one when there is none). The links are read as rows
    first: cheaper than a prefetch of the targets, and they name the indicators to read."""
    links = (
        Indicator.global_targets.through.objects.filter(globaltarget__goal=goal)
        .order_by("globaltarget__position", "globaltarget_id")
        .values_list("indicator_id", "globaltarget__code")
    )
    followed: dict[int, list[FollowedTarget]] = defaultdict(list)
    for indicator_id, code in links:
        followed[indicator_id].append(FollowedTarget(code))
    if not followed:
        return []
    indicators = list(indicators_with_series().filter(pk__in=followed))
    for indicator in indicators:
        indicator.goal_targets = followed[indicator.pk]  # type: ignore[attr-defined]
    return indicators


def _targets_with_counts(goal: GlobalGoal) -> list[TargetRow]:
    """
    The goal's targets in order, each with how many assignments are linked to it and how
    many published reports contribute to it, and its page's address: one query. The reports
    are counted as stored when reports are published (``TargetReportCount``); the links are
    counted per target through the index of the link table.
    """
    linked = (
        Assignment.global_targets.through.objects.filter(globaltarget=OuterRef("pk"))
        .order_by()
        .values("globaltarget")
        .annotate(links=Count("pk"))
        .values("links")  # type: ignore[misc]  # the stubs see no annotation of a link table
    )
    targets = goal.targets.order_by("position").annotate(
        report_count=Coalesce(F("published_report_count__reports"), 0),
        assignment_count=Coalesce(Subquery(linked), 0),
    )
    url_name = TARGET_URL_NAMES[goal.framework]
    return [
        TargetRow(
            target=target,
            url=reverse(url_name, args=[goal.number, target.code]),
            assignment_count=target.assignment_count,
            report_count=target.report_count,
        )
        for target in targets
    ]


# What a link to an assignment shows (``rows.assignment_link``): its id, code, title and
# budget year.
AssignmentRow = tuple[int, str, str, int]

# The goal's assignments as the page lists them. Written as SQL (``public/sql.py``): Django
# took longer to build the query than the database took to run it. A test holds it to the ORM
# query it stands for, on both databases.
_LINKED_ASSIGNMENTS_SQL = """
    SELECT a.id, a.code, a.title, b.year, COUNT(*) OVER () AS total
    FROM {assignment} a INNER JOIN {budget} b ON b.id = a.budget_id
    WHERE a.id IN (SELECT l.assignment_id FROM {assignment_goals} l WHERE l.globalgoal_id = %s)
       OR a.id IN (
           SELECT l.assignment_id FROM {assignment_targets} l
           INNER JOIN {target} t ON t.id = l.globaltarget_id
           WHERE t.goal_id = %s
       )
    ORDER BY b.year DESC, a.code ASC, a.id ASC
    LIMIT %s
"""


def _linked_assignments(goal: GlobalGoal) -> tuple[list[AssignmentRow], int]:
    """The first ASSIGNMENTS_SHOWN assignments linked to the goal itself or to one of its
    targets (newest budget first, then by code), and how many there are in all: one query."""
    rows = sql.rows(_LINKED_ASSIGNMENTS_SQL, [goal.pk, goal.pk, ASSIGNMENTS_SHOWN])
    return [row[:4] for row in rows], rows[0][4] if rows else 0


# What a link to a report shows (``rows.report_link``): its id, organisation, assignment code
# and title, period, and the progress of its published version.
ReportRow = tuple[int, str, str, str, str, str]


def _reports(ids: set[int]) -> dict[int, ReportRow]:
    """The published reports shown on the page, as rows of what the page shows of them: never
    the working fields (which may hold an unpublished correction)."""
    rows = (
        Report.objects.public()
        .filter(pk__in=ids)
        .order_by()
        .values_list(
            "pk",
            "organisation__name",
            "assignment__code",
            "assignment__title",
            "period__name",
            "period__budget__year",
            "published_version__progress",
        )
    )
    return {
        pk: (pk, organisation, code, title, ReportingPeriod.label(period, year), progress)
        for pk, organisation, code, title, period, year, progress in rows
    }


def _progress_by_period(goal: GlobalGoal) -> list[tuple[str, dict[str, int]]]:
    """Counts of the contributing published versions' progress per period, oldest period
    first: each report once, as stored when reports are published (``GoalProgressCount``).
    Read as rows, not as models: a goal has up to a row per period and progress."""
    rows = (
        GoalProgressCount.objects.filter(goal=goal)
        .order_by("period__deadline", "period_id", "progress")
        .values_list("period_id", "period__name", "period__budget__year", "progress", "reports")
    )
    names: dict[int, str] = {}
    progress: dict[int, dict[str, int]] = defaultdict(dict)
    for period, name, year, value, reports in rows:
        if period not in names:
            names[period] = ReportingPeriod.label(name, year)
        progress[period][value] = reports
    return [(names[period], counts) for period, counts in progress.items()]
