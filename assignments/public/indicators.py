"""
The public indicator pages: the list of indicators with filters, each indicator's page with
its latest values (a chart and a table of the latest ``LATEST_TIMES`` years or periods), its
progress towards the target (assessed from every value) explained in words, its source and
what it follows up, and the table of every value of an indicator, ``TIMES_PER_PAGE`` years
or periods a page.

Every value shown is an ``IndicatorValue``, which is public as it is stored: a reporter's
values become one only when their report's version is published. What reporters have typed
into reports not yet published (``ReportedValue``) is never read here.

An indicator's page and each page of its table make the same queries however many values
it has, and read only the values they show (``latest_values``, ``values_page``: one query,
numbered in the database) as rows, not model instances (``PublicValue``); ``make bench``
measures them with ten times the values.

The goal and assignment pages list their indicators through ``selectors.indicators``
(``views.indicators_prefetch`` and ``views.indicator_summaries``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from typing import TYPE_CHECKING, NamedTuple, cast

from django import forms
from django.core.paginator import Paginator
from django.db import connection, models
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.formats import get_format, number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assignments import indicators as method
from assignments.caching import public_page
from assignments.indicators import Assessment, Point
from assignments.models import (
    BREAKDOWNS,
    KOLADA_MALMO,
    Assignment,
    Indicator,
    IndicatorSource,
    IndicatorTarget,
    IndicatorValue,
    ProgressLevel,
    ReportingPeriod,
    ValueOrigin,
    breakdown_label,
    value_time_order_sql,
)
from assignments.selectors.indicators import Summary, summarise
from goals.models import Budget, CouncilGoal, Framework, GlobalGoal, GlobalTarget, GoalArea
from malmo_portal.forms import Select
from malmo_portal.templatetags.site_tags import path

from . import charts
from .views import _council_goal_choices, indicator_summaries

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

# Kolada's address of a key figure: API v3's documented path, which answers with the key
# figure's title and definition (Kolada's own web pages have no documented address per key
# figure). The data for Malmö (municipality KOLADA_MALMO) is at KOLADA_DATA_URL.
KOLADA_KPI_URL = "https://api.kolada.se/v3/kpi/{kpi}"
KOLADA_DATA_URL = "https://api.kolada.se/v3/data/kpi/{kpi}/municipality/{municipality}"

# The order the levels are told in, from the best to the least known.
LEVEL_ORDER = (
    ProgressLevel.REACHED,
    ProgressLevel.SUBSTANTIAL,
    ProgressLevel.MODERATE,
    ProgressLevel.LIMITED,
    ProgressLevel.MOVING_AWAY,
    ProgressLevel.NOT_ENOUGH_DATA,
)


# The list


class IndicatorFilterForm(forms.Form):
    """The filters of the indicator list; each one narrows the list further."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Words in the code or title of the indicator."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    year = forms.TypedChoiceField(
        label=_("Budget year"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=Select,
        help_text=_("Indicators of the year's council goals and assignments."),
    )
    council_goal = forms.TypedChoiceField(
        label=_("Council goal"), required=False, coerce=int, empty_value=None, widget=Select
    )
    goal = forms.TypedChoiceField(
        label=_("Global goal"), required=False, coerce=int, empty_value=None, widget=Select
    )
    source = forms.ChoiceField(label=_("Source"), required=False, widget=Select)
    level = forms.ChoiceField(label=_("Progress towards the target"), required=False, widget=Select)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        years = Budget.objects.order_by("-year").values_list("year", flat=True)
        cast(forms.ChoiceField, self.fields["year"]).choices = [
            ("", _("All years")),
            *((y, y) for y in years),
        ]
        cast(forms.ChoiceField, self.fields["council_goal"]).choices = _council_goal_choices(
            CouncilGoal.objects.filter(
                Exists(Indicator.council_goals.through.objects.filter(councilgoal=OuterRef("pk")))
            )
            .select_related("area__budget")
            .order_by("-area__budget__year", "area__number", "number")
        )
        cast(forms.ChoiceField, self.fields["goal"]).choices = [
            ("", _("All global goals")),
            *(
                (g.number, f"{g.label} {g.number}: {g.title}")
                for g in GlobalGoal.objects.sdg().order_by("number")
            ),
        ]
        cast(forms.ChoiceField, self.fields["source"]).choices = [
            ("", _("Any source")),
            *IndicatorSource.choices,
        ]
        cast(forms.ChoiceField, self.fields["level"]).choices = [
            ("", _("Any progress")),
            *((str(level), level.label) for level in LEVEL_ORDER),
        ]

    def filters(self) -> dict:
        """The valid filters chosen; an invalid one is left out (and shown as an error)."""
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if value not in (None, "") and name not in self.errors
        }


