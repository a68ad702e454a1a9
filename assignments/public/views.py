"""
The public pages: published progress by assignment, organisation, council goal, reporting
period and report, and the accessibility statement.

Only published content is ever public. A report is public only through its published version
(``Report.objects.public()``), and every text, progress value, target and attachment shown
comes from ``report.published_version``, never from the report's own working fields, which
may hold a correction under way. ``Report.objects.public()`` never loads those fields, and a
report it gives refuses to load them (``PrivateReportFieldError``).

Every page makes the same number of queries however much data there is, and is served to
anonymous visitors from the cache until something is published (``caching.public_page``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assignments.caching import public_page
from assignments.models import (
    Assignment,
    Indicator,
    Organisation,
    OrganisationKind,
    Progress,
    PublishedContribution,
    Report,
    ReportingPeriod,
    Responsibility,
    ResponsibilityRole,
)
from assignments.selectors import prefetch
from assignments.selectors.assignments import in_list_order
from assignments.selectors.indicators import Summary, read_series, summarise
from assignments.selectors.pages import KeyFirstPaginator
from goals.models import Budget, CouncilGoal, Framework, GlobalGoal
from malmo_portal.forms import Select

from . import charts, sql
from .detail_rows import (
    GoalRow,
    OrganisationAssignment,
    OrganisationName,
    OrganisationReport,
    OrganisationRow,
    PeriodRow,
    PublishedReport,
    RowWriter,
    TargetRow,
    periods_chart,
)
from .rows import progress as progress_mark

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

ASSIGNMENTS_PER_PAGE = 20

# The order progress is told in: the work under way first, then what is done or not begun.
PROGRESS_ORDER = (
    Progress.ON_TRACK,
    Progress.AT_RISK,
    Progress.OFF_TRACK,
    Progress.COMPLETED,
    Progress.NOT_STARTED,
)

# The filter value for assignments that no organisation has published a report on yet.
NOT_REPORTED = "none"

# The headings of the organisation list, in the order the city presents itself.
ORGANISATION_GROUPS = (
    (OrganisationKind.KOMMUNSTYRELSE, _("City executive board")),
    (OrganisationKind.NAMND, _("Committees")),
    (OrganisationKind.BOLAG, _("Companies")),
    (OrganisationKind.KOMMUNALFORBUND, _("Municipal associations")),
)

# When the accessibility statement was written and last reviewed.
ACCESSIBILITY_STATEMENT_DATE = datetime.date(2026, 11, 22)


# Published reports


@dataclass(frozen=True)
class ProgressCount:
    value: str
    label: StrOrPromise
    count: int

    @property
    def mark(self) -> SafeString:
        """The progress in words with its mark, as public/_progress.html draws it: written
        in Python (``rows.progress``) for the lists that show one per row."""
        return mark_safe(progress_mark(self.value))  # escaped by rows.progress


def empty_counts() -> dict[str, int]:
    return dict.fromkeys((str(p) for p in PROGRESS_ORDER), 0)


def progress_counts(reports: QuerySet[Report]) -> dict[str, int]:
    """How many of ``reports`` have each progress in their published version, in one query."""
    counts = empty_counts()
    rows = (
        reports.order_by()
        .values("published_version__progress")
        .annotate(n=Count("pk"))
        .values_list("published_version__progress", "n")
    )
    for progress, n in rows:
        counts[progress] = counts.get(progress, 0) + n
    return counts


def progress_list(counts: Mapping[str, int], *, skip_zero: bool = False) -> list[ProgressCount]:
    return [
        ProgressCount(str(p), p.label, counts.get(p, 0))
        for p in PROGRESS_ORDER
        if counts.get(p, 0) or not skip_zero
    ]


def progress_by_assignment(assignment_ids: Iterable[int]) -> dict[int, list[ProgressCount]]:
    """Per assignment, the progress of each organisation's latest published report."""
    counts: dict[int, dict[str, int]] = defaultdict(empty_counts)
    rows = (
        Report.objects.public()
        .filter(assignment__in=list(assignment_ids))
        .latest_published()
        .order_by()
        .values("assignment_id", "published_version__progress")
        .annotate(n=Count("pk"))
        .values_list("assignment_id", "published_version__progress", "n")
    )
    for assignment_id, progress, n in rows:
        counts[assignment_id][progress] += n
    return {pk: progress_list(c, skip_zero=True) for pk, c in counts.items()}


