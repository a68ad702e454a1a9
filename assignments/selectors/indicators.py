"""
The indicators as the public reads them: each with its targets, its latest value, the last
change and its progress towards the target, read in a fixed number of queries however many
indicators and values there are. A summary needs only three values of the headline series:
the first (the baseline when the indicator has none) and the last two (the latest value and
the last change), so only those are read, however long the series grows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from assignments.indicators import Assessment, Point, assess, trend
from assignments.models import (
    PRIVATE_REPORT_FIELDS,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    ProgressLevel,
    ReportingPeriod,
    ValueOrigin,
    value_time_order,
    value_time_order_sql,
)


def headline_values() -> QuerySet[IndicatorValue]:
    return IndicatorValue.objects.headline().select_related("period").in_order()


def summary_values() -> QuerySet[IndicatorValue]:
    """
    Of each indicator's headline series only what ``summarise`` reads, in time order: the
    first value and the last two (one, two or three values; fewer when the series is
    shorter). The database numbers each series from both ends in the order of
    ``value_time_order`` (total within a series) and returns only the values numbered 1 from
    the start or 1-2 from the end.
    """
    series = F("indicator_id")
    return (
        headline_values()
        .annotate(
            from_start=Window(RowNumber(), partition_by=series, order_by=value_time_order()),
            from_end=Window(
                RowNumber(), partition_by=series, order_by=value_time_order(descending=True)
            ),
        )
        .filter(Q(from_start=1) | Q(from_end__lte=2))
        .order_by("indicator_id", *value_time_order())
    )


def with_series(indicators: QuerySet[Indicator]) -> QuerySet[Indicator]:
    """Indicators with what ``summarise`` reads prefetched: ``headline_values`` (the first
    and the last two values of the headline series, in time order, ``summary_values``) and
    their targets. Two queries for any number of indicators and values."""
    return indicators.prefetch_related(
        Prefetch("values", queryset=summary_values(), to_attr="headline_values"),
        Prefetch("targets", queryset=IndicatorTarget.objects.order_by("year")),
    )


# What ``summary_values`` reads, written as SQL: Django took about 2 ms to build that query
# (its two windows and the filter on them) and the database a fraction of that to run it, on
# every page that lists indicators. Each series is numbered once, in the order of
# ``value_time_order`` (its SQL, ``value_time_order_sql``), and counted: the last two are
# those numbered from its length less one. One sort where two windows in opposite orders
# took two. A test holds the two to the same values on both databases.
_SUMMARY_VALUES_SQL = """
    SELECT {columns}, v.period_name
    FROM (
        SELECT {columns}, p.name AS period_name,
               ROW_NUMBER() OVER (PARTITION BY v.indicator_id ORDER BY {in_order}) AS from_start,
               COUNT(*) OVER (PARTITION BY v.indicator_id) AS series_length
        FROM {value} v LEFT OUTER JOIN {period} p ON p.id = v.period_id
        WHERE v.dimension = '' AND v.indicator_id IN ({indicators})
    ) v
    WHERE v.from_start = 1 OR v.from_start >= v.series_length - 1
    ORDER BY v.indicator_id, v.from_start
"""


_TARGETS_SQL = """
    SELECT * FROM {target} WHERE indicator_id IN ({indicators}) ORDER BY indicator_id, year, id