def filter_indicators(indicators: QuerySet[Indicator], filters: Mapping) -> QuerySet[Indicator]:
    """``indicators`` narrowed by the filters of ``IndicatorFilterForm`` that the database
    answers (all but the progress, which is computed)."""
    if text := filters.get("q", "").strip():
        indicators = indicators.filter(
            Q(code__icontains=text) | Q(title_sv__icontains=text) | Q(title_en__icontains=text)
        )
    if year := filters.get("year"):
        goals = Indicator.council_goals.through.objects.filter(
            indicator=OuterRef("pk"), councilgoal__area__budget__year=year
        )
        assignments = Indicator.assignments.through.objects.filter(
            indicator=OuterRef("pk"), assignment__budget__year=year
        )
        indicators = indicators.filter(Exists(goals) | Exists(assignments))
    if council_goal := filters.get("council_goal"):
        indicators = indicators.filter(
            Exists(
                Indicator.council_goals.through.objects.filter(
                    indicator=OuterRef("pk"), councilgoal_id=council_goal
                )
            )
        )
    if number := filters.get("goal"):
        indicators = indicators.filter(
            Exists(
                Indicator.global_targets.through.objects.filter(
                    indicator=OuterRef("pk"),
                    globaltarget__goal__framework=Framework.SDG,
                    globaltarget__goal__number=number,
                )
            )
        )
    if source := filters.get("source"):
        indicators = indicators.filter(source=source)
    return indicators


@public_page
def indicator_list(request: HttpRequest) -> HttpResponse:
    """Every indicator with its latest value, the last change and its progress, filtered."""
    form = IndicatorFilterForm(request.GET)
    filters = form.filters()
    indicators = filter_indicators(
        Indicator.objects.select_related("measured_by").order_by("code"), filters
    )
    rows = indicator_summaries(indicators)
    if level := filters.get("level"):
        rows = [row for row in rows if row.assessment.level == level]
    return render(
        request,
        "public/indicator_list.html",
        {"form": form, "is_filtered": bool(filters), "summaries": rows},
    )


# One indicator: its values as a table


def value_formatter(indicator: Indicator) -> Callable[[Decimal], str]:
    """
    ``indicator.format_value`` for many values: the same text (Django's ``number_format``
    with the indicator's decimals, grouped, in the active language's format), with the
    language's format looked up once rather than for every value. Formats that group digits
    other than by threes are left to ``format_value``.
    """
    decimals = indicator.decimals
    decimal_separator = get_format("DECIMAL_SEPARATOR", use_l10n=True)
    thousand_separator = get_format("THOUSAND_SEPARATOR", use_l10n=True)
    if get_format("NUMBER_GROUPING", use_l10n=True) != 3:
        return indicator.format_value
    exponent = Decimal(1).scaleb(-decimals)

    def format_value(value: Decimal) -> str:
        # As Indicator.format_value: rounded half up, and never "-0,0".
        rounded = value.quantize(exponent, rounding=ROUND_HALF_UP)
        if rounded.is_zero():
            rounded = abs(rounded)
        text = f"{rounded:f}"
        sign = ""
        if text[0] == "-":
            sign, text = "-", text[1:]
        whole, _point, fraction = text.partition(".")
        fraction = fraction[:decimals].ljust(decimals, "0")
        grouped = f"{int(whole):,}".replace(",", thousand_separator)
        return f"{sign}{grouped}{decimal_separator}{fraction}" if decimals else sign + grouped

    return format_value


class PeriodName(NamedTuple):
    name: str


