"""
The public indicator pages: the list with its filters, each indicator's page (chart and table
of its latest values, progress explained, source, override), the table of every value page by
page, the indicators on the council goal,
assignment and Agenda 2030 goal pages, their queries at two data sizes, the cache and the
sitemap. Only published values are ever shown.
"""

from __future__ import annotations

import datetime
import itertools
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal
from html import unescape

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from assignments import services
from assignments.models import (
    Assignment,
    Indicator,
    IndicatorSource,
    IndicatorValue,
    Organisation,
    ProgressLevel,
    Report,
    ReportingPeriod,
    ReportStatus,
    User,
    ValueOrigin,
)
from assignments.public import charts
from assignments.public.indicators import value_formatter
from goals.models import Budget, CouncilGoal, GlobalTarget
from tests import factories
from tests.public.helpers import outline, url

pytestmark = pytest.mark.django_db

# Values typed into reports that are not published: they must never be public.
DRAFT_VALUE = Decimal("777.7")
SUBMITTED_VALUE = Decimal("888.8")


@dataclass
class Data:
    budget: Budget
    goal: CouncilGoal
    organisation: Organisation
    assignment: Assignment
    t1: ReportingPeriod
    t2: ReportingPeriod
    annual: ReportingPeriod
    reviewer: User
    emissions: Indicator
    poverty: Indicator
    overridden: Indicator
    published: Report


EMISSIONS = {
    2015: "5.0",
    2016: "4.9",
    2017: "4.7",
    2018: "4.6",
    2019: "4.5",
    2020: "4.3",
    2021: "4.1",
    2022: "4.0",
}


def sdg_target(code: str) -> GlobalTarget:
    return GlobalTarget.objects.get(goal__framework="sdg", code=code)


@pytest.fixture
def data(db, django_capture_on_commit_callbacks) -> Data:
    budget = factories.make_budget(year=2018, title="Malmö stads budget 2018")
    goal = factories.make_council_goal(budget=budget, text="Malmö ska vara klimatneutralt.")
    organisation = factories.make_organisation(name="Miljönämnden")
    assignment = factories.make_assignment(
        budget=budget, organisations=[organisation], council_goal=goal, title="Minska utsläppen"
    )
    t1 = factories.make_period(budget=budget, name="Tertial 1", deadline=datetime.date(2018, 5, 2))
    t2 = factories.make_period(budget=budget, name="Tertial 2", deadline=datetime.date(2018, 9, 30))
    annual = factories.make_period(
        budget=budget, name="Årsanalys", deadline=datetime.date(2019, 1, 31)
    )
    reviewer = factories.make_reviewer()

    emissions = factories.make_indicator(
        source=IndicatorSource.KOLADA,
        code="N00401",
        kolada_kpi="N00401",
        title_sv="Utsläpp av växthusgaser",
        title_en="Greenhouse gas emissions",
        definition_sv="Utsläpp till luft av växthusgaser totalt per invånare.",
        definition_en="Greenhouse gas emissions to air in total per inhabitant.",
        unit="ton CO₂e/inv",
        higher_is_better=False,
        has_gender_split=True,
        baseline_year=2015,
        baseline_value=Decimal("5.0"),
        baseline_note="Stadens klimatstrategi.",
        targets={2025: "3.0", 2030: "2.0"},
        assignments=[assignment],
    )
    emissions.council_goals.add(goal)
    emissions.global_targets.add(sdg_target("13.2"))
    factories.add_values(emissions, EMISSIONS, origin=ValueOrigin.KOLADA)
    for category, shift in (("women", Decimal("-0.3")), ("men", Decimal("0.3"))):
        factories.add_values(
            emissions,
            {year: Decimal(value) + shift for year, value in EMISSIONS.items()},
            dimension="gender",
            category=category,
            origin=ValueOrigin.KOLADA,
        )

    poverty = factories.make_indicator(
        source=IndicatorSource.ORGANISATION,
        code="ek.utsatta",
        measured_by=organisation,
        title_sv="Barn i ekonomiskt utsatta hushåll",
        title_en="",
        unit="%",
        higher_is_better=False,
        targets={2030: 8},
        assignments=[assignment],
    )
    poverty.council_goals.add(goal)
    poverty.global_targets.add(sdg_target("1.2"))
    factories.add_values(poverty, {2017: "13.0"})

    def report(status, period, value):
        return factories.make_report(
            status=status,
            assignment=assignment,
            organisation=organisation,
            period=period,
            reviewer=reviewer,
            values=[services.ValueInput(indicator=poverty, value=value, note="Preliminär siffra.")],
        )

    with django_capture_on_commit_callbacks(execute=True):
        published = report(ReportStatus.PUBLISHED, t1, Decimal("12.5"))
        report(ReportStatus.SUBMITTED, t2, SUBMITTED_VALUE)
        report(ReportStatus.DRAFT, annual, DRAFT_VALUE)

    overridden = factories.make_indicator(
        source=IndicatorSource.OTHER,
        code="trygghet",
        title_sv="Andel som känner sig trygga",
        title_en="Share who feel safe",
        source_name="SCB",
        source_url="https://www.scb.se/",
        progress_override=ProgressLevel.LIMITED,
        progress_override_note="Mätmetoden ändrades 2020.",
    )
    factories.add_values(overridden, {2019: 50, 2020: 52, 2021: 51})
    return Data(
        budget=budget,
        goal=goal,
        organisation=organisation,
        assignment=assignment,
        t1=t1,
        t2=t2,
        annual=annual,
        reviewer=reviewer,
        emissions=emissions,
        poverty=poverty,
        overridden=overridden,
        published=published,
    )


