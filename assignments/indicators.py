"""
How far an indicator has come towards its target: the method Open SDG uses, after Statistics
Canada's, in plain arithmetic that the public indicator page explains in words.

1. Take the baseline (the indicator's own, or else its first headline value) and the latest
   headline value.
2. Compute the compound annual growth rate that was observed from the baseline to the latest
   value, ``(latest / baseline) ** (1 / years) - 1``.
3. With a target: compute the rate that was needed from the baseline to reach the target in
   its year, and compare the two, ``ratio = observed / needed``:
   ratio ≥ 0.95 is substantial progress, 0.5–0.95 moderate, 0–0.5 limited, below 0 moving
   away. A latest value at or beyond the target is "target reached".
4. Without a target: the observed rate in the better direction alone decides: at least 1 % a
   year is substantial, 0.5–1 % moderate, 0–0.5 % limited, a change the wrong way moving away.

Not enough data: no baseline, no later value, a later value in the baseline's own year, or a
baseline or latest value of 0 or below (a growth rate of those means nothing).

The sustainability office may set the level by hand, with a note the public sees
(``Indicator.progress_override``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from assignments.models import ProgressLevel

# Ratios of the observed to the needed growth rate (with a target).
SUBSTANTIAL_RATIO = 0.95
MODERATE_RATIO = 0.5
# Observed yearly growth in the better direction (without a target).
SUBSTANTIAL_GROWTH = 0.01
MODERATE_GROWTH = 0.005


@dataclass(frozen=True)
class Point:
    """A value in time: the year it describes and the value."""

    year: int
    value: Decimal


@dataclass(frozen=True)
class Assessment:
    """The level and the figures it was computed from, for the page that explains it."""

    level: str
    baseline: Point | None = None
    latest: Point | None = None
    target: Point | None = None
    observed_rate: float | None = None
    needed_rate: float | None = None
    ratio: float | None = None
    overridden: bool = False
    note: str = ""

    @property
    def label(self) -> str:
        return str(ProgressLevel(self.level).label)


def _rate(start: Point, end: Point) -> float:
    return (float(end.value) / float(start.value)) ** (1 / (end.year - start.year)) - 1


def choose_target(targets: Sequence[Point], latest_year: int) -> Point | None:
    """The first target at or after the latest value's year, else the last one there is."""
    ordered = sorted(targets, key=lambda point: point.year)
    for target in ordered:
        if target.year >= latest_year:
            return target
    return ordered[-1] if ordered else None


def assess(
    *,
    series: Sequence[Point],
    higher_is_better: bool,
    baseline: Point | None = None,
    targets: Sequence[Point] = (),
) -> Assessment:
    """
    Assess the headline ``series`` (in time order; several values in a year are allowed,
    the last of them counts) against the baseline and the targets.
    """
    if baseline is None and series:
        baseline = series[0]
    latest = series[-1] if series else None
    if baseline is None or latest is None or latest.year <= baseline.year:
        return Assessment(ProgressLevel.NOT_ENOUGH_DATA, baseline=baseline, latest=latest)
    target = choose_target(targets, latest.year)
    better = 1 if higher_is_better else -1
    if target is not None and (latest.value - target.value) * better >= 0:
        return Assessment(ProgressLevel.REACHED, baseline, latest, target)
    if baseline.value <= 0 or latest.value <= 0:
        return Assessment(ProgressLevel.NOT_ENOUGH_DATA, baseline, latest, target)
    observed = _rate(baseline, latest)
    if target is not None and target.value > 0 and target.year > baseline.year:
        needed = _rate(baseline, target)
        if needed * better <= 0:
            # The target lies behind the baseline in the better direction: any change the
            # right way is on course, any change the wrong way moves away.
            ratio = 1.0 if observed * better >= 0 else -1.0
        else:
            ratio = observed / needed
        if ratio >= SUBSTANTIAL_RATIO:
            level = ProgressLevel.SUBSTANTIAL
        elif ratio >= MODERATE_RATIO:
            level = ProgressLevel.MODERATE
        elif ratio >= 0:
            level = ProgressLevel.LIMITED
        else:
            level = ProgressLevel.MOVING_AWAY
        return Assessment(level, baseline, latest, target, observed, needed, ratio)
    growth = observed * better
    if growth >= SUBSTANTIAL_GROWTH:
        level = ProgressLevel.SUBSTANTIAL
    elif growth >= MODERATE_GROWTH:
        level = ProgressLevel.MODERATE
    elif growth >= 0:
        level = ProgressLevel.LIMITED
    else:
        level = ProgressLevel.MOVING_AWAY
    return Assessment(level, baseline, latest, None, observed)


def trend(series: Sequence[Point], higher_is_better: bool) -> str:
    """The last change in words for lists: "better", "worse", "unchanged" or "" (one value)."""
    if len(series) < 2:
        return ""
    change = (series[-1].value - series[-2].value) * (1 if higher_is_better else -1)
    return "better" if change > 0 else "worse" if change < 0 else "unchanged"