@dataclass(frozen=True, slots=True)
class PublicValue:
    """
    One ``IndicatorValue`` as the indicator page reads it: a row of the database rather than
    a model instance, which costs several times as much to make, and the page reads every
    value of its indicator. It has what the page and ``selectors.indicators.summarise`` read
    of a value (``period.name`` for the latest value's time).
    """

    year: int
    period_id: int | None
    period_name: str | None
    dimension: str
    category: str
    value: Decimal
    origin: str
    report_id: int | None
    note: str

    FIELDS = (
        "year",
        "period_id",
        "period__name",
        "dimension",
        "category",
        "value",
        "origin",
        "report_id",
        "note",
    )

    @property
    def period(self) -> PeriodName | None:
        return None if self.period_name is None else PeriodName(self.period_name)


# How many times (years or reporting periods) the indicator's page shows, the latest; the
# full table (``indicator_values``) shows every time, this many to a page.
LATEST_TIMES = 10
TIMES_PER_PAGE = 50


# The indicator's values, each numbered by its time (a year, or a reporting period of a year)
# from the first (``time_from_start``, 1 for the first time), with the number of times
# (``time_count``), the count of all the indicator's values and the value's id. A page
# filters on these numbers, and so reads its values in one query whose size does not grow
# with the values. Times are ordered as ``models.value_time_order`` orders them: by year,
# then by the reporting period's deadline (yearly values first), then by the period. One sort
# of the values: each more window ordered its own way cost PostgreSQL a sort of every value
# (0.2 ms each at 270).
# Written as SQL (the same on SQLite and PostgreSQL): Django takes longer to build this query
# than the database to run it.
_NUMBERED_VALUES = """
SELECT numbered.*, MAX(time_from_start) OVER () AS time_count, COUNT(*) OVER () AS value_count
FROM (
    SELECT v.year, v.period_id, p.name, v.dimension, v.category, v.value, v.origin,
           v.report_id, v.note,
           DENSE_RANK() OVER (ORDER BY {time_order}) AS time_from_start,
           v.id
    FROM {values} v LEFT OUTER JOIN {periods} p ON p.id = v.period_id
    WHERE v.indicator_id = %s
) numbered
"""

# The ids of the first headline value and of the latest (DESC, LIMIT 2) in time order
# (``models.value_time_order``; the category is the headline's, the same for all).
_HEADLINE_END = """
SELECT h.id FROM {values} h LEFT OUTER JOIN {periods} q ON q.id = h.period_id
WHERE h.indicator_id = %s AND h.dimension = %s
ORDER BY {time_order}, h.category {order}
LIMIT {limit}
"""


_TIME_ORDER = value_time_order_sql("v", "p")


def _tables() -> dict[str, str]:
    return {
        "values": connection.ops.quote_name(IndicatorValue._meta.db_table),
        "periods": connection.ops.quote_name(ReportingPeriod._meta.db_table),
    }


def _numbered_values(indicator: Indicator, where: str, params: Sequence) -> list[tuple]:
    """The indicator's values (``_NUMBERED_VALUES``) for which the condition ``where`` on
    those numbers holds, in time order (as ``IndicatorValue.in_order``)."""
    sql = (
        f"SELECT * FROM ({_NUMBERED_VALUES.format(**_tables(), time_order=_TIME_ORDER)})"
        f" counted WHERE {where}"
        " ORDER BY time_from_start, dimension, category"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [indicator.pk, *params])
        rows = cursor.fetchall()
    value_field = cast(models.DecimalField, IndicatorValue._meta.get_field("value"))
    exponent = Decimal(1).scaleb(-value_field.decimal_places)
    position = PublicValue.FIELDS.index("value")
    if rows and not isinstance(rows[0][position], Decimal):
        # SQLite gives numbers as floats or integers: made decimals as Django makes them.
        rows = [
            (
                *row[:position],
                cast(Decimal, value_field.to_python(row[position])).quantize(exponent),
                *row[position + 1 :],
            )
            for row in rows
        ]
    return rows


@dataclass(frozen=True)
class ValueWindow:
    """Some of an indicator's values, in time order, with how many there are in all."""

    values: list[PublicValue]
    value_count: int = 0
    time_count: int = 0
    first_time: int = 0  # the number of the first time shown, from 1