def latest_reports(limit: int = 8) -> list[Report]:
    """The most recently published reports, newest first."""
    return list(
        Report.objects.public()
        .select_related("published_version")
        # Implied by public(), but said so that PostgreSQL walks the index on published_at
        # from its newest end, past the unpublished reports' empty values.
        .filter(published_at__isnull=False)
        .select_related("assignment", "organisation", "period__budget")
        .order_by("-published_at", "-pk")[:limit]
    )


# Indicators of council goals, assignments and targets


def indicators_as_listed() -> QuerySet[Indicator]:
    """Indicators as the council goal and assignment pages list them, in code order: one
    query for any number. ``indicator_summaries`` reads their values and targets to reach;
    nothing there shows who measures them (the indicator list reads that itself)."""
    return Indicator.objects.order_by("code")


def indicators_prefetch(lookup: str = "indicators") -> Prefetch:
    """The indicators of council goals or assignments, as ``indicators_as_listed``."""
    return Prefetch(lookup, queryset=indicators_as_listed())


def indicator_summaries(indicators: Iterable[Indicator]) -> list[Summary]:
    """Summaries of indicators read as ``indicators_as_listed`` reads them: their values
    and targets to reach are read for all of them in two queries
    (``selectors.indicators.read_series``), or none where they have been read already (an
    earlier ``read_series``)."""
    indicators = list(indicators)
    read_series(indicators)
    return [summarise(indicator) for indicator in indicators]


# Assignments and their responsible organisations

# How many organisations a list row names before it only counts the rest.
NAMED_ORGANISATIONS = 3


def _sort_responsibilities(assignment: Assignment) -> None:
    everyone = list(assignment.responsibilities.all())
    assignment.leads = [r.organisation for r in everyone if r.role == ResponsibilityRole.LEAD]
    assignment.participants = [
        r.organisation for r in everyone if r.role != ResponsibilityRole.LEAD
    ]
    assignment.named_leads = assignment.leads[:NAMED_ORGANISATIONS]
    assignment.unnamed_count = len(everyone) - len(assignment.named_leads)


# The assignment list


def _council_goal_choices(goals: Iterable[CouncilGoal]) -> list:
    groups: dict[str, list] = {}
    for goal in goals:
        group = f"{goal.area.budget.year} – {goal.area.number}. {goal.area.name}"
        # What Truncator(text).chars(80) gives for texts in NFC without combining accents
        # (a test holds it to Truncator), without Truncator's walk through every character:
        # about 4,000 calls a request on the list at city scale.
        text = goal.text if len(goal.text) <= 80 else f"{goal.text[:79]}…"
        label = f"{goal.code} {text}"
        groups.setdefault(group, []).append((goal.pk, label))
    return [("", _("All council goals")), *groups.items()]