def page(client, name: str, *args, language: str = "en", query: str = "") -> str:
    response = client.get(url(name, *args, language=language, query=query))
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def text(html: str) -> str:
    """The page's words as a screen reader reads them: without tags and what is hidden from
    it, with runs of white space as one."""
    shown = re.sub(r'<span aria-hidden="true">[^<]*</span>', "", html)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", shown)))


def section(html: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}".*?</section>', html, re.DOTALL)
    assert match, section_id
    return match.group(0)


def chart_svg(html: str) -> ET.Element:
    match = re.search(r'<svg class="line-chart".*?</svg>', html, re.DOTALL)
    assert match, "no line chart"
    return ET.fromstring(match.group(0))


SVG = ""  # inline SVG in HTML has no namespace of its own


# One indicator's page


@pytest.mark.parametrize("language", ["sv", "en"])
def test_an_indicator_page_shows_its_title_definition_unit_and_values(client, data, language):
    html = page(client, "public:indicator_detail", "N00401", language=language)
    words = text(html)
    assert f'<html lang="{language}">' in html
    if language == "sv":
        assert "Utsläpp av växthusgaser" in html
        assert "Utsläpp till luft av växthusgaser totalt per invånare." in html
        assert "4,0 ton CO₂e/inv" in words  # the latest value, in Swedish number format
    else:
        assert "Greenhouse gas emissions" in html
        assert "Greenhouse gas emissions to air in total per inhabitant." in html
        assert "4.0 ton CO₂e/inv" in words
        assert "A lower value is better" in words
    assert 'class="line-chart"' in html
    assert "Stadens klimatstrategi." in html


def test_an_indicator_without_an_english_title_shows_the_swedish_one_marked(client, data):
    html = page(client, "public:indicator_detail", "ek.utsatta")
    assert '<span lang="sv">Barn i ekonomiskt utsatta hushåll</span>' in html


def test_kolada_values_name_their_source_as_koladas_terms_ask(client, data):
    html = page(client, "public:indicator_detail", "N00401")
    about = text(section(html, "about"))
    assert "Source: Kolada" in about
    assert 'href="https://api.kolada.se/v3/kpi/N00401"' in html
    assert 'href="https://api.kolada.se/v3/data/kpi/N00401/municipality/1280"' in html
    assert "Key figure N00401 in Kolada" in about
    assert "Source: Kolada" in text(section(html, "values"))
    assert "Source: Kolada" in text(page(client, "public:indicator_list"))

    with translation.override("sv"):
        swedish = translation.gettext("Source: Kolada")
    swedish_page = page(client, "public:indicator_detail", "N00401", language="sv")
    assert swedish in text(section(swedish_page, "about"))
    if swedish == "Source: Kolada":
        pytest.skip("the Swedish catalogue does not translate “Source: Kolada” yet")
    assert swedish == "Källa: Kolada"


def test_other_sources_are_named(client, data):
    poverty = text(section(page(client, "public:indicator_detail", "ek.utsatta"), "about"))
    assert "Measured by Miljönämnden" in poverty
    other = section(page(client, "public:indicator_detail", "trygghet"), "about")
    assert '<a href="https://www.scb.se/">SCB</a>' in other
    assert "Source: Kolada" not in other