FIELDS = len(PublicValue.FIELDS)
TIME_FROM_START, VALUE_ID, TIME_COUNT, VALUE_COUNT = range(FIELDS, FIELDS + 4)


def _window(rows: list[tuple], shown: list[tuple]) -> ValueWindow:
    if not rows:
        return ValueWindow([])
    first = rows[0]
    return ValueWindow(
        [PublicValue(*row[:FIELDS]) for row in shown],
        value_count=first[VALUE_COUNT],
        time_count=first[TIME_COUNT],
        first_time=min((row[TIME_FROM_START] for row in shown), default=0),
    )


DIMENSION = PublicValue.FIELDS.index("dimension")


def latest_values(
    indicator: Indicator, times: int = LATEST_TIMES
) -> tuple[ValueWindow, list[PublicValue]]:
    """
    The values of the indicator's latest ``times`` times (in time order), and what its
    progress is assessed from: the first value of its headline series (the baseline when the
    indicator has none of its own) and its latest two (the latest value and the last change),
    which ``selectors.indicators.summarise`` reads as the whole series would give them. One
    query, however many values the indicator has.
    """
    first = _HEADLINE_END.format(
        **_tables(), time_order=value_time_order_sql("h", "q"), order="ASC", limit=1
    )
    latest = _HEADLINE_END.format(
        **_tables(),
        time_order=value_time_order_sql("h", "q", descending=True),
        order="DESC",
        limit=2,
    )
    rows = _numbered_values(
        indicator,
        f"time_from_start > time_count - %s OR id IN ({first}) OR id IN ({latest})",
        [times, indicator.pk, "", indicator.pk, ""],
    )
    shown = [row for row in rows if row[TIME_COUNT] - row[TIME_FROM_START] < times]
    # The headline values read are its first, its latest two and those of the times shown:
    # the first and the latest two of them are the series' own.
    headline = [PublicValue(*row[:FIELDS]) for row in rows if not row[DIMENSION]]
    headline = headline[:1] + headline[max(1, len(headline) - 2) :]
    return _window(rows, shown), headline


def values_page(indicator: Indicator, page: int, per_page: int) -> ValueWindow:
    """The values of the page's times (``per_page`` times a page, the first first) with how
    many values and times there are in all: one query for any page."""
    start = (page - 1) * per_page + 1
    rows = _numbered_values(
        indicator, "time_from_start >= %s AND time_from_start < %s", [start, start + per_page]
    )
    return _window(rows, rows)


@dataclass
class ValueRow:
    """A time of the table: a year, or a reporting period of a year, with its values, where
    they came from and their notes."""

    time: str
    cells: list[str]
    origins: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    report_id: int | None = None

    @property
    def cells_html(self) -> SafeString:
        """The row's values as table cells: one string for the template rather than a loop
        per row, which would cost the page more than anything else it does per value."""
        return mark_safe(  # every cell is escaped here
            "".join(f'<td class="data-table__number">{escape(cell)}</td>' for cell in self.cells)
        )

    @property
    def origin(self) -> str:
        return ", ".join(self.origins)

    @property
    def note(self) -> str:
        return "; ".join(self.notes)

    def html(self) -> str:
        """The row as the table shows it, escaped: its time, its values, where they came from
        (linking to the published report they came with) and its notes."""
        origin = escape(self.origin)
        if self.report_id:
            url = path("public:report_detail", self.report_id)
            origin = f'<a href="{escape(url)}">{origin}</a>'
        return (
            f'<tr><th scope="row">{escape(self.time)}</th>{self.cells_html}'
            f"<td>{origin}</td><td>{escape(self.note)}</td></tr>"
        )


@dataclass
class ValueTable:
    columns: list[str]
    rows: list[ValueRow]

    @property
    def rows_html(self) -> SafeString:
        """Every row of the table as one string: a template loop per row cost the page more
        than anything else it does per value (docs/performance.md)."""
        return mark_safe("\n".join(row.html() for row in self.rows))  # escaped in html()