class AssignmentFilterForm(forms.Form):
    """The filters of the public assignment list; each one narrows the list further."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Words in the code, title or text of the assignment."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    year = forms.TypedChoiceField(
        label=_("Budget year"), required=False, coerce=int, empty_value=None, widget=Select
    )
    # A search box, not a drop-down: a list of every organisation would grow with the city's
    # organisations (and the page with it); each organisation's own page lists its assignments.
    organisation = forms.CharField(
        label=_("Committee or company"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    council_goal = forms.TypedChoiceField(
        label=_("Council goal"), required=False, coerce=int, empty_value=None, widget=Select
    )
    goal = forms.TypedChoiceField(
        label=_("Global goal"), required=False, coerce=int, empty_value=None, widget=Select
    )
    progress = forms.ChoiceField(
        label=_("Progress"),
        required=False,
        widget=Select,
        help_text=_("As told in the latest published report of each organisation."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        years = Budget.objects.order_by("-year").values_list("year", flat=True)
        cast(forms.ChoiceField, self.fields["year"]).choices = [
            ("", _("All years")),
            *((y, y) for y in years),
        ]
        self.fields["organisation"].help_text = format_html(
            gettext(
                'All or part of its name. <a href="{url}">Every committee and company</a> has '
                "a page of its own with its assignments."
            ),
            url=reverse("public:organisation_list"),
        )
        cast(forms.ChoiceField, self.fields["council_goal"]).choices = _council_goal_choices(
            CouncilGoal.objects.select_related("area__budget").order_by(
                "-area__budget__year", "area__number", "number"
            )
        )
        cast(forms.ChoiceField, self.fields["goal"]).choices = [
            ("", _("All global goals")),
            *(
                (g.number, f"{g.label} {g.number}: {g.title}")
                for g in GlobalGoal.objects.sdg().order_by("number")
            ),
        ]
        cast(forms.ChoiceField, self.fields["progress"]).choices = [
            ("", _("Any progress")),
            *((str(p), p.label) for p in PROGRESS_ORDER),
            (NOT_REPORTED, _("No published report yet")),
        ]

    def filters(self) -> dict:
        """The valid filters chosen; an invalid one is left out (and shown as an error)."""
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if value not in (None, "") and name not in self.errors
        }


def filter_assignments(assignments: QuerySet[Assignment], filters: Mapping) -> QuerySet:
    """``assignments`` narrowed by the filters of ``AssignmentFilterForm``."""
    if text := filters.get("q", "").strip():
        assignments = assignments.filter(
            Q(code__icontains=text) | Q(title__icontains=text) | Q(text__icontains=text)
        )
    if year := filters.get("year"):
        assignments = assignments.filter(budget__year=year)
    if name := filters.get("organisation", "").strip():
        # A part of the name, or the organisation's slug (as in the addresses of its page).
        assignments = assignments.filter(
            Exists(
                Responsibility.objects.filter(
                    Q(organisation__name__icontains=name) | Q(organisation__slug=name),
                    assignment=OuterRef("pk"),
                )
            )
        )
    if council_goal := filters.get("council_goal"):
        assignments = assignments.filter(council_goal_id=council_goal)
    if number := filters.get("goal"):
        sdg = {"framework": Framework.SDG, "number": number}
        linked_goal = Assignment.global_goals.through.objects.filter(
            assignment=OuterRef("pk"), **{f"globalgoal__{k}": v for k, v in sdg.items()}
        )
        linked_target = Assignment.global_targets.through.objects.filter(
            assignment=OuterRef("pk"), **{f"globaltarget__goal__{k}": v for k, v in sdg.items()}
        )
        # Targets a published report says the work contributes to count as well.
        reported_target = PublishedContribution.objects.filter(
            assignment=OuterRef("pk"), **{f"target__goal__{k}": v for k, v in sdg.items()}
        )
        assignments = assignments.filter(
            Exists(linked_goal) | Exists(linked_target) | Exists(reported_target)
        )
    if progress := filters.get("progress"):
        if progress == NOT_REPORTED:
            assignments = assignments.filter(
                ~Exists(Report.objects.public().filter(assignment=OuterRef("pk")))
            )
        else:
            assignments = assignments.filter(
                Exists(
                    Report.objects.public()
                    .latest_published()
                    .filter(assignment=OuterRef("pk"), published_version__progress=progress)
                )
            )
    return assignments


@public_page
def assignment_list(request: HttpRequest) -> HttpResponse:
    """Every assignment, searchable and filtered, with the progress of its published reports."""
    form = AssignmentFilterForm(request.GET)
    filters = form.filters()
    assignments = filter_assignments(
        in_list_order(Assignment.objects.select_related("budget", "council_goal__area")), filters
    )
    paginator = KeyFirstPaginator(assignments, ASSIGNMENTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    prefetch_related_objects(rows, prefetch.responsibilities())
    progress = progress_by_assignment(a.pk for a in rows)
    for assignment in rows:
        _sort_responsibilities(assignment)
        assignment.progress_summary = progress.get(assignment.pk, [])
    return render(
        request,
        "public/assignment_list.html",
        {
            "form": form,
            "is_filtered": bool(filters),
            "page_obj": page,
            "assignments": rows,
            "page_range": list(
                paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
            ),
            "ellipsis": Paginator.ELLIPSIS,
        },
    )


# One assignment


# What the assignment page reads of its organisations, its budget's periods and its goals and
# targets, as rows. Written as SQL (``public/sql.py``), as the organisation page's: Django took
# longer to build these four queries than the database took to run them. A test holds each to
# the ORM query it stands for.
_ASSIGNMENT_SQL = {
    # Its responsible organisations (OrganisationName and role), leads first, then by name.
    "responsible": """
        SELECT r.organisation_id, o.name, o.slug, r.role
        FROM {responsibility} r INNER JOIN {organisation} o ON o.id = r.organisation_id
        WHERE r.assignment_id = %(assignment)s
        ORDER BY r.role ASC, o.name ASC
    """,
    # Its budget's reporting periods (PeriodRow without the year), in the order of deadlines.
    "periods": """
        SELECT p.id, p.name FROM {period} p
        WHERE p.budget_id = %(budget)s
        ORDER BY p.deadline ASC, p.id ASC
    """,
    # The global goals it is linked to (GoalRow).
    "goals": """
        SELECT g.framework, g.number, g.title_sv, g.title_en
        FROM {goal} g INNER JOIN {assignment_goals} l ON l.globalgoal_id = g.id
        WHERE l.assignment_id = %(assignment)s
        ORDER BY g.framework ASC, g.number ASC
    """,
    # The global targets it is linked to (TargetRow), in their goals' order.
    "targets": """
        SELECT t.code, t.text_sv, t.text_en, g.framework, g.number, t.goal_id
        FROM {target} t
        INNER JOIN {goal} g ON g.id = t.goal_id
        INNER JOIN {assignment_targets} l ON l.globaltarget_id = t.id
        WHERE l.assignment_id = %(assignment)s
        ORDER BY g.framework ASC, g.number ASC, t.position ASC
    """,
}


def _assignment_rows(assignment: Assignment) -> dict[str, list[tuple]]:
    """The rows of ``_ASSIGNMENT_SQL`` for the assignment: four queries."""
    return sql.rows_of_each(
        _ASSIGNMENT_SQL, {"assignment": assignment.pk, "budget": assignment.budget_id}
    )


@public_page
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An assignment in full, its progress period by period in the published reports, each
    responsible organisation's latest report (the rest of the reports are a period's
    compilation away), and its indicators."""
    # Its goals, targets and indicators as plain filtered queries: a prefetch of each cost
    # more to build than to run. Most assignments have no indicators: whether this one has
    # is read with the assignment, and their query only made when it has.
    assignment = get_object_or_404(
        Assignment.objects.select_related("budget", "council_goal__area").annotate(
            has_indicators=Exists(
                Indicator.assignments.through.objects.filter(assignment=OuterRef("pk"))
            )
        ),
        pk=pk,
    )
    found = _assignment_rows(assignment)
    # Leads first, then by name: the organisations' names only, as plain rows.
    responsible = [
        (OrganisationName(organisation_id, name, slug), role)
        for organisation_id, name, slug, role in found["responsible"]
    ]
    leads = [o for o, role in responsible if role == ResponsibilityRole.LEAD]
    participants = [o for o, role in responsible if role != ResponsibilityRole.LEAD]
    year = assignment.budget.year
    periods = {pk: PeriodRow(pk, name, year) for pk, name in found["periods"]}
    # What the page shows of each report, as plain rows rather than three models each: the
    # longer texts are the report page's.
    reports = []
    names: dict[int, tuple[str, str]] = {}
    for report_pk, organisation_id, name, slug, period_id, progress, percent, published in (
        Report.objects.public()
        .filter(assignment=assignment)
        .order_by("organisation__name", "pk")
        .values_list(
            "pk",
            "organisation_id",
            "organisation__name",
            "organisation__slug",
            "period_id",
            "published_version__progress",
            "published_version__percent_complete",
            "published_at",
        )
    ):
        if period_id in periods:  # the assignment's budget's, as every report's should be
            period = periods[period_id]
            reports.append(
                PublishedReport(report_pk, organisation_id, period, progress, percent, published)
            )
            names[organisation_id] = (name, slug)
    # By period (in the periods' order, without joining them again), so each organisation's
    # last report here is its latest.
    position = {pk: i for i, pk in enumerate(periods)}
    reports.sort(key=lambda r: position[r.period.pk])
    latest = {r.organisation_id: r for r in reports}

    # Responsible organisations first, as the budget names them; then any organisation whose
    # published report remains after it stopped being responsible.
    organisations = {o.pk: (o, role) for o, role in responsible}
    for organisation_id, (name, slug) in names.items():
        if organisation_id not in organisations:
            organisations[organisation_id] = (OrganisationName(organisation_id, name, slug), None)
    rows = [
        OrganisationRow(organisation, role, latest.get(organisation.pk))
        for organisation, role in organisations.values()
    ]

    reported_periods = {r.period.pk for r in reports}
    global_goals = [GoalRow(*row) for row in found["goals"]]
    global_targets = [TargetRow(*row) for row in found["targets"]]
    writer = RowWriter()
    over_periods = []
    for period in periods.values():
        counts = empty_counts()
        for report in reports:
            if report.period is period:
                counts[report.progress] += 1
        over_periods.append((period.name, counts))
    chart = (
        charts.progress_over_periods(over_periods, chart_id="assignment-progress")
        if reports
        else None
    )
    return render(
        request,
        "public/assignment_detail.html",
        {
            "assignment": assignment,
            "periods": list(periods.values()),
            "rows": rows,
            "latest_rows": writer.latest_rows(rows),
            "has_reports": bool(reports),
            "reported_periods": [p for p in periods.values() if p.pk in reported_periods],
            "leads": writer.organisation_items(leads),
            "participants": writer.organisation_items(participants),
            "goal_tiles": writer.goal_tiles(
                global_goals,
                gettext("Global goals of assignment %(code)s") % {"code": assignment.code},
            )
            if global_goals
            else "",
            "target_list": writer.target_list(global_targets) if global_targets else "",
            "indicators": indicator_summaries(indicators_as_listed().filter(assignments=assignment))
            if assignment.has_indicators
            else [],
            "chart": chart,
            "chart_html": periods_chart(chart) if chart else "",
        },
    )