def test_the_chart_has_every_series_the_baseline_and_the_targets(client, data):
    html = page(client, "public:indicator_detail", "N00401")
    svg = chart_svg(html)
    assert svg.get("role") == "img"
    title_id, desc_id = svg.get("aria-labelledby").split()
    title = svg.find(f"{SVG}title")
    desc = svg.find(f"{SVG}desc")
    assert (title.get("id"), desc.get("id")) == (title_id, desc_id)
    assert title.text == "Greenhouse gas emissions over time"
    assert desc.text == (
        "Total: 8 values, from 5.0 ton CO₂e/inv in 2015 to 4.0 ton CO₂e/inv in 2022. "
        "Women: 8 values, from 4.7 ton CO₂e/inv in 2015 to 3.7 ton CO₂e/inv in 2022. "
        "Men: 8 values, from 5.3 ton CO₂e/inv in 2015 to 4.3 ton CO₂e/inv in 2022. "
        "Baseline: 5.0 ton CO₂e/inv in 2015. "
        "Target: 3.0 ton CO₂e/inv by 2025. Target: 2.0 ton CO₂e/inv by 2030."
    )
    paths = svg.findall(f"{SVG}path")
    assert len(paths) == 3  # total, women, men
    for path in paths:
        assert path.get("d").count("L") == 7  # eight points each
    # Told apart by dash pattern and by mark, not by colour alone.
    assert len({p.get("stroke-dasharray") for p in paths}) == 3
    markers = {p.get("marker-mid") for p in paths}
    assert len(markers) == 3
    shapes = [
        next(iter(marker)).tag
        for marker in svg.iter(f"{SVG}marker")
        if f"url(#{marker.get('id')})" in markers
    ]
    assert len(set(shapes)) == 3
    labels = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "line-chart__label"]
    assert labels == ["Target 2025: 3.0", "Target 2030: 2.0", "Baseline 2015"]
    target_lines = [
        line for line in svg.iter(f"{SVG}line") if line.get("marker-end", "").endswith("target)")
    ]
    assert len(target_lines) == 2
    assert svg.find(f"{SVG}circle") is not None  # the baseline's mark
    legend = re.search(r'<ul class="chart__legend" aria-hidden="true">.*?</ul>', html, re.DOTALL)
    assert [
        re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<span>.*?</span>", legend[0])
    ] == [
        "Total",
        "Women",
        "Men",
        "Baseline",
        "Target value",
    ]


def table_rows(html: str) -> list[tuple[str, list[str]]]:
    """The rows of a table of values: each time with its cells."""
    return [
        (time, re.findall(r"<td[^>]*>(.*?)</td>", cells))
        for time, cells in re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", html)
    ]


def test_the_table_beside_the_chart_has_every_value_of_a_short_series(client, data):
    html = section(page(client, "public:indicator_detail", "N00401"), "values")
    rows = table_rows(html)
    assert [time for time, _cells in rows] == [str(year) for year in EMISSIONS]
    assert rows[0][1] == ["5.0", "4.7", "5.3", "Kolada import", ""]
    headers = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', html)
    assert headers == ["Year or period", "Total", "Women", "Men", "Source", "Note"]
    assert 'aria-labelledby="values-table-caption" tabindex="0"' in html  # it scrolls by keyboard
    assert "Every value of Greenhouse gas emissions" in text(html)
    assert "the latest" not in text(html)
    values_url = url("public:indicator_values", "N00401")
    assert f'<a href="{values_url}">Table of every value (24 values)</a>' in html


def test_a_long_series_shows_its_latest_times_and_links_every_value(client, data):
    grow_emissions(data, years=60)
    html = section(page(client, "public:indicator_detail", "N00401"), "values")
    rows = table_rows(html)
    # The latest ten times: 2015–2022 and the reporting periods of 2018 among them.
    assert [time for time, _cells in rows] == [
        "2015",
        "2016",
        "2017",
        "2018",
        "Tertial 1 2018",
        "Tertial 2 2018",
        "Årsanalys 2018",
        "2019",
        "2020",
        "2021",
        "2022",
    ][-10:]
    assert all(cell for time, cells in rows if " " not in time for cell in cells[:3])
    words = text(html)
    assert "The latest 10 years and periods of Greenhouse gas emissions" in words
    assert "there are 207 values in all" in words
    assert f'<a href="{url("public:indicator_values", "N00401")}">' in html
    svg = chart_svg(html)
    assert svg.find(f"{SVG}title").text == (
        "Greenhouse gas emissions: the latest 10 years and periods"
    )
    points = sum(p.get("d").count("L") + 1 for p in svg.findall(f"{SVG}path"))
    assert points == 3 * 7 + 3  # seven years by three series, three periods of the total


def test_the_progress_is_assessed_from_every_value_however_few_are_shown(client, data):
    """Without a baseline of its own the indicator's first value is its baseline, though the
    page shows only the latest times."""
    grow_emissions(data, years=60)
    Indicator.objects.filter(pk=data.emissions.pk).update(baseline_year=None, baseline_value=None)
    progress = text(section(page(client, "public:indicator_detail", "N00401"), "progress"))
    assert "From the baseline, 9.0 ton CO₂e/inv in 1955, to the latest value, 4.0" in progress
    facts = text(page(client, "public:indicator_detail", "N00401"))
    assert "Latest value 4.0 ton CO₂e/inv (2022)" in facts


