"""
Charts of the public pages, drawn on the server as SVG: no JavaScript.

Each function here is pure: it takes plain numbers (counted by the view, from published
report versions only) and returns a small frozen dataclass with every position and size
already worked out, so the templates in ``templates/public/charts/`` only loop and draw. No
database queries happen here.

Every chart is readable without its picture: the graphic has ``role="img"`` with a name and
a description in words, the same numbers are in a table, and the progress values are told
apart by pattern and by a text legend, not by colour alone. Include a chart with

    {% include "public/charts/_progress_distribution.html" with chart=chart only %}
    {% include "public/charts/_progress_over_periods.html" with chart=chart only %}
    {% include "public/charts/_coverage_matrix.html" with chart=chart only %}
    {% include "public/charts/_line_chart.html" with chart=chart only %}

The line chart of an indicator's values draws each series as one path whose points are
marked by the path's own markers, so the page does no work per value but format its
coordinates once: a series of a thousand values costs one string.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from assignments.models import Progress
from goals.models import Framework

# Positions and widths along a bar are whole thousandths (‰) of the chart's width, drawn
# as percentages, so a bar fills any width while its patterns keep their shape; heights
# are in pixels.
BAR_WIDTH = 1000
BAR_HEIGHT = 40
# A row of the chart of progress over periods: thinner, as there are several.
ROW_HEIGHT = 28
# A mark of the coverage matrix is a circle in a MARK_SIZE × MARK_SIZE viewBox whose area
# grows with the count; even a count of one stays visible.
MARK_SIZE = 24
MARK_MAX_RADIUS = 11.0
MARK_MIN_RADIUS = 3.0

# How each progress value is drawn: a colour with at least 3:1 contrast on white (WCAG 1.4.11)
# and a white pattern on it, so that no two values differ by colour alone.
PROGRESS_STYLES: dict[str, tuple[str, str]] = {
    Progress.NOT_STARTED: ("#4a4d57", "dots"),
    Progress.ON_TRACK: ("#1f7a3a", "diagonal"),
    Progress.AT_RISK: ("#8f5400", "horizontal"),
    Progress.OFF_TRACK: ("#b3261e", "crosshatch"),
    Progress.COMPLETED: ("#040dba", "solid"),
}

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_ids = itertools.count(1)


def _chart_id(chart_id: str | None, kind: str) -> str:
    """A chart's HTML id: the caller's, or a fresh one, unique within the process."""
    if chart_id is None:
        return f"{kind}-{next(_ids)}"
    if not _ID.match(chart_id):
        raise ValueError(f"Not usable as an HTML id: {chart_id!r}")
    return chart_id


def apportion(counts: Sequence[int], units: int) -> list[int]:
    """Split ``units`` in proportion to ``counts`` into whole numbers that add up exactly.

    Each part is the difference of rounded running totals, so it is within one unit of its
    exact share and the parts sum to ``units`` (or to 0 when every count is 0).
    """
    if any(count < 0 for count in counts):
        raise ValueError("Counts cannot be negative.")
    total = sum(counts)
    if total == 0:
        return [0] * len(counts)
    bounds = [round(units * running / total) for running in itertools.accumulate(counts)]
    return [b - a for a, b in zip([0, *bounds], bounds, strict=False)]


def _svg_percent(thousandths: int) -> str:
    """Thousandths of the width as an SVG length: 375 → "37.5%" (never a decimal comma)."""
    return f"{thousandths / 10:g}%"


def _percent(value: int) -> str:
    return gettext("%(percent)s%%") % {"percent": value}


def _reports(count: int) -> str:
    return ngettext("%(counter)s published report", "%(counter)s published reports", count) % {
        "counter": count
    }


# Progress: the swatches of the legend and the patterns


@dataclass(frozen=True)
class Swatch:
    """How one progress value is drawn: its label, colour and pattern, and the pattern's id."""

    value: str
    label: str | Promise
    colour: str
    pattern: str
    pattern_id: str