# Organisations


@dataclass
class OrganisationGroup:
    kind: str
    label: StrOrPromise
    organisations: list[Organisation] = field(default_factory=list)


@public_page
def organisation_list(request: HttpRequest) -> HttpResponse:
    """The city's committees and companies, by kind, with the years they existed."""
    organisations = Organisation.objects.annotate(
        assignment_count=Count("responsibilities", distinct=True),
        report_count=Count(
            "reports", filter=Q(reports__published_version__isnull=False), distinct=True
        ),
    ).order_by("name")
    groups = {kind: OrganisationGroup(str(kind), label) for kind, label in ORGANISATION_GROUPS}
    for organisation in organisations:
        groups[organisation.kind].organisations.append(organisation)
    return render(
        request,
        "public/organisation_list.html",
        {"groups": [g for g in groups.values() if g.organisations]},
    )


@public_page
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """
    An organisation's assignments, its published reports and the global goals its work
    touches: those of its assignments (and their targets) and those of its published reports'
    targets.
    """
    organisation = get_object_or_404(Organisation.objects.select_related("parent"), slug=slug)
    # Newest period first: an assignment's first report here is the organisation's latest.
    reports = [
        OrganisationReport(*row)
        for row in Report.objects.public()
        .filter(organisation=organisation)
        .order_by("-period__deadline", "-period__pk", "assignment__code")
        .values_list(
            "pk",
            "assignment_id",
            "assignment__code",
            "assignment__title",
            "period__name",
            "period__budget__year",
            "published_version__progress",
            "published_at",
        )
    ]
    latest: dict[int, OrganisationReport] = {}
    for report in reports:
        latest.setdefault(report.assignment_id, report)
    rows = _organisation_rows(organisation)
    responsibilities = [
        OrganisationAssignment(pk, code, title, year, role, latest.get(pk))
        for pk, code, title, year, role in rows["responsibilities"]
    ]
    # The targets of its reports' public versions, from their stored contributions.
    targets = [TargetRow(*row) for row in rows["targets"]]
    goals = [GoalRow(*row) for row in rows["goals"]]
    writer = RowWriter()
    return render(
        request,
        "public/organisation_detail.html",
        {
            "organisation": organisation,
            "responsibilities": responsibilities,
            "responsibility_rows": writer.responsibility_rows(responsibilities),
            "reports": reports,
            "report_rows": writer.report_rows(reports),
            "goals": goals,
            "targets": targets,
            "target_list": writer.target_list(targets),
            "goal_tiles": writer.goal_tiles(
                goals,
                gettext("Global goals of the work of %(organisation)s")
                % {"organisation": organisation.name},
            ),
        },
    )