def test_the_table_of_every_value_pages_through_every_time(client, data):
    from assignments.public.indicators import TIMES_PER_PAGE

    grow_emissions(data, years=60)
    times = 60 + 8 + 3
    first = page(client, "public:indicator_values", "N00401")
    pages = [first] + [
        page(client, "public:indicator_values", "N00401", query=f"?page={number}")
        for number in range(2, -(-times // TIMES_PER_PAGE) + 1)
    ]
    rows = [row for html in pages for row in table_rows(html)]
    assert len(rows) == times
    assert [time for time, _cells in rows][:2] == ["1955", "1956"]
    assert [time for time, _cells in rows][-1] == "2022"
    cells = [cell for _time, row in rows for cell in row[:3] if cell]
    assert len(cells) == IndicatorValue.objects.filter(indicator=data.emissions).count()
    headers = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', first)
    assert headers == ["Year or period", "Total", "Women", "Men", "Source", "Note"]
    words = text(first)
    assert "Every value of Greenhouse gas emissions (ton CO₂e/inv), page 1 of 2" in words
    assert "207 values" in words
    assert "Page 1 of 2" in words
    assert 'rel="next"' in first and 'href="?page=2"' in first
    assert 'rel="prev"' in pages[-1]
    assert f'href="{url("public:indicator_detail", "N00401")}"' in first
    assert "Source: Kolada" in words
    assert client.get(url("public:indicator_values", "N00401", query="?page=3")).status_code == 404
    for bad in ("0", "x", "-1"):
        response = client.get(url("public:indicator_values", "N00401", query=f"?page={bad}"))
        assert response.status_code == 404


def test_the_table_of_every_value_of_an_indicator_without_values(client, db):
    factories.make_indicator(code="tom")
    html = page(client, "public:indicator_values", "tom")
    assert "No values yet." in text(html)
    assert client.get(url("public:indicator_values", "okand")).status_code == 404


def test_report_values_show_their_period_note_and_report(client, data):
    html = section(page(client, "public:indicator_detail", "ek.utsatta"), "values")
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", html)
    assert [time for time, _cells in rows] == ["2017", "Tertial 1 2018"]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", rows[1][1])
    report_url = url("public:report_detail", data.published.pk)
    assert cells == [
        "12.5",
        f'<a href="{report_url}">Published report</a>',
        "Preliminär siffra.",
    ]


def test_a_table_row_escapes_what_it_shows(db, english):
    from assignments.public.indicators import ValueRow

    row = ValueRow("<2018>", ["1 < 2"], origins=['"File" & co'], notes=["<script>x</script>"])
    assert row.html() == (
        '<tr><th scope="row">&lt;2018&gt;</th><td class="data-table__number">1 &lt; 2</td>'
        "<td>&quot;File&quot; &amp; co</td><td>&lt;script&gt;x&lt;/script&gt;</td></tr>"
    )


def test_the_progress_is_explained_with_the_figures_of_the_method(client, data):
    """5.0 in 2015 to 4.0 in 2022 is −3.14 % a year; 3.0 by 2025 needed −4.98 % a year:
    63 % of the change needed, moderate progress."""
    progress = text(section(page(client, "public:indicator_detail", "N00401"), "progress"))
    assert "Progress towards the target Moderate progress" in progress
    assert (
        "From the baseline, 5.0 ton CO₂e/inv in 2015, to the latest value, 4.0 ton CO₂e/inv in "
        "2022, the indicator fell by 3.1 % a year on average." in progress
    )
    assert (
        "To reach the target of 3.0 ton CO₂e/inv by 2025, it would have needed to fall by "
        "5.0 % a year from the baseline." in progress
    )
    assert "The change so far is 63 % of the change needed." in progress
    for level in ProgressLevel:
        assert str(level.label) in progress
    assert "at least 95 % of the change needed" in progress


def test_reached_and_not_enough_data_are_explained(client, data):
    factories.add_values(data.emissions, {2023: "2.9"}, origin=ValueOrigin.KOLADA)
    reached = text(section(page(client, "public:indicator_detail", "N00401"), "progress"))
    assert "Progress towards the target Target reached" in reached
    assert (
        "The latest value, 2.9 ton CO₂e/inv in 2023, has reached the target of "
        "3.0 ton CO₂e/inv set for 2025." in reached
    )
    lonely = factories.make_indicator(code="ensam")
    factories.add_values(lonely, {2020: 1})
    alone = text(section(page(client, "public:indicator_detail", "ensam"), "progress"))
    assert "Not enough data" in alone
    assert "There is no value from a later year than the baseline's." in alone


def test_an_override_shows_its_note_and_what_the_method_gives(client, data):
    html = page(client, "public:indicator_detail", "trygghet")
    progress = text(section(html, "progress"))
    assert "Limited progress (set by the sustainability office)" in progress
    assert "Mätmetoden ändrades 2020." in progress
    # 50 in 2019 to 51 in 2021 is +0.995 % a year: moderate without a target.
    assert "The method described below gives: Moderate progress." in progress
    assert "rose by 1.0 % a year" in progress
    assert "The indicator has no target, so the change alone decides the level." in progress
    listed = text(page(client, "public:indicator_list"))
    assert "Limited progress (set by the sustainability office)" in listed


def test_the_page_links_what_the_indicator_follows_up(client, data):
    html = section(page(client, "public:indicator_detail", "N00401"), "follows")
    assert f"{url('public:council_goals')}?year=2018#council-goal-{data.goal.pk}" in html
    assert url("public:assignment_detail", data.assignment.pk) in html
    # Each target links to its own page, which lists the indicators that follow it up.
    target_page = url("goals_public:sdg_target", 13, "13.2")
    assert f'href="{target_page}"' in html
    assert ">13.2<" in html
    assert "N00401" in client.get(target_page).content.decode()


def test_an_unknown_indicator_is_not_found(client, data):
    for code in ("N99999", "n00401", "x" * 31):
        assert client.get(f"/en/indicators/{code}/").status_code == 404
    for language in ("sv", "en"):
        listed = url("public:indicator_list", language=language)
        for code in ("%C3%A5", ".hidden", "a%20b", "N00401.."):
            assert client.get(f"{listed}{code}/").status_code == 404


def test_unpublished_reported_values_never_appear(client, data):
    pages = [
        page(client, name, *args, language=language)
        for language in ("sv", "en")
        for name, args in [
            ("public:indicator_detail", ["ek.utsatta"]),
            ("public:indicator_list", []),
            ("public:assignment_detail", [data.assignment.pk]),
            ("public:council_goals", []),
            ("goals_public:sdg_detail", [1]),
        ]
    ]
    for html in pages:
        for secret in ("777", "888"):
            assert secret not in text(html)
    assert IndicatorValue.objects.filter(indicator=data.poverty).count() == 2


# The list


def codes(html: str) -> list[str]:
    return re.findall(
        r'<h3 class="result__title"><a href="[^"]+"><span class="code">([^<]+)<', html
    )


def test_the_list_shows_each_indicator_with_its_latest_value_trend_and_progress(client, data):
    html = page(client, "public:indicator_list")
    assert codes(html) == ["N00401", "ek.utsatta", "trygghet"]
    items = re.findall(r'<li class="result">.*?</li>\s*(?=<li class="result">|</ol>)', html, re.S)
    emissions = text(items[0])
    assert "Latest value 4.0 ton CO₂e/inv (2022) Source: Kolada" in emissions
    assert "Last change Better" in emissions  # 4.1 to 4.0, and lower is better
    assert "Progress Moderate progress" in emissions
    assert "Latest value 12.5 % (Tertial 1 2018)" in text(items[1])
    assert "Last change Worse" in text(items[2])  # 52 to 51, and higher is better
    assert "Source SCB" in text(items[2])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["N00401", "ek.utsatta", "trygghet"]),
        ("?source=kolada", ["N00401"]),
        ("?source=organisation", ["ek.utsatta"]),
        ("?level=moderate", ["N00401"]),
        ("?level=substantial", ["ek.utsatta"]),
        ("?level=limited", ["trygghet"]),
        ("?level=reached", []),
        ("?goal=13", ["N00401"]),
        ("?goal=1", ["ek.utsatta"]),
        ("?year=2018", ["N00401", "ek.utsatta"]),
        ("?q=trygg", ["trygghet"]),
        ("?q=emissions", ["N00401"]),
        ("?q=UTSATTA&source=organisation&goal=1&year=2018", ["ek.utsatta"]),
    ],
)
def test_the_list_filters(client, data, query, expected):
    assert codes(page(client, "public:indicator_list", query=query)) == expected