def _swatches(chart_id: str) -> tuple[Swatch, ...]:
    return tuple(
        Swatch(
            value=value,
            label=label,
            colour=PROGRESS_STYLES[value][0],
            pattern=PROGRESS_STYLES[value][1],
            pattern_id=f"{chart_id}-{value.replace('_', '-')}",
        )
        for value, label in Progress.choices
    )


# The progress values in their order: ``Progress.values`` builds the list anew at each call,
# which cost more than the rest of a chart's bar.
_PROGRESS_VALUES = tuple(Progress.values)
_KNOWN_PROGRESS = frozenset(_PROGRESS_VALUES)


def _checked_counts(counts: Mapping[str, int]) -> list[int]:
    unknown = counts.keys() - _KNOWN_PROGRESS
    if unknown:
        raise ValueError(f"Not progress values: {sorted(unknown)}")
    values = [int(counts.get(value, 0)) for value in _PROGRESS_VALUES]
    if any(value < 0 for value in values):
        raise ValueError("Counts cannot be negative.")
    return values


@dataclass(frozen=True)
class Segment:
    """One progress value's part of a bar: ``x`` and ``width`` are in viewBox units."""

    swatch: Swatch
    count: int
    percent: int
    x: int
    width: int

    @property
    def value(self) -> str:
        return self.swatch.value

    @property
    def label(self) -> str | Promise:
        return self.swatch.label

    @property
    def percent_text(self) -> str:
        return _percent(self.percent)

    @property
    def x_attr(self) -> str:
        """``x`` as an SVG attribute value, e.g. ``"37.5%"``."""
        return _svg_percent(self.x)

    @property
    def width_attr(self) -> str:
        return _svg_percent(self.width)


def percentage(count: int, total: int) -> int:
    """``count`` as a whole percentage of ``total``, halves rounded up; 0 of 0 is 0.

    Shares are rounded one by one, so equal counts always show equal percentages (their
    sum may then be 99 or 101, as usual in statistics).
    """
    if total <= 0:
        return 0
    return (200 * count + total) // (2 * total)


def _segments(swatches: Iterable[Swatch], counts: list[int], length: int) -> tuple[Segment, ...]:
    widths = apportion(counts, length)
    total = sum(counts)
    percents = [percentage(count, total) for count in counts]
    starts = [0, *itertools.accumulate(widths)]
    return tuple(
        Segment(swatch, count, percent, x, width)
        for swatch, count, percent, x, width in zip(
            swatches, counts, percents, starts, widths, strict=False
        )
    )


def _summary(segments: Iterable[Segment], labels: Mapping[str, str], *, skip_zero: bool) -> str:
    """The segments in words, each progress value named by ``labels`` (``_labels``)."""
    part = gettext("%(label)s: %(count)s (%(percent)s)")
    percent = gettext("%(percent)s%%")
    return ", ".join(
        part
        % {
            "label": labels[segment.value],
            "count": segment.count,
            "percent": percent % {"percent": segment.percent},
        }
        for segment in segments
        if segment.count or not skip_zero
    )


def _labels(swatches: Iterable[Swatch]) -> dict[str, str]:
    """The progress values' names in the active language, translated once for all the
    segments that name them (a goal's chart by period has a segment per period and value)."""
    return {swatch.value: str(swatch.label) for swatch in swatches}


@dataclass(frozen=True)
class ProgressDistribution:
    """One horizontal bar, stacked by progress value, of a set of published reports."""

    chart_id: str
    title: str | Promise
    swatches: tuple[Swatch, ...]
    segments: tuple[Segment, ...]
    total: int
    width: int = BAR_WIDTH
    height: int = BAR_HEIGHT

    @property
    def is_empty(self) -> bool:
        return self.total == 0

    @property
    def drawn_segments(self) -> tuple[Segment, ...]:
        return tuple(segment for segment in self.segments if segment.width > 0)

    @property
    def description(self) -> str:
        """The chart in words: what the picture shows, for screen readers."""
        if self.is_empty:
            return gettext("No published reports yet.")
        summary = _summary(self.segments, _labels(self.swatches), skip_zero=False)
        return f"{_reports(self.total)}: {summary}."