# What the organisation page reads of the organisation's assignments, targets and goals, as
# rows. Written as SQL (``public/sql.py``): Django took longer to build these three queries
# than the database took to run them. A test holds each to the ORM query it stands for, on
# both databases.
_ORGANISATION_SQL = {
    # Its assignments, newest budget first (OrganisationAssignment without the report).
    "responsibilities": """
        SELECT r.assignment_id, a.code, a.title, b.year, r.role
        FROM {responsibility} r
        INNER JOIN {assignment} a ON a.id = r.assignment_id
        INNER JOIN {budget} b ON b.id = a.budget_id
        WHERE r.organisation_id = %(organisation)s
        ORDER BY b.year DESC, a.code ASC, r.assignment_id ASC
    """,
    # The targets its published reports contribute to (TargetRow), in the goals' order.
    "targets": """
        SELECT t.code, t.text_sv, t.text_en, g.framework, g.number, t.goal_id
        FROM {target} t INNER JOIN {goal} g ON g.id = t.goal_id
        WHERE t.id IN (
            SELECT c.target_id FROM {contribution} c WHERE c.organisation_id = %(organisation)s
        )
        ORDER BY g.framework ASC, g.number ASC, t.position ASC
    """,
    # The goals its work touches (GoalRow): those of its assignments, directly or through
    # their targets, and those of the targets its published reports contribute to.
    "goals": """
        SELECT g.framework, g.number, g.title_sv, g.title_en
        FROM {goal} g
        WHERE g.id IN (
            SELECT l.globalgoal_id FROM {assignment_goals} l
            INNER JOIN {responsibility} r ON r.assignment_id = l.assignment_id
            WHERE r.organisation_id = %(organisation)s
        ) OR g.id IN (
            SELECT t.goal_id FROM {assignment_targets} l
            INNER JOIN {responsibility} r ON r.assignment_id = l.assignment_id
            INNER JOIN {target} t ON t.id = l.globaltarget_id
            WHERE r.organisation_id = %(organisation)s
        ) OR g.id IN (
            SELECT t.goal_id FROM {target} t
            INNER JOIN {contribution} c ON c.target_id = t.id
            WHERE c.organisation_id = %(organisation)s
        )
        ORDER BY g.framework ASC, g.number ASC
    """,
}