def test_the_list_filters_by_council_goal(client, data):
    other = factories.make_council_goal(budget=data.budget, text="Ett annat mål.")
    data.overridden.council_goals.add(other)
    html = page(client, "public:indicator_list", query=f"?council_goal={data.goal.pk}")
    assert codes(html) == ["N00401", "ek.utsatta"]
    assert codes(page(client, "public:indicator_list", query=f"?council_goal={other.pk}")) == [
        "trygghet"
    ]


@pytest.mark.parametrize(
    "query",
    [
        "?source=nothing",
        "?level=great",
        "?goal=99",
        "?goal=x",
        "?year=1",
        "?council_goal=999999999999999999999",
        "?q=" + "x" * 300,
        "?level=moderate&source=everything",
        "?q=%00",
    ],
)
def test_bad_filter_values_are_answered_not_failed(client, data, query):
    response = client.get(url("public:indicator_list", query=query))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors  # said to the visitor, and the rest of the list still shown
    assert len(response.context["summaries"]) >= 1


def test_an_empty_list_says_so(client, db):
    assert "No indicators match your search." in page(client, "public:indicator_list")


# The council goal, assignment and Agenda 2030 pages


def summary_of(html: str, code: str) -> str:
    match = re.search(
        rf'<li class="indicator-summary">\s*<a class="indicator-summary__title" href="[^"]+">'
        rf'<span class="code">{re.escape(code)}</span>.*?</li>',
        html,
        re.DOTALL,
    )
    assert match, code
    return text(match.group(0))