def progress_distribution(
    counts: dict[str, int], *, title: str | Promise | None = None, chart_id: str | None = None
) -> ProgressDistribution:
    """The published reports by progress, e.g. ``{"on_track": 3, "at_risk": 1}``.

    Keys are ``Progress`` values; a missing value counts as 0, an unknown one is an error.
    """
    chart_id = _chart_id(chart_id, "progress")
    values = _checked_counts(counts)
    swatches = _swatches(chart_id)
    return ProgressDistribution(
        chart_id=chart_id,
        title=title or _("Progress in the published reports"),
        swatches=swatches,
        segments=_segments(swatches, values, BAR_WIDTH),
        total=sum(values),
    )


# Progress over the reporting periods


@dataclass(frozen=True)
class PeriodBar:
    """One period's bar: as long as its share of the largest period, stacked by progress."""

    label: str | Promise
    total: int
    length: int
    segments: tuple[Segment, ...]

    @property
    def drawn_segments(self) -> tuple[Segment, ...]:
        return tuple(segment for segment in self.segments if segment.width > 0)

    @property
    def total_text(self) -> str:
        return _reports(self.total)


@dataclass(frozen=True)
class ProgressOverPeriods:
    """One stacked bar per reporting period, in the order given (oldest first)."""

    chart_id: str
    title: str | Promise
    swatches: tuple[Swatch, ...]
    bars: tuple[PeriodBar, ...]
    width: int = BAR_WIDTH
    height: int = ROW_HEIGHT

    @property
    def total(self) -> int:
        return sum(bar.total for bar in self.bars)

    @property
    def is_empty(self) -> bool:
        return self.total == 0

    @property
    def description(self) -> str:
        if self.is_empty:
            return gettext("No published reports yet.")
        parts = []
        labels = _labels(self.swatches)
        for bar in self.bars:
            if bar.total:
                summary = _summary(bar.segments, labels, skip_zero=True)
                parts.append(f"{bar.label}: {_reports(bar.total)}: {summary}.")
            else:
                parts.append(f"{bar.label}: {gettext('No published reports yet.')}")
        return " ".join(parts)


def progress_over_periods(
    rows: list[tuple[str, dict[str, int]]],
    *,
    title: str | Promise | None = None,
    chart_id: str | None = None,
) -> ProgressOverPeriods:
    """The published reports by progress for each period: ``[("Tertial 1 2018", counts), …]``.

    The longest bar is the period with the most reports; the others are drawn to scale.
    """
    chart_id = _chart_id(chart_id, "progress-periods")
    swatches = _swatches(chart_id)
    checked = [(label, _checked_counts(counts)) for label, counts in rows]
    totals = [sum(values) for _, values in checked]
    most = max(totals, default=0)
    bars = []
    for (label, values), total in zip(checked, totals, strict=False):
        length = round(BAR_WIDTH * total / most) if most else 0
        bars.append(PeriodBar(label, total, length, _segments(swatches, values, length)))
    return ProgressOverPeriods(
        chart_id=chart_id,
        title=title or _("Progress in the published reports, by reporting period"),
        swatches=swatches,
        bars=tuple(bars),
    )


# Organisations × goals


@dataclass(frozen=True)
class CoverageColumn:
    """A goal: its number, title, colour class and how many published reports reach it."""

    number: int
    title: str | Promise
    label: str | Promise
    css_class: str
    total: int


@dataclass(frozen=True)
class CoverageCell:
    number: int
    count: int
    radius: float

    @property
    def centre(self) -> int:
        return MARK_SIZE // 2


@dataclass(frozen=True)
class CoverageRow:
    organisation: str
    cells: tuple[CoverageCell, ...]

    @property
    def goals_reached(self) -> int:
        return sum(1 for cell in self.cells if cell.count)