def _series_keys(values: Iterable[PublicValue]) -> list[tuple[str, str]]:
    """The series the values come in: the total first, then each breakdown's categories in
    the order BREAKDOWNS names them, then any others."""
    found = {(value.dimension, value.category) for value in values}
    known = [("", "")] + [
        (dimension, category)
        for dimension, (_label, categories) in BREAKDOWNS.items()
        for category in categories
    ]
    return [key for key in known if key in found] + sorted(found - set(known))


def value_table_and_chart(
    indicator: Indicator,
    values: Sequence[PublicValue],
    targets: list[IndicatorTarget],
    *,
    chart: bool = True,
    latest_only: bool = False,
) -> tuple[ValueTable, charts.LineChart | None]:
    """
    The values given (in time order) as a table, a row per year or reporting period and a
    column per series, and the series as a chart (unless ``chart`` is false). A year's
    reporting periods are placed within the year on the chart, after its yearly value, in
    their order. ``latest_only``: the values are the latest times only, as the chart's title
    says.
    """
    keys = _series_keys(values)
    column = {key: n for n, key in enumerate(keys)}
    origin_labels = {origin: str(label) for origin, label in ValueOrigin.choices}
    format_value = value_formatter(indicator)
    rows: list[ValueRow] = []
    slots: list[tuple[int, int | None]] = []
    by_slot: dict[tuple[int, int | None], ValueRow] = {}
    lines: list[list[tuple[int, Decimal]]] = [[] for _key in keys]
    for value in values:
        slot = (value.year, value.period_id)
        row = by_slot.get(slot)
        if row is None:
            time = (
                str(value.year)
                if value.period_name is None
                else ReportingPeriod.label(value.period_name, value.year)
            )
            row = by_slot[slot] = ValueRow(time, [""] * len(keys))
            rows.append(row)
            slots.append(slot)
        n = column[value.dimension, value.category]
        row.cells[n] = format_value(value.value)
        origin = origin_labels.get(value.origin, value.origin)
        if origin not in row.origins:
            row.origins.append(origin)
        if value.note and value.note not in row.notes:
            row.notes.append(value.note)
        if value.report_id:
            row.report_id = value.report_id
        lines[n].append((len(slots) - 1, value.value))
    columns = [breakdown_label(*key) for key in keys]
    if not chart:
        return ValueTable(columns, rows), None
    # Where on the time axis each row lies: its year, and a share of the year for the
    # reporting periods after the first time of that year.
    per_year: dict[int, int] = {}
    for year, _period in slots:
        per_year[year] = per_year.get(year, 0) + 1
    times: list[float] = []
    seen: dict[int, int] = {}
    for year, _period in slots:
        k = seen.get(year, 0)
        seen[year] = k + 1
        times.append(year + k / per_year[year])
    line_chart = charts.line_chart(
        [
            (
                f"{dimension}-{category}" if dimension else "total",
                breakdown_label(dimension, category),
                [(times[slot], number) for slot, number in line],
            )
            for (dimension, category), line in zip(keys, lines, strict=True)
        ],
        format_value=indicator.format_value,
        unit=indicator.unit,
        baseline=(
            (indicator.baseline_year, indicator.baseline_value)
            if indicator.baseline_year is not None and indicator.baseline_value is not None
            else None
        ),
        targets=[(target.year, target.value) for target in targets],
        title=(
            gettext("%(title)s: the latest %(times)s years and periods")
            % {"title": indicator.title, "times": len(rows)}
            if latest_only
            else gettext("%(title)s over time") % {"title": indicator.title}
        ),
        chart_id="indicator-chart",
    )
    return ValueTable(columns, rows), line_chart


# One indicator: its progress in words


@dataclass(frozen=True)
class Explanation:
    """The progress level with the figures it was computed from, written out for the page:
    ``case`` is "reached", "target" (compared with the rate needed), "no_target" (the change
    alone) or "not_enough" (with ``reason``)."""

    assessment: Assessment
    case: str
    computed_label: StrOrPromise = ""
    reason: str = ""
    baseline: str = ""
    baseline_year: int | None = None
    latest: str = ""
    latest_year: int | None = None
    target: str = ""
    target_year: int | None = None
    observed: str = ""
    needed: str = ""
    ratio: str = ""