@pytest.mark.parametrize(
    ("name", "args", "query"),
    [
        ("public:council_goals", [], "?year=2018"),
        ("public:assignment_detail", ["assignment"], ""),
    ],
)
def test_goal_and_assignment_pages_list_their_indicators(client, data, name, args, query):
    args = [data.assignment.pk if arg == "assignment" else arg for arg in args]
    html = page(client, name, *args, query=query)
    emissions = summary_of(html, "N00401")
    assert "Greenhouse gas emissions" in emissions
    assert "Latest value 4.0 ton CO₂e/inv (2022) Source: Kolada" in emissions
    assert "Last change Better" in emissions
    assert "Progress Moderate progress" in emissions
    assert "Latest value 12.5 % (Tertial 1 2018)" in summary_of(html, "ek.utsatta")
    assert "trygghet" not in html


def test_an_agenda_2030_goal_lists_the_indicators_of_its_targets(client, data):
    html = page(client, "goals_public:sdg_detail", 13)
    emissions = summary_of(html, "N00401")
    assert "Targets 13.2" in emissions
    assert "Progress Moderate progress" in emissions
    assert "ek.utsatta" not in section(html, "indicators")
    assert "No indicator follows up" in text(
        section(page(client, "goals_public:sdg_detail", 5), "indicators")
    )


def test_pages_without_indicators_show_no_indicator_section(client, data):
    bare = factories.make_assignment(budget=data.budget)
    html = page(client, "public:assignment_detail", bare.pk)
    assert 'id="indicators"' not in html
    assert 'href="#indicators"' not in html


def test_the_main_menu_links_the_indicators(client, data):
    html = page(client, "home", language="sv")
    assert f'<a href="{url("public:indicator_list", language="sv")}">' in html
    listed = page(client, "public:indicator_list")
    assert f'<a href="{url("public:indicator_list")}" aria-current="page">Indicators</a>' in listed


# Queries: the same for ten times the data


def grow(data: Data, *, indicators: int, years: int) -> None:
    """More indicators linked to the same goal, assignment and target, each with a series of
    ``years`` yearly values split by gender, and values for every reporting period."""
    for n in range(indicators):
        indicator = factories.make_indicator(
            source=IndicatorSource.KOLADA,
            has_gender_split=True,
            baseline_year=1990,
            baseline_value=Decimal(100 + n),
            targets={2030: 50, 2045: 0},
            assignments=[data.assignment],
        )
        indicator.council_goals.add(data.goal)
        indicator.global_targets.add(sdg_target("13.2"))
        for dimension, category in (("", ""), ("gender", "women"), ("gender", "men")):
            factories.add_values(
                indicator,
                {year: 100 + n - (year - 2000) for year in range(2023 - years, 2023)},
                dimension=dimension,
                category=category,
            )


def grow_emissions(data: Data, *, years: int) -> None:
    """The emissions indicator's series, ``years`` more years back, each split by gender,
    and a value for each reporting period from a published report."""
    start = 2015 - years
    for dimension, category in (("", ""), ("gender", "women"), ("gender", "men")):
        factories.add_values(
            data.emissions,
            {year: Decimal(9) - Decimal(year - start) / 100 for year in range(start, 2015)},
            dimension=dimension,
            category=category,
            origin=ValueOrigin.KOLADA,
        )
    for period in (data.t1, data.t2, data.annual):
        IndicatorValue.objects.create(
            indicator=data.emissions,
            year=2018,
            period=period,
            value=Decimal("4.55"),
            origin=ValueOrigin.REPORT,
            report=data.published,
        )


def queries(client, path: str) -> int:
    cache.clear()  # a cached page would make no query at all
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


