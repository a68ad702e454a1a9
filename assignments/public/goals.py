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
that follow it up. It counts the goal's assignments and (an Agenda 2030 goal) links to the
list of assignments filtered by the goal, rather than listing some of them. A goal's page
thus stays the same size however much contributes.

Each page makes the same number of queries however much data there is, and is cached for
anonymous visitors until something is published (``caching.public_page``).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple, overload

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import (
    Count,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from assignments.caching import public_page
from assignments.models import (
    Assignment,
    Indicator,
    PublishedContribution,
    Report,
    ReportingPeriod,
)
from goals.models import TARGET_CODE, Framework, GlobalGoal, GlobalTarget
from goals.templatetags.goals_tags import localized

from . import charts, sql
from .detail_rows import periods_chart
from .rows import assignment_link, report_link
from .views import indicator_summaries

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
    goal = _goal(framework, number)
    found = sql.rows_of_each(_GOAL_PAGE_SQL, {"goal": goal.pk})
    rows = _target_rows(goal, found["targets"])
    progress = _progress(found["progress"])
    indicators = _indicators_of(goal)
    contributed = [row for row in rows if row.has_contributions]
    return render(
        request,
        "public/goal_detail.html",
        {
            "framework": framework,
            "goal": goal,
            "list_url": reverse(LIST_URL_NAMES[framework]),
            "assignment_total": found["assignment_count"][0][0],
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
    goal = _goal(framework, number)
    tables = sql.tables()
    found = list(GlobalTarget.objects.raw(_TARGET_SQL.format(**tables), [goal.pk, code]))
    if not found:
        raise Http404("No such target.")
    target = found[0]
    target.goal = goal
    # Every assignment linked to the target, a page at a time.
    assignment_count: int = target.assignment_count  # type: ignore[attr-defined]
    paginator = Paginator(
        TargetAssignments(target.pk, assignment_count), TARGET_ASSIGNMENTS_PER_PAGE
    )
    page = paginator.get_page(request.GET.get("page"))
    newest = list(
        PublishedContribution.objects.filter(target=target)
        .order_by("-deadline", "-report_id")
        .values_list("report_id", flat=True)[:TARGET_REPORTS_SHOWN]
    )
    shown_reports = _reports(set(newest)) if newest else {}
    reports = [report_link(*shown_reports[pk]) for pk in newest if pk in shown_reports]
    report_count: int = target.report_count  # type: ignore[attr-defined]
    indicators = list(Indicator.objects.raw(_TARGET_INDICATORS_SQL.format(**tables), [target.pk]))
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
            "assignment_count": assignment_count,
            "page_obj": page,
            "page_range": paginator.get_elided_page_range(page.number),
            "ellipsis": Paginator.ELLIPSIS,
            "reports": reports,
            "report_count": report_count,
            "more_reports": max(report_count - len(reports), 0),
            "indicators": indicator_summaries(indicators),
        },
    )


# The target page's queries, written as SQL (``public/sql.py``) as the goal page's are. The
# target with how many published reports contribute to it (``TargetReportCount``) and how
# many assignments are linked to it; a page of those assignments, newest budget first; the
# indicators that follow the target up.
_TARGET_SQL = """
    SELECT t.*, COALESCE(c.reports, 0) AS report_count,
           (SELECT COUNT(*) FROM {assignment_targets} l WHERE l.globaltarget_id = t.id)
               AS assignment_count
    FROM {target} t LEFT OUTER JOIN {target_report_count} c ON c.target_id = t.id
    WHERE t.goal_id = %s AND t.code = %s
"""
_TARGET_ASSIGNMENTS_SQL = """
    SELECT a.id, a.code, a.title, b.year
    FROM {assignment_targets} l
    INNER JOIN {assignment} a ON a.id = l.assignment_id
    INNER JOIN {budget} b ON b.id = a.budget_id
    WHERE l.globaltarget_id = %s
    ORDER BY b.year DESC, a.code, a.id
    LIMIT %s OFFSET %s
"""
_TARGET_INDICATORS_SQL = """
    SELECT i.* FROM {indicator} i INNER JOIN {indicator_targets} l ON l.indicator_id = i.id
    WHERE l.globaltarget_id = %s
    ORDER BY i.code, i.id
"""


# What a link to an assignment shows (``rows.assignment_link``): its id, code, title and
# budget year.
AssignmentRow = tuple[int, str, str, int]


class TargetAssignments(Sequence[AssignmentRow]):
    """The assignments linked to a target as a Paginator pages them: how many there are,
    known from the target's row, and a slice of them (``AssignmentRow``) read when asked."""

    def __init__(self, target_id: int, count: int) -> None:
        self.target_id = target_id
        self._count = count

    def __len__(self) -> int:  # what Paginator counts
        return self._count

    @overload
    def __getitem__(self, index: int) -> AssignmentRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[AssignmentRow]: ...

    def __getitem__(self, index: int | slice) -> AssignmentRow | list[AssignmentRow]:
        if isinstance(index, int):
            rows = self[index : index + 1] if 0 <= index < self._count else []
            if not rows:
                raise IndexError(index)
            return rows[0]
        start, stop, step = index.indices(self._count)
        if step != 1:
            raise ValueError("A page of assignments is read in order.")
        if stop <= start:
            return []
        rows = sql.rows(_TARGET_ASSIGNMENTS_SQL, [self.target_id, stop - start, start])
        return [(pk, code, title, year) for pk, code, title, year in rows]


class FollowedTarget(NamedTuple):
    """A target of the goal an indicator follows up, as the indicator list names it."""

    code: str


# A target's code, as its page's address takes it (``goal_urls.TargetCodeConverter``).
_TARGET_CODE = re.compile(TARGET_CODE)


def _goal(framework: str, number: int) -> GlobalGoal:
    """The goal, or 404: read by SQL (``_GOAL_SQL``), which costs a third of a filter's time
    and half of ``raw()``'s. A number its column cannot hold is not found without a query, as
    the ORM would find none."""
    low, high = connection.ops.integer_field_range(
        GlobalGoal._meta.get_field("number").get_internal_type()
    )
    if not low <= number <= high:
        raise Http404("No such goal.")
    found = sql.rows(_GOAL_SQL, [framework, number])
    if not found:
        raise Http404("No such goal.")
    return GlobalGoal.from_db(connection.alias, _GOAL_FIELDS, found[0])


# The goal page's queries, written as SQL (``public/sql.py``): Django took longer to build
# them than the database took to run them (the page made 8 queries in 13 ms at ten times
# the city's data, 3 ms of it in the database). A test holds each to the ORM query it stands
# for, on both databases.
_GOAL_FIELDS = [field.attname for field in GlobalGoal._meta.concrete_fields]
_GOAL_SQL = "SELECT {columns} FROM {{goal}} WHERE framework = %s AND number = %s".format(
    columns=", ".join(connection.ops.quote_name(f.column) for f in GlobalGoal._meta.concrete_fields)
)
_GOAL_PAGE_SQL = {
    # How many assignments are linked to the goal itself or to one of its targets.
    "assignment_count": """
        SELECT COUNT(*) FROM (
            SELECT l.assignment_id FROM {assignment_goals} l WHERE l.globalgoal_id = %(goal)s
            UNION
            SELECT l.assignment_id FROM {assignment_targets} l
            INNER JOIN {target} t ON t.id = l.globaltarget_id
            WHERE t.goal_id = %(goal)s
        ) linked
    """,
    # The goal's targets in order, each with how many assignments are linked to it (through
    # the index of the link table) and how many published reports contribute to it (as
    # stored when reports are published, ``TargetReportCount``).
    "targets": """
        SELECT t.id, t.code, t.text_sv, t.text_en,
               (SELECT COUNT(*) FROM {assignment_targets} l WHERE l.globaltarget_id = t.id),
               COALESCE(c.reports, 0)
        FROM {target} t LEFT OUTER JOIN {target_report_count} c ON c.target_id = t.id
        WHERE t.goal_id = %(goal)s
        ORDER BY t.position, t.id
    """,
    # The contributing published reports' progress per period, oldest period first, as
    # stored when reports are published (``GoalProgressCount``).
    "progress": """
        SELECT c.period_id, p.name, b.year, c.progress, c.reports
        FROM {goal_progress_count} c
        INNER JOIN {period} p ON p.id = c.period_id
        INNER JOIN {budget} b ON b.id = p.budget_id
        WHERE c.goal_id = %(goal)s
        ORDER BY p.deadline, c.period_id, c.progress
    """,
}


def _target_rows(goal: GlobalGoal, rows: list[tuple]) -> list[TargetRow]:
    """The goal's targets (``_GOAL_PAGE_SQL["targets"]``) with their counts and addresses.
    Each target is read as far as the page shows it, its code and text; its other fields
    are deferred, as ``only()`` would leave them."""
    address = _target_address_function(goal)
    targets = []
    for pk, code, text_sv, text_en, assignment_count, report_count in rows:
        target = GlobalTarget.from_db(
            connection.alias, _TARGET_FIELDS, [pk, goal.pk, code, text_sv, text_en]
        )
        target.goal = goal
        targets.append(TargetRow(target, address(code), assignment_count, report_count))
    return targets


_TARGET_FIELDS = ["id", "goal_id", "code", "text_sv", "text_en"]


def _target_address_function(goal: GlobalGoal) -> Callable[[str], str]:
    """The address of each of the goal's targets' pages by its code: the route is reversed
    once, and each code the converter takes put in its place (any other is reversed)."""
    url_name = TARGET_URL_NAMES[goal.framework]
    marker = "99.99"
    head, _marker, tail = reverse(url_name, args=[goal.number, marker]).partition(marker)

    def address(code: str) -> str:
        if _TARGET_CODE.fullmatch(code):
            return f"{head}{code}{tail}"
        return reverse(url_name, args=[goal.number, code])

    return address


def _progress(rows: list[tuple]) -> list[tuple[str, dict[str, int]]]:
    """Counts of the contributing published versions' progress per period, oldest period
    first (``_GOAL_PAGE_SQL["progress"]``): each report once."""
    names: dict[int, str] = {}
    progress: dict[int, dict[str, int]] = defaultdict(dict)
    for period, name, year, value, reports in rows:
        if period not in names:
            names[period] = ReportingPeriod.label(name, year)
        progress[period][value] = reports
    return [(names[period], counts) for period, counts in progress.items()]


def _indicators_of(goal: GlobalGoal) -> list[Indicator]:
    """The indicators that follow up the goal's targets, in code order, each with the targets
    of this goal it follows (``goal_targets``, FollowedTarget in the targets' order): one
    query, a row per indicator and target. ``indicator_summaries`` reads their values."""
    sql_text = _FOLLOWING_INDICATORS_SQL.format(**sql.tables())
    indicators: dict[int, Indicator] = {}
    for row in Indicator.objects.raw(sql_text, [goal.pk]):
        indicator = indicators.setdefault(row.pk, row)
        if indicator is row:
            indicator.goal_targets = []  # type: ignore[attr-defined]
        indicator.goal_targets.append(FollowedTarget(row.followed_code))  # type: ignore[attr-defined]
    return list(indicators.values())


# Each indicator that follows up one of the goal's targets, once for each such target.
_FOLLOWING_INDICATORS_SQL = """
    SELECT i.*, t.code AS followed_code
    FROM {indicator_targets} l
    INNER JOIN {target} t ON t.id = l.globaltarget_id
    INNER JOIN {indicator} i ON i.id = l.indicator_id
    WHERE t.goal_id = %s
    ORDER BY i.code, i.id, t.position, t.id
"""


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