def _percent_text(rate: float, decimals: int = 1) -> str:
    return gettext("%(percent)s %%") % {
        "percent": number_format(round(abs(rate) * 100, decimals), decimal_pos=decimals)
    }


def _change(rate: float) -> str:
    """A yearly rate of change in words: "rose by 2.1 % a year"."""
    if rate > 0:
        return gettext("rose by %(rate)s a year") % {"rate": _percent_text(rate)}
    if rate < 0:
        return gettext("fell by %(rate)s a year") % {"rate": _percent_text(rate)}
    return gettext("did not change")


def _needed_change(rate: float) -> str:
    if rate > 0:
        return gettext("rise by %(rate)s a year") % {"rate": _percent_text(rate)}
    if rate < 0:
        return gettext("fall by %(rate)s a year") % {"rate": _percent_text(rate)}
    return gettext("stay as it was")


def computed_assessment(
    indicator: Indicator, series: Sequence[IndicatorValue | PublicValue]
) -> Assessment:
    """What the method gives, without the office's override."""
    baseline = (
        Point(indicator.baseline_year, indicator.baseline_value)
        if indicator.baseline_year is not None and indicator.baseline_value is not None
        else None
    )
    return method.assess(
        series=[Point(value.year, value.value) for value in series],
        higher_is_better=indicator.higher_is_better,
        baseline=baseline,
        targets=[Point(target.year, target.value) for target in indicator.targets.all()],
    )


def explain(indicator: Indicator, summary: Summary) -> Explanation:
    assessment = summary.assessment
    computed = computed_assessment(indicator, summary.series) if assessment.overridden else None

    def with_unit(value: Decimal) -> str:
        text = indicator.format_value(value)
        return f"{text} {indicator.unit}" if indicator.unit else text

    figures: dict = {}
    if assessment.baseline is not None:
        figures["baseline"] = with_unit(assessment.baseline.value)
        figures["baseline_year"] = assessment.baseline.year
    if assessment.latest is not None:
        figures["latest"] = with_unit(assessment.latest.value)
        figures["latest_year"] = assessment.latest.year
    if assessment.target is not None:
        figures["target"] = with_unit(assessment.target.value)
        figures["target_year"] = assessment.target.year
    if assessment.observed_rate is not None:
        figures["observed"] = _change(assessment.observed_rate)
    if assessment.needed_rate is not None:
        figures["needed"] = _needed_change(assessment.needed_rate)
    if assessment.ratio is not None:
        figures["ratio"] = _percent_text(assessment.ratio, 0)
    if computed is not None:
        figures["computed_label"] = computed.label
    level = computed.level if computed is not None else assessment.level
    if level == ProgressLevel.REACHED:
        case = "reached"
    elif assessment.observed_rate is not None:
        case = "target" if assessment.needed_rate is not None else "no_target"
    else:
        case = "not_enough"
        figures["reason"] = _not_enough_reason(assessment)
    return Explanation(assessment=assessment, case=case, **figures)


def _not_enough_reason(assessment: Assessment) -> str:
    if assessment.latest is None:
        return gettext("There are no values yet.")
    if assessment.baseline is None or assessment.latest.year <= assessment.baseline.year:
        return gettext("There is no value from a later year than the baseline's.")
    return gettext("A yearly rate of change cannot be computed from a value of zero or below.")


@dataclass(frozen=True)
class Thresholds:
    """The limits between the levels, as the page writes them."""

    substantial_ratio: str = field(
        default_factory=lambda: _percent_text(method.SUBSTANTIAL_RATIO, 0)
    )
    moderate_ratio: str = field(default_factory=lambda: _percent_text(method.MODERATE_RATIO, 0))
    substantial_growth: str = field(
        default_factory=lambda: _percent_text(method.SUBSTANTIAL_GROWTH, 1)
    )
    moderate_growth: str = field(default_factory=lambda: _percent_text(method.MODERATE_GROWTH, 1))