# What each page fetches, written beside the number.
EXPECTED_QUERIES = {
    # the indicator, its targets, the values of its latest times (and its headline series'
    # first and latest two) with their periods, and its council goals, assignments and Agenda
    # 2030 targets (one query)
    "detail": 4,
    # the indicator, and the values of the page's times with their periods
    "values": 2,
    # the filters' choices (years, council goals, global goals), the indicators, their
    # headline series and their targets
    "list": 6,
    "list_filtered": 6,
}


def test_the_indicator_page_makes_the_same_queries_however_many_values(
    client, data, django_assert_num_queries
):
    path = url("public:indicator_detail", "N00401")
    client.get(path)  # warm up per-process caches (content types, translations)
    cache.clear()
    with django_assert_num_queries(EXPECTED_QUERIES["detail"]):
        small = client.get(path)
    grow_emissions(data, years=60)
    grow(data, indicators=10, years=20)
    cache.clear()
    with django_assert_num_queries(EXPECTED_QUERIES["detail"]):
        large = client.get(path)
    assert len(small.context["table"].rows) == 8
    assert len(large.context["table"].rows) == 10  # the latest times; every value is a click on
    assert IndicatorValue.objects.filter(indicator=data.emissions).count() == 3 * 68 + 3


def test_the_table_of_every_value_makes_the_same_queries_for_any_page(
    client, data, django_assert_num_queries
):
    path = url("public:indicator_values", "N00401")
    client.get(path)
    cache.clear()
    with django_assert_num_queries(EXPECTED_QUERIES["values"]):
        small = client.get(path)
    grow_emissions(data, years=60)
    grow(data, indicators=10, years=20)
    for query in ("", "?page=2"):
        cache.clear()
        with django_assert_num_queries(EXPECTED_QUERIES["values"]):
            large = client.get(path + query)
        assert large.status_code == 200
    assert len(small.context["table"].rows) == 8
    assert len(large.context["table"].rows) == 60 + 8 + 3 - 50


def test_the_list_makes_the_same_queries_for_ten_times_the_indicators(
    client, data, django_assert_num_queries
):
    paths = {
        "list": url("public:indicator_list"),
        "list_filtered": url(
            "public:indicator_list",
            query=f"?q=N&year=2018&council_goal={data.goal.pk}&goal=13&source=kolada&level=moderate",
        ),
    }
    client.get(paths["list"])
    small = {name: queries(client, path) for name, path in paths.items()}
    grow(data, indicators=27, years=10)
    large = {name: queries(client, path) for name, path in paths.items()}
    assert small == large == {k: v for k, v in EXPECTED_QUERIES.items() if k in paths}
    cache.clear()
    assert len(client.get(paths["list"]).context["summaries"]) == 30


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        # as without indicators (test_public_queries.py), and the goals' indicators, their
        # series and their targets
        ("public:council_goals", [], 5 + 3),
        # as without indicators (which it knows it has with the assignment), and the
        # assignment's indicators, series and targets
        ("public:assignment_detail", ["assignment"], 6 + 3),
        # as without indicators (test_goal_pages.py), and the indicators of the goal's
        # targets with the targets they follow, their series and their targets to reach
        ("goals_public:sdg_detail", [13], 4 + 3),
    ],
)
def test_the_pages_that_list_indicators_make_the_same_queries_for_more(
    client, data, name, args, expected
):
    path = url(name, *[data.assignment.pk if arg == "assignment" else arg for arg in args])
    client.get(path)
    small = queries(client, path)
    grow(data, indicators=10, years=30)
    large = queries(client, path)
    assert small == large == expected
    cache.clear()
    assert client.get(path).content.decode().count('<li class="indicator-summary">') >= 11


# The cache


