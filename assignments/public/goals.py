"""
The public pages of the global frameworks: the Agenda 2030 goals and the Millennium goals,
each goal with its targets, what contributes to them and the indicators that follow them up.

They live in ``assignments`` because they count assignments and reports, and ``goals``
never imports from ``assignments``. Reports count only through their published version,
as ``PublishedContribution`` records it when a report is published: never through a
report's working fields, so a draft, a report under review or a correction under way
changes nothing here until it is published.

Each page makes the same number of queries however much data there is, and is cached for
anonymous visitors until something is published (``caching.public_page``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import (
    Count,
    F,
    OuterRef,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext
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

# A goal's page stays the same size however much contributes to it: the newest few per
# target, the first assignments, and counts and links for the rest.
SHOWN_PER_TARGET = 3
ASSIGNMENTS_SHOWN = 20

DETAIL_URL_NAMES: dict[str, str] = {
    Framework.SDG: "goals_public:sdg_detail",
    Framework.MDG: "goals_public:mdg_detail",
}
LIST_URL_NAMES: dict[str, str] = {
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
    """A target on a goal's page with the assignments and published reports behind it, the
    newest few of each as links (``assignment_link``, ``report_link``)."""

    target: GlobalTarget
    assignments: list[SafeString]
    assignment_count: int
    reports: list[SafeString]
    report_count: int

    @property
    def more_assignments(self) -> int:
        return self.assignment_count - len(self.assignments)

    @property
    def more_reports(self) -> int:
        return self.report_count - len(self.reports)

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
    targets = _with_newest_reports(goal.targets.order_by("position"))
    shown_reports = _reports({pk for _target, ids, _count in targets for pk in ids})
    assignments, assignment_total = _linked_assignments(goal)
    assignments_by_target = _newest_assignments_per_target(goal)

    rows = []
    for target, report_ids, report_count in targets:
        target_assignments, assignment_count = assignments_by_target.get(target.pk, ([], 0))
        rows.append(
            TargetRow(
                target=target,
                assignments=[assignment_link(*row) for row in target_assignments],
                assignment_count=assignment_count,
                reports=[report_link(*shown_reports[pk]) for pk in report_ids],
                report_count=report_count,
            )
        )
    progress = _progress_by_period(goal)
    indicators = _indicators_of(goal)
    all_assignments_url = f"{reverse('public:assignment_list')}?goal={goal.pk}"
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
            "all_assignments_url": all_assignments_url,
            # Every contributing report is counted once, in its period, by its progress.
            "report_total": sum(sum(counts.values()) for _period, counts in progress),
            "target_count": len(targets),
            "contributed": contributed,
            "contributions": contribution_items(
                contributed, framework=framework, goal=goal, all_assignments_url=all_assignments_url
            ),
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


def contribution_items(
    rows: list[TargetRow], *, framework: str, goal: GlobalGoal, all_assignments_url: str
) -> SafeString:
    """The targets that something contributes to, as public/_target_contribution.html writes
    each (which a test holds this to): the words translated once for all the rows."""
    code_class = f"sdg-{int(goal.number)}" if framework == Framework.SDG else "goal-tile--mdg"
    target_word = conditional_escape(gettext("Target"))
    assignments_word = conditional_escape(gettext("Assignments"))
    reports_word = conditional_escape(gettext("Published reports"))
    more_url = conditional_escape(all_assignments_url)
    items = []
    for row in rows:
        code = conditional_escape(row.target.code)
        facts = []
        if row.assignments:
            more = ""
            if row.more_assignments:
                words = ngettext(
                    "and %(counter)s more assignment",
                    "and %(counter)s more assignments",
                    row.more_assignments,
                ) % {"counter": row.more_assignments}
                more = f'<a href="{more_url}">{conditional_escape(words)}</a>'
            facts.append(_contributions(assignments_word, row.assignments, more))
        if row.reports:
            more = ""
            if row.more_reports:
                words = ngettext(
                    "and %(counter)s older published report",
                    "and %(counter)s older published reports",
                    row.more_reports,
                ) % {"counter": row.more_reports}
                more = conditional_escape(words)
            facts.append(_contributions(reports_word, row.reports, more))
        items.append(
            f'<li class="target-contribution" id="target-{code}">'
            '<h3 class="target-contribution__heading">'
            f'<span class="visually-hidden">{target_word} </span>'
            f'<span class="target-list__code {code_class}">{code}</span></h3>'
            f'<p class="target-contribution__text">{localized(row.target, "text")}</p>'
            f'<dl class="facts">{"".join(facts)}</dl></li>'
        )
    return mark_safe("".join(items))  # every text is escaped above; the links are safe


def _contributions(term: str, links: list[SafeString], more: str) -> str:
    """A row of a target's facts: its links as a list, and what ``more`` says of the rest."""
    items = "".join(f"<li>{link}</li>" for link in links)
    more = f'<p class="more-link">{more}</p>' if more else ""
    return (
        f'<div class="facts__row"><dt>{term}</dt><dd>'
        f'<ul class="contribution-list">{items}</ul>{more}</dd></div>'
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


def _with_newest_reports(
    targets: QuerySet[GlobalTarget],
) -> list[tuple[GlobalTarget, list[int], int]]:
    """
    ``targets``, each with the ids of its newest SHOWN_PER_TARGET published reports (latest
    deadline first, then the latest report) and how many there are in all.

    Each report id is a subquery that reads one entry of the index of a target's
    contributions by deadline (``publishedcontribution_newest``), and the count is stored
    (``TargetReportCount``): the same few rows however many reports a target has, on SQLite
    as on PostgreSQL, where a window over the goal's contributions sorted them all.
    """
    newest = (
        PublishedContribution.objects.filter(target=OuterRef("pk"))
        .order_by("-deadline", "-report_id")
        .values("report_id")
    )
    newest_fields = [f"newest_{i}" for i in range(SHOWN_PER_TARGET)]
    annotated = list(
        targets.annotate(
            report_count=Coalesce(F("published_report_count__reports"), 0),
            **{field: Subquery(newest[i : i + 1]) for i, field in enumerate(newest_fields)},
        )
    )
    return [
        (
            target,
            [pk for field in newest_fields if (pk := getattr(target, field)) is not None],
            target.report_count,  # type: ignore[attr-defined]
        )
        for target in annotated
    ]


# What a link to an assignment shows (``rows.assignment_link``): its id, code, title and
# budget year.
AssignmentRow = tuple[int, str, str, int]

# The goal's assignments as the page lists them, and what each of its targets lists. Written as
# SQL (``public/sql.py``): Django took longer to build these queries than the database took to
# run them. A test holds each to the ORM query it stands for, on both databases.
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
# Each target's links numbered, newest budget first, with how many there are: the database
# returns only the first few of each.
_NEWEST_ASSIGNMENTS_PER_TARGET_SQL = """
    SELECT target_id, id, code, title, year, total FROM (
        SELECT l.globaltarget_id AS target_id, a.id, a.code, a.title, b.year,
               ROW_NUMBER() OVER (
                   PARTITION BY l.globaltarget_id ORDER BY b.year DESC, a.code ASC, a.id ASC
               ) AS place,
               COUNT(*) OVER (PARTITION BY l.globaltarget_id) AS total
        FROM {assignment_targets} l
        INNER JOIN {target} t ON t.id = l.globaltarget_id
        INNER JOIN {assignment} a ON a.id = l.assignment_id
        INNER JOIN {budget} b ON b.id = a.budget_id
        WHERE t.goal_id = %s
    ) numbered
    WHERE place <= %s
    ORDER BY target_id, place
"""


def _linked_assignments(goal: GlobalGoal) -> tuple[list[AssignmentRow], int]:
    """The first ASSIGNMENTS_SHOWN assignments linked to the goal itself or to one of its
    targets (newest budget first, then by code), and how many there are in all: one query."""
    rows = sql.rows(_LINKED_ASSIGNMENTS_SQL, [goal.pk, goal.pk, ASSIGNMENTS_SHOWN])
    return [row[:4] for row in rows], rows[0][4] if rows else 0


def _newest_assignments_per_target(
    goal: GlobalGoal,
) -> dict[int, tuple[list[AssignmentRow], int]]:
    """
    For each target of ``goal``: the first SHOWN_PER_TARGET assignments linked to it, newest
    budget first, and how many there are in all. One query, however many there are: the
    database numbers the links per target and returns only the first few.
    """
    result: dict[int, tuple[list[AssignmentRow], int]] = {}
    for target_id, *assignment, total in sql.rows(
        _NEWEST_ASSIGNMENTS_PER_TARGET_SQL, [goal.pk, SHOWN_PER_TARGET]
    ):
        assignments, _total = result.setdefault(target_id, ([], total))
        assignments.append(tuple(assignment))
    return result


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