@dataclass(frozen=True)
class CoverageMatrix:
    """Organisations (rows) × goals (columns); a cell counts an organisation's published
    reports that contribute to at least one target of the goal."""

    chart_id: str
    title: str | Promise
    columns: tuple[CoverageColumn, ...]
    rows: tuple[CoverageRow, ...]
    max_count: int
    mark_size: int = MARK_SIZE

    @property
    def is_empty(self) -> bool:
        return self.max_count == 0

    @property
    def goals_reached(self) -> int:
        return sum(1 for column in self.columns if column.total)

    @property
    def description(self) -> str:
        if self.is_empty:
            return gettext("No published reports contribute to these goals yet.")
        organisations = ngettext(
            "%(count)s organisation", "%(count)s organisations", len(self.rows)
        ) % {"count": len(self.rows)}
        return gettext(
            "The published reports of %(organisations)s contribute to %(reached)s of the "
            "%(goals)s goals."
        ) % {
            "organisations": organisations,
            "reached": self.goals_reached,
            "goals": len(self.columns),
        }


def _radius(count: int, most: int) -> float:
    if count <= 0 or most <= 0:
        return 0.0
    return round(max(MARK_MIN_RADIUS, MARK_MAX_RADIUS * math.sqrt(count / most)), 2)


def coverage_matrix(
    organisations: list[str],
    goals: list[tuple[int, str]],
    cells: dict[tuple[str, int], int],
    *,
    framework: str = Framework.SDG,
    title: str | Promise | None = None,
    chart_id: str | None = None,
) -> CoverageMatrix:
    """Which organisations' published reports contribute to which goals, and how many.

    ``organisations`` are the rows in the order given, ``goals`` the columns as
    ``(number, title)``, ``cells`` the counts by ``(organisation, number)``; missing cells
    are 0. The column totals add up the rows, so each report must belong to one row.
    """
    chart_id = _chart_id(chart_id, "coverage")
    if any(count < 0 for count in cells.values()):
        raise ValueError("Counts cannot be negative.")
    shown = {(o, n): cells.get((o, n), 0) for o in organisations for n, _title in goals}
    most = max(shown.values(), default=0)
    label = _("Goal") if framework == Framework.SDG else _("MDG")
    columns = tuple(
        CoverageColumn(
            number=number,
            title=goal_title,
            label=format_lazy("{} {}", label, number),
            css_class=f"sdg-{number}" if framework == Framework.SDG else "goal-tile--mdg",
            total=sum(shown[organisation, number] for organisation in organisations),
        )
        for number, goal_title in goals
    )
    rows = tuple(
        CoverageRow(
            organisation=organisation,
            cells=tuple(
                CoverageCell(
                    number, shown[organisation, number], _radius(shown[organisation, number], most)
                )
                for number, _title in goals
            ),
        )
        for organisation in organisations
    )
    return CoverageMatrix(
        chart_id=chart_id,
        title=title or _("Organisations and the goals their published reports contribute to"),
        columns=columns,
        rows=rows,
        max_count=most,
    )


# An indicator's values over time

# The line chart's viewBox, in its own units. The graphic scales to the width of its region,
# which scrolls sideways below LINE_MIN_WIDTH (charts.css) so that its text stays legible.
LINE_WIDTH = 640
LINE_HEIGHT = 300
LINE_TOP = 28  # room for the unit and the targets' labels
LINE_RIGHT = 20
LINE_BOTTOM = 30  # the years
LINE_CHAR_WIDTH = 7.5  # about the width of a tick label's character, for the left margin
LINE_INSET = 14  # between the axes and the first and last years
MAX_YEAR_TICKS = 10
YEAR_STEPS = (1, 2, 5, 10, 20, 25, 50)
VALUE_TICKS = 5


@dataclass(frozen=True)
class LineStyle:
    """How a line is drawn: a colour with at least 3:1 contrast on white, and a dash pattern
    and a marker of its own, so that no two lines differ by colour alone."""

    colour: str
    dash: str  # stroke-dasharray; "" for a solid line
    marker: str  # circle, square, triangle, cross or diamond
    width: float

    @property
    def mark(self) -> SafeString:
        """The marker's shape as SVG in a 12 × 12 box centred on (6, 6), outlined in white
        so that it stands out on a line (written here, not by an included template, as the
        chart draws it for each series twice: in its defs and in the legend)."""
        shape = MARKS.get(self.marker, MARKS["diamond"])
        return mark_safe(shape.format(colour=escape(self.colour)))  # the colour is escaped