def level_descriptions() -> list[tuple[str, StrOrPromise, str]]:
    """Each level (its value and label) with what it means, in the order of ``LEVEL_ORDER``:
    written here rather than by the template, whose translation tags cost the page more."""
    limits = Thresholds()
    meanings = {
        ProgressLevel.REACHED: gettext("The latest value is at the target or beyond it."),
        ProgressLevel.SUBSTANTIAL: gettext(
            "The change is at least %(ratio)s of the change needed. Without a target: the "
            "indicator improves by at least %(growth)s a year."
        )
        % {"ratio": limits.substantial_ratio, "growth": limits.substantial_growth},
        ProgressLevel.MODERATE: gettext(
            "The change is %(low)s to %(high)s of the change needed. Without a target: it "
            "improves by %(low_growth)s to %(high_growth)s a year."
        )
        % {
            "low": limits.moderate_ratio,
            "high": limits.substantial_ratio,
            "low_growth": limits.moderate_growth,
            "high_growth": limits.substantial_growth,
        },
        ProgressLevel.LIMITED: gettext(
            "The change goes the right way but is less than %(ratio)s of the change needed. "
            "Without a target: it improves by less than %(growth)s a year."
        )
        % {"ratio": limits.moderate_ratio, "growth": limits.moderate_growth},
        ProgressLevel.MOVING_AWAY: gettext(
            "The indicator has changed the wrong way since the baseline."
        ),
        ProgressLevel.NOT_ENOUGH_DATA: gettext(
            "There is no value after the baseline, or a value of zero or below, from which a "
            "yearly change can be worked out."
        ),
    }
    return [(str(level), level.label, meanings[level]) for level in LEVEL_ORDER]


# One indicator: its page


@dataclass(frozen=True)
class TargetText:
    year: int
    value: str
    note: str


# What an indicator follows up, for its page: its council goals (with their goal area's number
# and budget's year), assignments (with their budget's year) and Agenda 2030 targets (with
# their goal's framework and number), as rows of one query. Written as SQL, as
# ``_NUMBERED_VALUES`` is: Django took longer to build the three joined queries than the
# database to run them.
_FOLLOWED_UP = """
SELECT 1, g.id, b.year, a.number, g.number, '', g.text, '', ''
FROM {goal} g JOIN {area} a ON a.id = g.area_id JOIN {budget} b ON b.id = a.budget_id
JOIN {goal_link} l ON l.councilgoal_id = g.id WHERE l.indicator_id = %s
UNION ALL
SELECT 2, x.id, b.year, 0, 0, x.code, x.title, '', ''
FROM {assignment} x JOIN {budget} b ON b.id = x.budget_id
JOIN {assignment_link} l ON l.assignment_id = x.id WHERE l.indicator_id = %s
UNION ALL
SELECT 3, t.id, 0, n.number, t.position, t.code, t.text_sv, t.text_en, n.framework
FROM {target} t JOIN {global_goal} n ON n.id = t.goal_id
JOIN {target_link} l ON l.globaltarget_id = t.id WHERE l.indicator_id = %s
"""


@dataclass
class FollowedUp:
    """What an indicator follows up, each in the order of its list on the page."""

    council_goals: list[CouncilGoal] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    global_targets: list[GlobalTarget] = field(default_factory=list)


def followed_up(indicator: Indicator) -> FollowedUp:
    """The council goals, assignments and Agenda 2030 targets of the indicator, as the page
    shows them (the latest budget first; targets by framework, goal and position): one query.
    The objects have what the page reads of them, their related objects only in part."""
    tables = {
        "goal": CouncilGoal._meta.db_table,
        "area": GoalArea._meta.db_table,
        "budget": Budget._meta.db_table,
        "assignment": Assignment._meta.db_table,
        "target": GlobalTarget._meta.db_table,
        "global_goal": GlobalGoal._meta.db_table,
        "goal_link": Indicator.council_goals.through._meta.db_table,
        "assignment_link": Indicator.assignments.through._meta.db_table,
        "target_link": Indicator.global_targets.through._meta.db_table,
    }
    sql = _FOLLOWED_UP.format(**{k: connection.ops.quote_name(v) for k, v in tables.items()})
    with connection.cursor() as cursor:
        cursor.execute(sql, [indicator.pk] * 3)
        rows = cursor.fetchall()
    result = FollowedUp()
    for kind, pk, year, number, second, code, text, text_en, framework in rows:
        if kind == 1:
            area = GoalArea(number=number, budget=Budget(year=year))
            result.council_goals.append(CouncilGoal(pk=pk, number=second, text=text, area=area))
        elif kind == 2:
            result.assignments.append(
                Assignment(pk=pk, code=code, title=text, budget=Budget(year=year))
            )
        else:
            result.global_targets.append(
                GlobalTarget(
                    pk=pk,
                    code=code,
                    position=second,
                    text_sv=text,
                    text_en=text_en,
                    goal=GlobalGoal(framework=framework, number=number),
                )
            )
    result.council_goals.sort(key=lambda g: (-g.area.budget.year, g.area.number, g.number))
    result.assignments.sort(key=lambda a: (-a.budget.year, a.code, a.pk))
    result.global_targets.sort(key=lambda t: (t.goal.framework, t.goal.number, t.position))
    return result