def test_the_pages_are_cached_until_values_or_the_indicator_change(
    client, data, django_capture_on_commit_callbacks
):
    path = url("public:indicator_detail", "N00401")
    assert client.get(path)["X-Cache"] == "miss"
    with CaptureQueriesContext(connection) as captured:
        second = client.get(path)
    assert second["X-Cache"] == "hit" and len(captured) == 0
    listed = url("public:indicator_list")
    assert client.get(listed)["X-Cache"] == "miss"
    assert client.get(listed)["X-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        factories.add_values(data.emissions, {2023: "3.8"}, origin=ValueOrigin.KOLADA)
    fresh = client.get(path)
    assert fresh["X-Cache"] == "miss"
    assert "3.8 ton CO₂e/inv" in text(fresh.content.decode())
    assert client.get(listed)["X-Cache"] == "miss"

    with django_capture_on_commit_callbacks(execute=True):
        data.emissions.progress_override = ProgressLevel.SUBSTANTIAL
        data.emissions.progress_override_note = "Ny mätserie."
        data.emissions.save()
    changed = client.get(path)
    assert changed["X-Cache"] == "miss" and "Ny mätserie." in changed.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        data.emissions.targets.update_or_create(year=2040, defaults={"value": 1})
    assert "by 2040" in text(client.get(path).content.decode())

    with django_capture_on_commit_callbacks(execute=True):
        data.emissions.global_targets.add(sdg_target("11.6"))
    assert "N00401" in section(
        client.get(url("goals_public:sdg_detail", 11)).content.decode(), "indicators"
    )


def test_publishing_a_report_shows_its_value_at_once(
    client, data, django_capture_on_commit_callbacks
):
    path = url("public:indicator_detail", "ek.utsatta")
    assert "Tertial 2 2018" not in client.get(path).content.decode()
    assert client.get(path)["X-Cache"] == "hit"
    submitted = Report.objects.get(period=data.t2, organisation=data.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_report(report=submitted, by=data.reviewer)
        services.publish_report(report=submitted, by=data.reviewer)
    html = client.get(path).content.decode()
    assert "Tertial 2 2018" in html and "888.8" in html


# The sitemap


def test_the_sitemap_lists_the_indicator_pages_in_both_languages(client, data):
    body = client.get("/sitemap.xml").content.decode()
    for code in ("N00401", "ek.utsatta", "trygghet"):
        assert f"<loc>http://testserver/nyckeltal/{code}/</loc>" in body
        assert f"<loc>http://testserver/en/indicators/{code}/</loc>" in body
    assert "<loc>http://testserver/nyckeltal/</loc>" in body
    assert "<loc>http://testserver/en/indicators/</loc>" in body


# Accessible markup


def test_the_indicator_page_has_one_h1_and_no_skipped_heading_level(client, data):
    for code in ("N00401", "ek.utsatta", "trygghet"):
        headings = outline(page(client, "public:indicator_detail", code)).headings
        assert headings.count(1) == 1
        assert all(b - a <= 1 for a, b in itertools.pairwise(headings)), headings


# The line chart on its own


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_a_chart_without_values_says_so(english):
    chart = charts.line_chart([("total", "Total", [])], format_value=str, targets=[(2030, 1)])
    assert chart.is_empty
    assert chart.description == "No values yet."


def test_one_value_is_drawn_as_a_mark(english):
    chart = charts.line_chart([("total", "Total", [(2020, Decimal(3))])], format_value=str)
    (series,) = chart.series
    assert re.fullmatch(r"M([\d.]+,[\d.]+)L\1", series.path)
    assert chart.description == "Total: 1 value, 3 in 2020."
    assert [tick.label for tick in chart.year_ticks] == ["2020"]


def test_values_within_a_year_lie_between_its_years():
    chart = charts.line_chart(
        [("total", "Total", [(2020, Decimal(1)), (2020.5, Decimal(2)), (2021, Decimal(3))])],
        format_value=str,
    )
    xs = [float(point.split(",")[0]) for point in chart.series[0].path[1:].split("L")]
    assert xs[0] < xs[1] < xs[2]
    assert xs[1] - xs[0] == pytest.approx(xs[2] - xs[1], abs=0.2)


@pytest.mark.parametrize(
    ("low", "high", "ticks", "decimals"),
    [
        (0, 10, [0, 2.5, 5, 7.5, 10], 1),
        (0, 7.3, [0, 2, 4, 6, 8], 0),
        (3.2, 3.9, [3.2, 3.4, 3.6, 3.8, 4.0], 1),
        (-5, 12, [-5, 0, 5, 10, 15], 0),
        (0, 0.042, [0, 0.02, 0.04, 0.06], 2),
        (95, 98, [95, 96, 97, 98], 0),
    ],
)
def test_value_ticks_are_round_and_cover_the_values(low, high, ticks, decimals):
    assert charts.nice_ticks(low, high) == (pytest.approx(ticks), decimals)


def test_the_values_start_at_zero_unless_they_lie_far_from_it():
    low = charts.line_chart(
        [("total", "Total", [(2020, Decimal(3)), (2021, Decimal(8))])], format_value=str
    )
    assert low.value_ticks[0].label == "0"
    high = charts.line_chart(
        [("total", "Total", [(2020, Decimal(95)), (2021, Decimal(98))])], format_value=str
    )
    assert high.value_ticks[0].label == "95"


# The page's value format is the indicators' own


@given(
    value=st.decimals(
        min_value=-(10**14) + 1,
        max_value=10**14 - 1,
        places=6,
        allow_nan=False,
        allow_infinity=False,
    ),
    decimals=st.integers(min_value=0, max_value=6),
    language=st.sampled_from(["sv", "en"]),
)
def test_the_pages_formatter_writes_each_value_as_format_value_does(value, decimals, language):
    indicator = Indicator(code="x", decimals=decimals)
    with translation.override(language):
        assert value_formatter(indicator)(value) == indicator.format_value(value)