# Each marker's shape, filled (or for the cross stroked) with ``{colour}``.
MARKS = {
    "circle": '<circle cx="6" cy="6" r="4.5" fill="{colour}" stroke="#ffffff" stroke-width="1.5"/>',
    "square": (
        '<rect x="1.5" y="1.5" width="9" height="9" fill="{colour}" stroke="#ffffff"'
        ' stroke-width="1.5"/>'
    ),
    "triangle": (
        '<path d="M6,0.5 L11.5,11 L0.5,11 Z" fill="{colour}" stroke="#ffffff" stroke-width="1.5"/>'
    ),
    "cross": (
        '<path d="M1.5,1.5 L10.5,10.5 M10.5,1.5 L1.5,10.5" stroke="{colour}" stroke-width="3"/>'
    ),
    "diamond": (
        '<path d="M6,0 L12,6 L6,12 L0,6 Z" fill="{colour}" stroke="#ffffff" stroke-width="1.5"/>'
    ),
}


# The series in the order given: the total first, then a breakdown's categories.
SERIES_STYLES = (
    LineStyle("#040dba", "", "circle", 3),
    LineStyle("#8f5400", "9 5", "square", 2.5),
    LineStyle("#1f7a3a", "2 4", "triangle", 2.5),
    LineStyle("#4a4d57", "12 4 2 4", "cross", 2.5),
)
TARGET_STYLE = LineStyle("#b3261e", "14 6", "diamond", 2)
BASELINE_COLOUR = "#1b1b1f"


@dataclass(frozen=True)
class LineSeries:
    """One series as one path: ``path`` is its SVG path data, its points marked by the
    marker ``marker_id``."""

    key: str
    label: str | Promise
    style: LineStyle
    marker_id: str
    path: str
    summary: str


@dataclass(frozen=True)
class Tick:
    position: str  # an SVG coordinate
    label: str


@dataclass(frozen=True)
class TargetLine:
    """A target: a line at its value from the left edge to its year, ending in a marker."""

    year: int
    label: str
    x1: str
    x2: str
    y: str
    label_x: str
    label_y: str


@dataclass(frozen=True)
class BaselineMark:
    year: int
    label: str
    x: str
    y: str
    label_x: str
    label_y: str
    anchor: str


@dataclass(frozen=True)
class LineChart:
    """An indicator's series over the years, with its baseline and targets."""

    chart_id: str
    title: str | Promise
    unit: str
    series: tuple[LineSeries, ...]
    baseline: BaselineMark | None
    targets: tuple[TargetLine, ...]
    year_ticks: tuple[Tick, ...]
    value_ticks: tuple[Tick, ...]
    plot_left: str
    plot_right: str
    plot_top: str
    plot_bottom: str
    description: str
    target_style: LineStyle = TARGET_STYLE
    baseline_colour: str = BASELINE_COLOUR
    width: int = LINE_WIDTH
    height: int = LINE_HEIGHT

    @property
    def is_empty(self) -> bool:
        return not self.series

    @property
    def target_marker_id(self) -> str:
        return f"{self.chart_id}-marker-target"

    @property
    def axes_html(self) -> SafeString:
        """The axes: a line and a label for each value tick and each year tick, and the unit.
        Written here rather than by a template loop, as the table's rows are: the chart's
        ticks cost the page more in a template than anything else the chart draws."""
        left, right, top, bottom = self.plot_left, self.plot_right, self.plot_top, self.plot_bottom
        parts = [
            f'<line x1="{left}" x2="{right}" y1="{tick.position}" y2="{tick.position}"'
            ' stroke="#d9dbe3"/>'
            f'<text x="{left}" y="{tick.position}" dx="-8" dy="4" text-anchor="end">'
            f"{escape(tick.label)}</text>"
            for tick in self.value_ticks
        ]
        parts.append(
            f'<line x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}" stroke="#4a4d57"/>'
        )
        parts += [
            f'<line x1="{tick.position}" x2="{tick.position}" y1="{top}" y2="{bottom}"'
            ' stroke="#eceef2"/>'
            f'<text x="{tick.position}" y="{bottom}" dy="20" text-anchor="middle">'
            f"{escape(tick.label)}</text>"
            for tick in self.year_ticks
        ]
        if self.unit:
            parts.append(
                f'<text class="line-chart__unit" x="{left}" y="14" text-anchor="start">'
                f"{escape(self.unit)}</text>"
            )
        return mark_safe("\n".join(parts))  # every text is escaped


