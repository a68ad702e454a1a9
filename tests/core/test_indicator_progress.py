"""The progress method of ``assignments.indicators`` on worked examples, and the summaries
the public lists show of it."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from assignments.indicators import Point, assess, choose_target, trend
from assignments.models import (
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    ProgressLevel,
    ValueOrigin,
)
from assignments.public.indicators import latest_values
from assignments.selectors.indicators import (
    headline_values,
    read_series,
    summarise,
    with_series,
)
from tests.factories import add_values, make_budget, make_indicator, make_period


def series(*pairs: tuple[int, str]) -> list[Point]:
    return [Point(year, Decimal(value)) for year, value in pairs]


def test_a_latest_value_beyond_the_target_has_reached_it():
    result = assess(
        series=series((2015, "50"), (2020, "80")),
        higher_is_better=True,
        targets=series((2030, "75")),
    )
    assert result.level == ProgressLevel.REACHED
    assert result.target == Point(2030, Decimal("75"))


def test_a_falling_value_reaches_a_target_for_which_lower_is_better():
    result = assess(
        series=series((2010, "5.0"), (2020, "2.4")),
        higher_is_better=False,
        targets=series((2030, "2.5")),
    )
    assert result.level == ProgressLevel.REACHED


@pytest.mark.parametrize(
    ("latest", "level", "ratio"),
    [
        # Needed: 100 → 200 in 15 years, (2 ** (1/15)) - 1 = 4.729 % a year.
        ("130", ProgressLevel.SUBSTANTIAL, 1.139),  # 1.3 ** (1/5) - 1 = 5.387 %
        ("115", ProgressLevel.MODERATE, 0.599),  # 2.834 %
        ("105", ProgressLevel.LIMITED, 0.207),  # 0.980 %
        ("95", ProgressLevel.MOVING_AWAY, -0.216),  # -1.021 %
    ],
)
def test_the_observed_rate_is_compared_with_the_rate_the_target_needs(latest, level, ratio):
    result = assess(
        series=series((2015, "100"), (2020, latest)),
        higher_is_better=True,
        targets=series((2030, "200")),
    )
    assert result.level == level
    assert result.needed_rate == pytest.approx(0.04729, abs=1e-5)
    assert result.ratio == pytest.approx(ratio, abs=1e-3)


def test_rising_emissions_move_away_from_a_lower_target():
    """Emissions per inhabitant, 5.0 t in 2010, 5.5 t in 2016, target 2.5 t in 2030."""
    result = assess(
        series=series((2010, "5.0"), (2016, "5.5")),
        higher_is_better=False,
        targets=series((2030, "2.5")),
    )
    assert result.level == ProgressLevel.MOVING_AWAY
    assert result.observed_rate == pytest.approx(0.01601, abs=1e-5)
    assert result.needed_rate == pytest.approx(-0.03406, abs=1e-5)
    assert result.ratio < 0


def test_the_baseline_of_the_definition_comes_before_the_first_value():
    result = assess(
        series=series((2018, "104"), (2020, "110")),
        higher_is_better=True,
        baseline=Point(2015, Decimal("100")),
        targets=series((2030, "200")),
    )
    assert result.baseline == Point(2015, Decimal("100"))
    assert result.level == ProgressLevel.LIMITED  # 1.92 % against 4.73 %: ratio 0.41


@pytest.mark.parametrize(
    ("values", "baseline"),
    [
        ((), None),  # nothing measured
        (((2020, "10"),), None),  # one value: no change to measure
        (((2020, "10"), (2020, "12")), None),  # two periods of one year
        (((2015, "0"), (2020, "12")), None),  # no growth rate from 0
        (((2015, "10"), (2020, "-2")), None),
        (((2020, "12"),), Point(2020, Decimal("10"))),  # baseline in the latest year
    ],
)
def test_not_enough_data(values, baseline):
    result = assess(
        series=series(*values),
        higher_is_better=True,
        baseline=baseline,
        targets=series((2030, "200")),
    )
    assert result.level == ProgressLevel.NOT_ENOUGH_DATA


@pytest.mark.parametrize(
    ("values", "higher_is_better", "level"),
    [
        ((("2015", "100"), ("2020", "110")), True, ProgressLevel.SUBSTANTIAL),  # 1.92 %/year
        ((("2015", "100"), ("2020", "103.5")), True, ProgressLevel.MODERATE),  # 0.69 %
        ((("2015", "100"), ("2020", "102")), True, ProgressLevel.LIMITED),  # 0.40 %
        ((("2015", "100"), ("2020", "90")), True, ProgressLevel.MOVING_AWAY),
        ((("2015", "100"), ("2020", "90")), False, ProgressLevel.SUBSTANTIAL),
    ],
)
def test_without_a_target_the_rate_in_the_better_direction_decides(values, higher_is_better, level):
    points = [Point(int(year), Decimal(value)) for year, value in values]
    result = assess(series=points, higher_is_better=higher_is_better)
    assert result.level == level
    assert result.ratio is None


def test_the_next_target_after_the_latest_value_counts():
    targets = series((2020, "10"), (2025, "20"), (2030, "30"))
    assert choose_target(targets, 2021) == Point(2025, Decimal("20"))
    assert choose_target(targets, 2031) == Point(2030, Decimal("30"))
    assert choose_target([], 2021) is None


def test_the_trend_says_whether_the_last_change_was_for_the_better():
    assert trend(series((2019, "5"), (2020, "4")), higher_is_better=False) == "better"
    assert trend(series((2019, "5"), (2020, "6")), higher_is_better=False) == "worse"
    assert trend(series((2019, "5"), (2020, "5")), higher_is_better=True) == "unchanged"
    assert trend(series((2020, "5")), higher_is_better=True) == ""


@pytest.mark.django_db
def test_a_summary_reads_the_stored_series_and_the_offices_override():
    indicator = make_indicator(
        targets={2030: 200}, baseline_year=2015, baseline_value=100, has_gender_split=True
    )
    add_values(indicator, {2016: 101, 2020: 130})
    add_values(indicator, {2020: 60}, dimension="gender", category="women")
    summary = summarise(with_series(type(indicator).objects.filter(pk=indicator.pk)).get())
    assert [value.year for value in summary.series] == [2016, 2020]  # the headline only
    assert summary.assessment.level == ProgressLevel.SUBSTANTIAL
    assert summary.trend == "better"

    indicator.progress_override = ProgressLevel.MODERATE
    indicator.progress_override_note = "Ny mätmetod från 2020."
    indicator.save()
    summary = summarise(with_series(type(indicator).objects.filter(pk=indicator.pk)).get())
    assert summary.assessment.level == ProgressLevel.MODERATE
    assert summary.assessment.overridden
    assert summary.assessment.note == "Ny mätmetod från 2020."


# The summaries read only the first and the last two values of a series


def summarised_in_full(indicator: Indicator):
    """The summary of the whole headline series, as lists read it before they read only the
    three values a summary needs."""
    indicator.headline_values = list(headline_values().filter(indicator=indicator))
    return summarise(indicator)


def value_cents(low: int, high: int):
    return st.integers(low, high).map(lambda cents: Decimal(cents) / 100)


# A headline value: its year, its reporting period (an index into the example's periods, or
# None for a yearly value) and the value. A period's value is of its budget's year (2024).
headline_value = st.tuples(
    st.integers(2010, 2024), st.one_of(st.none(), st.integers(0, 3)), value_cents(-500, 50000)
)
an_indicator = st.fixed_dictionaries(
    {
        "values": st.lists(headline_value, max_size=12),
        "higher_is_better": st.booleans(),
        "baseline": st.one_of(
            st.none(), st.tuples(st.integers(2005, 2024), value_cents(-100, 50000))
        ),
        "targets": st.dictionaries(st.integers(2015, 2040), value_cents(0, 60000), max_size=3),
        "broken_down": st.lists(
            st.tuples(st.integers(2010, 2024), value_cents(0, 100)), max_size=3
        ),
    }
)


@pytest.mark.django_db
@given(indicators=st.lists(an_indicator, min_size=1, max_size=3))
def test_a_summary_of_three_values_is_the_summary_of_the_whole_series(indicators):
    """The latest value, the last change and the progress level are those of the whole
    series, also when several values fall in one year (reporting periods' and a yearly one)
    and two periods share a deadline; the indicator page reads the same three values."""
    with transaction.atomic():
        budget = make_budget(year=2024)
        # The first two periods share a deadline: the period orders them (value_time_order),
        # whichever of their values was stored first.
        deadlines = [datetime.date(2024, month, 1) for month in (3, 3, 5, 7)]
        periods = [make_period(budget=budget, deadline=deadline) for deadline in deadlines]
        made = []
        for drawn in indicators:
            baseline_year, baseline_value = drawn["baseline"] or (None, None)
            indicator = make_indicator(
                higher_is_better=drawn["higher_is_better"],
                baseline_year=baseline_year,
                baseline_value=baseline_value,
                targets=drawn["targets"],
            )
            yearly: set[int] = set()
            reported: set[int] = set()
            for year, period, value in drawn["values"]:
                # One yearly value a year and one value a period, as the constraints allow.
                if (period is None and year in yearly) or period in reported:
                    continue
                (yearly if period is None else reported).add(year if period is None else period)
                IndicatorValue.objects.create(
                    indicator=indicator,
                    year=year if period is None else budget.year,
                    period=None if period is None else periods[period],
                    value=value,
                    origin=ValueOrigin.IMPORT if period is None else ValueOrigin.REPORT,
                )
            for year, value in drawn["broken_down"]:
                IndicatorValue.objects.get_or_create(
                    indicator=indicator,
                    year=year,
                    period=None,
                    dimension="gender",
                    category="women",
                    defaults={"value": value, "origin": ValueOrigin.IMPORT},
                )
            made.append(indicator)

        ids = [i.pk for i in made]
        read = {
            indicator.pk: summarise(indicator)
            for indicator in with_series(Indicator.objects.filter(pk__in=ids))
        }
        # The public pages read the same values through SQL (read_series), each indicator's
        # with their periods: the same rows in the same order.
        by_sql = list(Indicator.objects.filter(pk__in=ids).order_by("pk"))
        with CaptureQueriesContext(connection) as queries:
            read_series(by_sql)
            sql_rows = [
                [
                    (v.pk, v.year, v.period_id, v.value, v.period and v.period.name)
                    for v in i.headline_values
                ]
                for i in by_sql
            ]
        # the values with their periods' names, and the targets to reach
        assert len(queries) == 2
        orm_rows = [
            [
                (v.pk, v.year, v.period_id, v.value, v.period and v.period.name)
                for v in i.headline_values
            ]
            for i in with_series(Indicator.objects.filter(pk__in=ids).order_by("pk"))
        ]
        assert sql_rows == orm_rows
        # ... and their targets to reach, in year order.
        assert [[(t.pk, t.year, t.value) for t in i.targets_to_reach] for i in by_sql] == [
            [(t.pk, t.year, t.value) for t in i.targets.all()]
            for i in with_series(Indicator.objects.filter(pk__in=ids).order_by("pk"))
        ]
        for indicator in made:
            full, summary = summarised_in_full(indicator), read[indicator.pk]
            assert len(summary.series) == min(len(full.series), 3)
            assert summary.latest == full.latest
            assert summary.latest_display == full.latest_display
            assert summary.trend == full.trend
            assert summary.assessment == full.assessment
            _, page_headline = latest_values(indicator)
            assert [(v.year, v.period_id, v.value) for v in page_headline] == [
                (v.year, v.period_id, v.value) for v in summary.series
            ]
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_read_series_reads_each_indicator_once_and_never_again():
    first, second = make_indicator(), make_indicator()
    add_values(first, {2020: 1, 2021: 2, 2022: 3, 2023: 4})
    # The same indicator twice (under two council goals), another, and one already read.
    twice = [Indicator.objects.get(pk=first.pk), Indicator.objects.get(pk=first.pk)]
    IndicatorTarget.objects.create(indicator=first, year=2030, value=1)
    IndicatorTarget.objects.create(indicator=first, year=2025, value=2)
    done = Indicator.objects.get(pk=second.pk)
    done.headline_values = []
    done.targets_to_reach = []
    with CaptureQueriesContext(connection) as queries:
        read_series([*twice, done])
        read_series(twice)
    assert len(queries) == 2  # the values and the targets to reach, once
    assert [[v.year for v in i.headline_values] for i in twice] == [[2020, 2022, 2023]] * 2
    assert [[t.year for t in i.targets_to_reach] for i in twice] == [[2025, 2030]] * 2
    assert done.headline_values == done.targets_to_reach == []


@pytest.mark.django_db
def test_summaries_read_the_same_few_rows_however_long_the_series():
    short, long = make_indicator(), make_indicator()
    add_values(short, {2020: 1})
    add_values(long, {year: year - 1900 for year in range(1950, 2050)})
    for indicator in (short, long):
        with CaptureQueriesContext(connection) as queries:
            summary = summarise(with_series(Indicator.objects.filter(pk=indicator.pk)).get())
        assert len(queries) == 3  # the indicator, its values and its targets
    assert [value.year for value in summary.series] == [1950, 2048, 2049]
    assert summary.trend == "better"