@public_page
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    """An indicator: its values as a chart and a table, its progress explained, its source
    and definition, and what it follows up. Four queries, however many values it has."""
    indicator = get_object_or_404(
        Indicator.objects.select_related("measured_by").prefetch_related(
            Prefetch("targets", queryset=IndicatorTarget.objects.order_by("year"))
        ),
        code=code,
    )
    follows = followed_up(indicator)
    window, headline = latest_values(indicator)
    values = window.values
    # What ``selectors.indicators.with_series`` would prefetch of the headline series: what
    # ``summarise`` reads of it, its first value and its latest two.
    indicator.headline_values = headline
    summary = summarise(indicator)
    targets = list(indicator.targets.all())
    table, chart = value_table_and_chart(
        indicator, values, targets, latest_only=window.first_time > 1
    )
    unit = f" {indicator.unit}" if indicator.unit else ""
    kolada = indicator.source == IndicatorSource.KOLADA
    return render(
        request,
        "public/indicator_detail.html",
        {
            "indicator": indicator,
            "summary": summary,
            "explanation": explain(indicator, summary),
            "levels": level_descriptions(),
            "table": table,
            "chart": chart,
            "window": window,
            "is_partial": window.first_time > 1,
            "targets": [
                TargetText(
                    target.year, f"{indicator.format_value(target.value)}{unit}", target.note
                )
                for target in targets
            ],
            "has_kolada_values": any(
                v.origin == ValueOrigin.KOLADA for v in itertools.chain(values, headline)
            ),
            "kolada_url": KOLADA_KPI_URL.format(kpi=indicator.kolada_kpi) if kolada else "",
            "kolada_data_url": (
                KOLADA_DATA_URL.format(kpi=indicator.kolada_kpi, municipality=KOLADA_MALMO)
                if kolada
                else ""
            ),
            "global_targets": follows.global_targets,
            "council_goals": follows.council_goals,
            "assignments": follows.assignments,
        },
    )


def _page_number(request: HttpRequest) -> int:
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        raise Http404 from None
    if number < 1:
        raise Http404
    return number


@public_page
def indicator_values(request: HttpRequest, code: str) -> HttpResponse:
    """Every value of an indicator as a table, ``TIMES_PER_PAGE`` times (years or reporting
    periods) a page in time order: two queries for any page, however many values there are."""
    indicator = get_object_or_404(Indicator.objects.all(), code=code)
    number = _page_number(request)
    window = values_page(indicator, number, TIMES_PER_PAGE)
    if not window.values and number > 1:
        raise Http404
    table, _chart = value_table_and_chart(indicator, window.values, [], chart=False)
    paginator = Paginator(range(window.time_count), TIMES_PER_PAGE)
    page = paginator.page(number) if window.time_count else None
    return render(
        request,
        "public/indicator_values.html",
        {
            "indicator": indicator,
            "table": table,
            "window": window,
            "page_obj": page,
            "page_range": (
                list(paginator.get_elided_page_range(number, on_each_side=2, on_ends=1))
                if page
                else []
            ),
            "ellipsis": Paginator.ELLIPSIS,
            "has_kolada_values": any(v.origin == ValueOrigin.KOLADA for v in window.values),
        },
    )