def _organisation_rows(organisation: Organisation) -> dict[str, list[tuple]]:
    """The rows of ``_ORGANISATION_SQL`` for the organisation: three queries."""
    return sql.rows_of_each(_ORGANISATION_SQL, {"organisation": organisation.pk})


# Council goals


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Budget year"), coerce=int, widget=Select)

    def __init__(self, *args, years: Iterable[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["year"]).choices = [(y, y) for y in years]


@public_page
def council_goals(request: HttpRequest) -> HttpResponse:
    """The council goals of a budget year by goal area, each with its assignments and its
    indicators."""
    budgets = {b.year: b for b in Budget.objects.order_by("-year")}
    form = YearForm(request.GET or None, years=budgets)
    budget = None
    if form.is_bound and form.is_valid():
        budget = budgets[form.cleaned_data["year"]]
    elif budgets:
        budget = next(iter(budgets.values()))
        if not form.is_bound:
            form = YearForm(initial={"year": budget.year}, years=budgets)
    areas = []
    if budget is not None:
        goals = CouncilGoal.objects.order_by("number").prefetch_related(
            prefetch.global_goals(),
            Prefetch("assignments", queryset=Assignment.objects.order_by("code", "pk")),
            indicators_prefetch(),
        )
        areas = list(
            budget.goal_areas.order_by("number").prefetch_related(
                Prefetch("council_goals", queryset=goals)
            )
        )
        goals_shown = [goal for area in areas for goal in area.council_goals.all()]
        # The values of every goal's indicators in one query, then each goal's summaries.
        read_series([i for goal in goals_shown for i in goal.indicators.all()])
        for goal in goals_shown:
            goal.indicator_summaries = indicator_summaries(goal.indicators.all())
    return render(
        request,
        "public/council_goals.html",
        {"form": form, "budget": budget, "areas": areas},
    )


# One report, and a period's reports together


@public_page
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A published report in its published version; any other report is a 404."""
    report = get_object_or_404(
        Report.objects.public()
        .select_related("published_version")
        .select_related("organisation", "period__budget"),
        pk=pk,
    )
    # A query of its own: joined into the first, its four tables would take PostgreSQL
    # longer to plan (ten tables) than both queries take to run (docs/performance.md).
    report.assignment = Assignment.objects.select_related("budget", "council_goal__area").get(
        pk=report.assignment_id
    )
    version = report.published_version
    assert version is not None  # only published reports are found
    return render(
        request,
        "public/report_detail.html",
        {
            "report": report,
            "version": version,
            "targets": list(
                version.contributed_targets.select_related("goal").order_by(
                    "goal__framework", "goal__number", "position"
                )
            ),
            "attachments": list(version.attachments.order_by("uploaded_at", "pk")),
        },
    )


@dataclass
class CompilationAssignment:
    assignment: Assignment
    reports: list[Report] = field(default_factory=list)


@dataclass
class CompilationGroup:
    council_goal: CouncilGoal | None
    assignments: list[CompilationAssignment] = field(default_factory=list)


@public_page
def period_compilation(request: HttpRequest, pk: int) -> HttpResponse:
    """Every published report of a reporting period on one page, by council goal, to print."""
    period = get_object_or_404(ReportingPeriod.objects.select_related("budget"), pk=pk)
    reports = (
        Report.objects.public()
        .select_related("published_version")
        .filter(period=period)
        .select_related("assignment__council_goal__area", "organisation")
        .prefetch_related(prefetch.published_targets(), prefetch.published_attachments())
        .order_by(
            F("assignment__council_goal__area__number").asc(nulls_last=True),
            F("assignment__council_goal__number").asc(nulls_last=True),
            "assignment__code",
            "assignment__pk",
            "organisation__name",
        )
    )
    groups: list[CompilationGroup] = []
    for report in reports:
        goal = report.assignment.council_goal
        if not groups or groups[-1].council_goal != goal:
            groups.append(CompilationGroup(goal))
        group = groups[-1]
        if not group.assignments or group.assignments[-1].assignment.pk != report.assignment_id:
            group.assignments.append(CompilationAssignment(report.assignment))
        group.assignments[-1].reports.append(report)
    return render(
        request,
        "public/period_compilation.html",
        {
            "period": period,
            "groups": groups,
            "report_count": sum(len(a.reports) for g in groups for a in g.assignments),
        },
    )


# The accessibility statement


@public_page
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement (tillgänglighetsredogörelse) the law requires."""
    return render(
        request,
        "public/accessibility.html",
        {
            "written_on": ACCESSIBILITY_STATEMENT_DATE,
            "site_url": settings.PORTAL_BASE_URL,
            "contact_email": "hallbarhet@malmo.example",
        },
    )
