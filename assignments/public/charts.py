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
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
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


def _checked_counts(counts: Mapping[str, int]) -> list[int]:
    unknown = set(counts) - set(Progress.values)
    if unknown:
        raise ValueError(f"Not progress values: {sorted(unknown)}")
    values = [int(counts.get(value, 0)) for value in Progress.values]
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


def _summary(segments: Iterable[Segment], *, skip_zero: bool) -> str:
    parts = [
        gettext("%(label)s: %(count)s (%(percent)s)")
        % {"label": segment.label, "count": segment.count, "percent": segment.percent_text}
        for segment in segments
        if segment.count or not skip_zero
    ]
    return ", ".join(parts)


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
        return f"{_reports(self.total)}: {_summary(self.segments, skip_zero=False)}."


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
        for bar in self.bars:
            if bar.total:
                summary = _summary(bar.segments, skip_zero=True)
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