def _coordinate(value: float) -> str:
    """An SVG coordinate: one decimal, never a decimal comma."""
    return f"{value:.1f}"


def _year_ticks(low: float, high: float) -> list[int]:
    first, last = math.ceil(low), math.floor(high)
    step = next(
        (s for s in YEAR_STEPS if (last // s - math.ceil(first / s)) + 1 <= MAX_YEAR_TICKS),
        YEAR_STEPS[-1],
    )
    return list(range(math.ceil(first / step) * step, last + 1, step))


def nice_ticks(low: float, high: float, count: int = VALUE_TICKS) -> tuple[list[float], int]:
    """Round tick values that span ``low``–``high`` in about ``count`` steps, and the
    decimals they need: 1, 2, 2.5 or 5 times a power of ten apart."""
    if high < low:
        raise ValueError("high is below low")
    if high == low:
        spread = abs(high) or 1.0
        low, high = low - spread / 2, high + spread / 2
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    factor = next(f for f in (1, 2, 2.5, 5, 10) if f * magnitude >= raw * (1 - 1e-9))
    step = factor * magnitude
    start = math.floor(low / step + 1e-9) * step
    ticks: list[float] = []
    while not ticks or ticks[-1] < high - step * 1e-9 or len(ticks) < 2:
        ticks.append(round(start + step * len(ticks), 12))
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) + (1 if factor == 2.5 else 0)
    return ticks, decimals


def line_chart(
    series: Sequence[tuple[str, str | Promise, Sequence[tuple[float, Decimal]]]],
    *,
    format_value: Callable[[Decimal], str],
    unit: str = "",
    baseline: tuple[int, Decimal] | None = None,
    targets: Sequence[tuple[int, Decimal]] = (),
    title: str | Promise | None = None,
    chart_id: str | None = None,
) -> LineChart:
    """
    Lines of values over time: ``series`` as ``(key, label, points)`` with ``points`` as
    ``(time, value)`` in time order, a time being a year (2021) or a moment within one
    (2021.5 for a value of the middle of the year). ``format_value`` writes a value as the
    page does (decimals, the language's number format); ``unit`` follows it in words.
    The years span the values, the baseline and the targets; the values start at 0 when
    all are positive and the lowest is at most half the highest.
    """
    chart_id = _chart_id(chart_id, "line")
    drawn = [(key, label, list(points)) for key, label, points in series if points]
    times = [float(t) for _k, _l, points in drawn for t, _v in points]
    values = [float(v) for _k, _l, points in drawn for _t, v in points]
    if baseline is not None:
        times.append(baseline[0])
        values.append(float(baseline[1]))
    times += [year for year, _value in targets]
    values += [float(value) for _year, value in targets]

    def with_unit(value: Decimal) -> str:
        text = format_value(value)
        return f"{text} {unit}" if unit else text

    if not drawn:
        return LineChart(
            chart_id=chart_id,
            title=title or _("Values over time"),
            unit=unit,
            series=(),
            baseline=None,
            targets=(),
            year_ticks=(),
            value_ticks=(),
            plot_left="0",
            plot_right="0",
            plot_top="0",
            plot_bottom="0",
            description=gettext("No values yet."),
        )

    first_year, last_year = min(times), max(times)
    if last_year - first_year < 1:
        first_year, last_year = first_year - 0.5, last_year + 0.5
    lowest, highest = min(values), max(values)
    if lowest >= 0 and lowest <= highest / 2:
        lowest = 0.0
    value_ticks, tick_decimals = nice_ticks(lowest, highest)
    bottom_value, top_value = value_ticks[0], value_ticks[-1]
    tick_labels = [
        number_format(Decimal(repr(tick)), decimal_pos=tick_decimals, use_l10n=True)
        for tick in value_ticks
    ]
    left = max(len(label) for label in tick_labels) * LINE_CHAR_WIDTH + 14
    right = LINE_WIDTH - LINE_RIGHT
    top, bottom = LINE_TOP, LINE_HEIGHT - LINE_BOTTOM
    # The first and last points stand a little inside the axes, their marks clear of them.
    x_scale = (right - left - 2 * LINE_INSET) / (last_year - first_year)
    y_scale = (bottom - top) / (top_value - bottom_value)

    def x_of(time: float) -> float:
        return left + LINE_INSET + (time - first_year) * x_scale

    def y_of(value: float) -> float:
        return bottom - (value - bottom_value) * y_scale

    lines = []
    for n, (key, label, points) in enumerate(drawn):
        style = SERIES_STYLES[n % len(SERIES_STYLES)]
        path = "L".join(f"{x_of(float(t)):.1f},{y_of(float(v)):.1f}" for t, v in points)
        if len(points) == 1:
            path = f"{path}L{path}"  # one point: a line of no length, so its marker shows
        first_time, first_value = points[0]
        last_time, last_value = points[-1]
        summary = ngettext(
            "%(label)s: %(count)s value, %(first)s in %(first_year)s.",
            "%(label)s: %(count)s values, from %(first)s in %(first_year)s to %(last)s in "
            "%(last_year)s.",
            len(points),
        ) % {
            "label": label,
            "count": len(points),
            "first": with_unit(first_value),
            "first_year": math.floor(first_time),
            "last": with_unit(last_value),
            "last_year": math.floor(last_time),
        }
        lines.append(
            LineSeries(
                key=key,
                label=label,
                style=style,
                marker_id=f"{chart_id}-marker-{n}",
                path=f"M{path}",
                summary=summary,
            )
        )

    parts = [line.summary for line in lines]
    mark = None
    if baseline is not None:
        year, value = baseline
        x, y = x_of(year), y_of(float(value))
        on_the_right = x > (left + right) / 2
        mark = BaselineMark(
            year=year,
            label=gettext("Baseline %(year)s") % {"year": year},
            x=_coordinate(x),
            y=_coordinate(y),
            label_x=_coordinate(x - 10 if on_the_right else x + 10),
            label_y=_coordinate(y + 18 if y < top + 20 else y - 10),
            anchor="end" if on_the_right else "start",
        )
        parts.append(
            gettext("Baseline: %(value)s in %(year)s.") % {"value": with_unit(value), "year": year}
        )
    target_lines = []
    for year, value in sorted(targets):
        x, y = x_of(year), y_of(float(value))
        target_lines.append(
            TargetLine(
                year=year,
                label=gettext("Target %(year)s: %(value)s")
                % {"year": year, "value": format_value(value)},
                x1=_coordinate(left),
                x2=_coordinate(x),
                y=_coordinate(y),
                label_x=_coordinate(x - 10),
                label_y=_coordinate(y + 18 if y < top + 20 else y - 8),
            )
        )
        parts.append(
            gettext("Target: %(value)s by %(year)s.") % {"value": with_unit(value), "year": year}
        )
    return LineChart(
        chart_id=chart_id,
        title=title or _("Values over time"),
        unit=unit,
        series=tuple(lines),
        baseline=mark,
        targets=tuple(target_lines),
        year_ticks=tuple(
            Tick(_coordinate(x_of(year)), str(year)) for year in _year_ticks(first_year, last_year)
        ),
        value_ticks=tuple(
            Tick(_coordinate(y_of(tick)), label)
            for tick, label in zip(value_ticks, tick_labels, strict=True)
        ),
        plot_left=_coordinate(left),
        plot_right=_coordinate(right),
        plot_top=_coordinate(top),
        plot_bottom=_coordinate(bottom),
        description=" ".join(parts),
    )