"""


def read_series(indicators: Sequence[Indicator]) -> None:
    """
    Give each of ``indicators`` what ``summarise`` reads of it besides its own fields, as
    ``with_series`` prefetches it: its ``headline_values`` (``summary_values``: the first and
    the last two values of the headline series, in time order) and its targets to reach (in
    year order, as ``targets_to_reach``). Two queries for all of them, none for what was read
    already; an indicator listed twice (under two council goals) is read once.

    A value's period is read with it as far as a summary shows it, its name: the period's
    other fields are deferred, as ``only("name")`` would leave them.
    """
    quote = connection.ops.quote_name
    unread = [i for i in indicators if not hasattr(i, "headline_values")]
    ids = sorted({indicator.pk for indicator in unread})
    if ids:
        sql = _SUMMARY_VALUES_SQL.format(
            columns=", ".join(f"v.{quote(f.column)}" for f in IndicatorValue._meta.concrete_fields),
            value=quote(IndicatorValue._meta.db_table),
            period=quote(ReportingPeriod._meta.db_table),
            indicators=", ".join(["%s"] * len(ids)),
            in_order=value_time_order_sql("v", "p"),
        )
        series: dict[int, list[IndicatorValue]] = defaultdict(list)
        for value in IndicatorValue.objects.raw(sql, ids):
            if value.period_id is not None:
                value.period = ReportingPeriod.from_db(
                    connection.alias,
                    ["id", "name"],
                    [value.period_id, value.period_name],  # type: ignore[attr-defined]
                )
            series[value.indicator_id].append(value)
        for indicator in unread:
            indicator.headline_values = series[indicator.pk]  # type: ignore[attr-defined]
    without_targets = [i for i in indicators if not hasattr(i, "targets_to_reach")]
    ids = sorted({indicator.pk for indicator in without_targets})
    if ids:
        sql = _TARGETS_SQL.format(
            target=quote(IndicatorTarget._meta.db_table), indicators=", ".join(["%s"] * len(ids))
        )
        targets: dict[int, list[IndicatorTarget]] = defaultdict(list)
        for target in IndicatorTarget.objects.raw(sql, ids):
            targets[target.indicator_id].append(target)
        for indicator in without_targets:
            indicator.targets_to_reach = targets[indicator.pk]  # type: ignore[attr-defined]


def _targets_to_reach(indicator: Indicator) -> Sequence[IndicatorTarget]:
    """The indicator's targets to reach in year order: as ``read_series`` read them, else as
    ``with_series`` prefetched them."""
    read: Sequence[IndicatorTarget] | None = getattr(indicator, "targets_to_reach", None)
    return read if read is not None else list(indicator.targets.all())


def public_indicators() -> QuerySet[Indicator]:
    """Every indicator, as the public lists show them (all indicators are public; their
    values are public as they are stored)."""
    return with_series(Indicator.objects.select_related("measured_by").order_by("code"))


@dataclass
class Summary:
    """What a list shows of an indicator: its latest value, the last change and progress."""

    indicator: Indicator
    # The headline values the summary was made of: the whole series, or (read through
    # ``with_series``) only its first and last two values.
    series: list[IndicatorValue] = field(default_factory=list)
    assessment: Assessment = field(
        default_factory=lambda: Assessment(ProgressLevel.NOT_ENOUGH_DATA)
    )
    trend: str = ""

    @property
    def latest(self) -> IndicatorValue | None:
        return self.series[-1] if self.series else None

    @property
    def latest_display(self) -> str:
        return self.indicator.format_value(self.latest.value) if self.latest else ""


def points(values: list[IndicatorValue]) -> list[Point]:
    return [Point(value.year, value.value) for value in values]


def summarise(indicator: Indicator) -> Summary:
    """Summarise an indicator read through ``with_series`` or ``read_series`` (or with its
    whole headline series in time order as ``headline_values``: the summary is the same)."""
    series: list[IndicatorValue] = indicator.headline_values  # type: ignore[attr-defined]
    line = points(series)
    baseline = (
        Point(indicator.baseline_year, indicator.baseline_value)
        if indicator.baseline_year is not None and indicator.baseline_value is not None
        else None
    )
    targets = [Point(target.year, target.value) for target in _targets_to_reach(indicator)]
    assessment = assess(
        series=line,
        higher_is_better=indicator.higher_is_better,
        baseline=baseline,
        targets=targets,
    )
    if indicator.progress_override:
        assessment = Assessment(
            indicator.progress_override,
            assessment.baseline,
            assessment.latest,
            assessment.target,
            assessment.observed_rate,
            assessment.needed_rate,
            assessment.ratio,
            overridden=True,
            note=indicator.progress_override_note,
        )
    return Summary(indicator, series, assessment, trend(line, indicator.higher_is_better))


def summaries(indicators: QuerySet[Indicator]) -> list[Summary]:
    return [summarise(indicator) for indicator in with_series(indicators)]


# Kolada's terms of use ask every service that shows its values to name it: "Källa: Kolada".
KOLADA = "Kolada"


def with_sources(values: QuerySet[IndicatorValue]) -> QuerySet[IndicatorValue]:
    """Values with what ``attribution`` and a value's period read, in the same query: the
    indicator and who measures it, the period, and the reporting organisation (never the
    report's working fields, which may hold an unpublished correction)."""
    return values.select_related("indicator__measured_by", "period", "report__organisation").defer(
        *(f"report__{name}" for name in sorted(PRIVATE_REPORT_FIELDS))
    )


def attribution(value: IndicatorValue) -> str:
    """
    Whom the public should name as a value's source: Kolada for the values imported from it
    (as its terms ask), the reporting organisation for a published report's, and for a file
    the office imported the indicator's named source, else the organisation that measures it.
    Reads ``value.indicator.measured_by`` and ``value.report.organisation``: see
    ``with_sources``.
    """
    if value.origin == ValueOrigin.KOLADA:
        return KOLADA
    if value.origin == ValueOrigin.REPORT and value.report is not None:
        return value.report.organisation.name
    indicator = value.indicator
    if indicator.source_name:
        return indicator.source_name
    return indicator.measured_by.name if indicator.measured_by else ""
