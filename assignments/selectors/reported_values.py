"""
Indicator values as staff read them with a report: what a working report or a submitted
version holds, by indicator and series, and the latest public value of each series before a
reporting period (what the report form shows for reference and the review compares with).
Each read is one query, however many indicators and values there are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from assignments.models import (
    Indicator,
    IndicatorValue,
    ReportedValue,
    ReportingPeriod,
    breakdown_label,
)
from assignments.services.indicators import breakdowns_of

# One series of an indicator: (indicator id, dimension, category); ("", "") is the total.
SeriesKey = tuple[int, str, str]


def series_label(indicator: Indicator, dimension: str, category: str) -> str:
    """ "Value" for an indicator without breakdowns; else "Total", "Women", "Men"."""
    if not dimension and len(breakdowns_of(indicator)) == 1:
        return _("Value")
    return breakdown_label(dimension, category)


@dataclass(frozen=True)
class SeriesValue:
    """One series of an indicator in a report: its value (None: not given), shown with the
    indicator's decimals, and the latest public value before the report's period."""

    indicator: Indicator
    dimension: str
    category: str
    value: Decimal | None
    previous: IndicatorValue | None = None

    @property
    def label(self) -> str:
        return series_label(self.indicator, self.dimension, self.category)

    @property
    def display(self) -> str:
        """The value with the indicator's decimals, or with all of its own where it has more:
        staff see exactly what was reported (the public sees it with the indicator's)."""
        if self.value is None:
            return ""
        places = -min(0, int(self.value.normalize().as_tuple().exponent))
        if places <= self.indicator.decimals:
            return self.indicator.format_value(self.value)
        return number_format(self.value, decimal_pos=places, use_l10n=True, force_grouping=True)

    @property
    def previous_display(self) -> str:
        return self.indicator.format_value(self.previous.value) if self.previous else ""


@dataclass
class IndicatorValues:
    """An indicator's values in a report: every series it comes in, and the reporter's note."""

    indicator: Indicator
    series: list[SeriesValue] = field(default_factory=list)
    note: str = ""

    @property
    def given(self) -> bool:
        return any(item.value is not None for item in self.series)


def value_groups(
    values: Iterable[ReportedValue],
    *,
    asked: Iterable[Indicator] = (),
    previous: Mapping[SeriesKey, IndicatorValue] | None = None,
) -> list[IndicatorValues]:
    """
    ``values`` (read with their indicator) by indicator in code order, with the indicators
    ``asked`` for that have none yet. Every series of an indicator is listed, given or not;
    a value of a series the indicator no longer has is kept, after the others. ``previous``
    (from ``previous_values``) puts the latest public value beside each series.
    """
    previous = previous or {}
    indicators: dict[int, Indicator] = {indicator.pk: indicator for indicator in asked}
    given: dict[SeriesKey, ReportedValue] = {}
    for value in values:
        indicators.setdefault(value.indicator_id, value.indicator)
        given[(value.indicator_id, value.dimension, value.category)] = value
    groups = []
    for indicator in sorted(indicators.values(), key=lambda indicator: indicator.code):
        keys = [(indicator.pk, *series) for series in breakdowns_of(indicator)]
        keys += sorted(key for key in given if key[0] == indicator.pk and key not in keys)
        group = IndicatorValues(indicator)
        for key in keys:
            reported = given.get(key)
            group.series.append(
                SeriesValue(
                    indicator,
                    key[1],
                    key[2],
                    reported.value if reported else None,
                    previous.get(key),
                )
            )
            if reported and reported.note and not group.note:
                group.note = reported.note
        groups.append(group)
    return groups


def previous_values(
    indicators: Iterable[Indicator], period: ReportingPeriod
) -> dict[SeriesKey, IndicatorValue]:
    """
    The latest public value of each series of ``indicators`` before ``period``: a value of
    an earlier reporting period (by deadline), or a yearly value of an earlier year.
    """
    ids = [indicator.pk for indicator in indicators]
    if not ids:
        return {}
    earlier = (
        IndicatorValue.objects.filter(indicator__in=ids)
        .filter(
            Q(period__isnull=True, year__lt=period.budget.year)
            | Q(period__deadline__lt=period.deadline)
        )
        .select_related("period__budget")
        .in_order()
    )
    latest: dict[SeriesKey, IndicatorValue] = {}
    for value in earlier:  # in time order: the last one of a series wins
        latest[(value.indicator_id, value.dimension, value.category)] = value
    return latest
