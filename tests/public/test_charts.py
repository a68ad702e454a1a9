"""The server-drawn charts: their geometry, their empty state and their text alternatives."""

from __future__ import annotations

import itertools
import re
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from assignments.models import Progress
from assignments.public import charts
from goals.templatetags.goals_tags import contrast_ratio

# Helpers


class _Page(HTMLParser):
    """The start tags of a fragment, and the text inside each element with an id."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text_by_id: dict[str, str] = {}
        self._open: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag not in {"rect", "circle", "path", "br", "input"}:
            self._open.append((tag, attributes.get("id")))
            if attributes.get("id"):
                self.text_by_id[attributes["id"]] = ""

    def handle_endtag(self, tag):
        while self._open:
            open_tag, _id = self._open.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        for _tag, element_id in self._open:
            if element_id:
                self.text_by_id[element_id] += data

    def with_attr(self, name: str, value: str | None = None) -> list[dict[str, str | None]]:
        return [
            attrs
            for _tag, attrs in self.tags
            if name in attrs and (value is None or attrs[name] == value)
        ]


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def render(template: str, chart, language: str = "en") -> str:
    with translation.override(language):
        return render_to_string(f"public/charts/{template}", {"chart": chart})


SAMPLE = {"not_started": 1, "on_track": 4, "at_risk": 2, "off_track": 1, "completed": 2}


# Apportioning and percentages


@pytest.mark.parametrize(
    "counts",
    [[1, 1, 1], [1, 0, 0, 0, 2], [3, 7, 0, 0, 1], [1, 998, 1], [5, 1, 1], [0, 0, 7], [1]],
)
def test_apportioned_widths_add_up_exactly_and_stay_close_to_the_exact_share(counts):
    widths = charts.apportion(counts, 1000)

    assert sum(widths) == 1000
    for count, width in zip(counts, widths, strict=True):
        assert abs(width - 1000 * count / sum(counts)) < 1
        assert width >= 0


def test_apportioning_nothing_gives_nothing_and_negative_counts_are_refused():
    assert charts.apportion([0, 0, 0], 1000) == [0, 0, 0]
    assert charts.apportion([], 1000) == []
    with pytest.raises(ValueError):
        charts.apportion([1, -1], 1000)


def test_equal_counts_show_equal_percentages_rounded_half_up():
    chart = charts.progress_distribution({"on_track": 5, "at_risk": 1, "off_track": 1})

    percents = {segment.value: segment.percent for segment in chart.segments}
    assert percents["at_risk"] == percents["off_track"] == 14
    assert percents["on_track"] == 71
    assert charts.percentage(1, 8) == 13  # 12.5 rounds up
    assert charts.percentage(0, 0) == 0


# The distribution of progress


def test_distribution_has_every_progress_value_in_order_with_widths_filling_the_bar():
    chart = charts.progress_distribution(SAMPLE)

    assert [segment.value for segment in chart.segments] == Progress.values
    assert [str(segment.label) for segment in chart.segments] == [
        str(label) for label in Progress.labels
    ]
    assert chart.total == 10
    assert sum(segment.width for segment in chart.segments) == chart.width == 1000
    assert [segment.width for segment in chart.segments] == [100, 400, 200, 100, 200]
    assert [segment.x for segment in chart.segments] == [0, 100, 500, 700, 800]
    assert [segment.percent for segment in chart.segments] == [10, 40, 20, 10, 20]
    assert chart.segments[2].x_attr == "50%" and chart.segments[2].width_attr == "20%"


def test_distribution_positions_are_contiguous_for_awkward_counts():
    chart = charts.progress_distribution({"on_track": 1, "at_risk": 1, "completed": 1})

    drawn = chart.drawn_segments
    assert [segment.value for segment in drawn] == ["on_track", "at_risk", "completed"]
    assert all(a.x + a.width == b.x for a, b in itertools.pairwise(drawn))
    assert drawn[-1].x + drawn[-1].width == 1000
    assert drawn[0].width_attr == "33.3%"


def test_distribution_of_nothing_is_empty_and_says_so():
    chart = charts.progress_distribution({})

    assert chart.is_empty and chart.total == 0
    assert all(segment.width == 0 for segment in chart.segments)
    assert chart.drawn_segments == ()
    with translation.override("en"):
        assert chart.description == "No published reports yet."


def test_distribution_refuses_unknown_progress_values_and_negative_counts():
    with pytest.raises(ValueError, match="Not progress values"):
        charts.progress_distribution({"draft": 1})
    with pytest.raises(ValueError):
        charts.progress_distribution({"on_track": -1})


def test_chart_ids_are_unique_by_default_and_must_be_usable_in_html():
    first, second = charts.progress_distribution({}), charts.progress_distribution({})

    assert first.chart_id != second.chart_id
    assert charts.progress_distribution({}, chart_id="home-progress").chart_id == "home-progress"
    with pytest.raises(ValueError):
        charts.progress_distribution({}, chart_id="two words")


def test_distribution_text_alternative_names_every_value_with_count_and_share():
    chart = charts.progress_distribution(SAMPLE)

    with translation.override("en"):
        description = chart.description

    assert description == (
        "10 published reports: Not started: 1 (10%), On track: 4 (40%), At risk: 2 (20%), "
        "Off track: 1 (10%), Completed: 2 (20%)."
    )


def test_rendered_distribution_is_an_image_named_by_its_title_and_description():
    chart = charts.progress_distribution(SAMPLE, title="Progress of the test", chart_id="t")

    page = parse(render("_progress_distribution.html", chart))

    (image,) = page.with_attr("role", "img")
    assert image["aria-labelledby"] == "t-title t-desc"
    assert squash(page.text_by_id["t-title"]) == "Progress of the test"
    assert squash(page.text_by_id["t-desc"]).startswith("10 published reports: Not started: 1")
    assert [tag for tag, attrs in page.tags if attrs.get("id") == "t-title"] == ["title"]
    assert [tag for tag, attrs in page.tags if attrs.get("id") == "t-desc"] == ["desc"]


def test_rendered_distribution_has_the_same_numbers_in_a_table_with_headers():
    chart = charts.progress_distribution(SAMPLE, chart_id="t")

    html = render("_progress_distribution.html", chart)
    table = squash(re.sub(r"<[^>]+>", " ", html[html.index("<table") : html.index("</table>")]))

    assert "<caption>" in html and html.count('<th scope="col"') == 3
    assert html.count('<th scope="row"') == 6  # five values and the total
    for row in [
        "Not started 1 10%",
        "On track 4 40%",
        "At risk 2 20%",
        "Off track 1 10%",
        "Completed 2 20%",
        "Total 10 100%",
    ]:
        assert row in table


def test_rendered_distribution_draws_each_value_with_its_own_pattern_and_a_text_legend():
    chart = charts.progress_distribution(SAMPLE, chart_id="t")

    html = render("_progress_distribution.html", chart)
    page = parse(html)

    patterns = {attrs["id"] for tag, attrs in page.tags if tag == "pattern"}
    fills = {attrs["fill"] for tag, attrs in page.tags if tag == "rect" and "url(" in attrs["fill"]}
    assert fills == {f"url(#{pattern})" for pattern in patterns}
    assert len(patterns) == 5
    assert len({swatch.pattern for swatch in chart.swatches}) == 5
    legend = html[html.index('class="chart__legend"') : html.index("</ul>")]
    assert "On track: <strong>4</strong> (40%)" in legend


def test_rendered_empty_distribution_says_no_published_reports_yet_and_draws_nothing():
    html = render("_progress_distribution.html", charts.progress_distribution({}))

    assert "No published reports yet." in html
    assert "<svg" not in html and "<table" not in html


def test_geometry_is_written_with_a_decimal_point_on_swedish_pages():
    chart = charts.progress_distribution({"on_track": 1, "at_risk": 1, "completed": 1})

    html = render("_progress_distribution.html", chart, language="sv")

    assert 'width="33.3%"' in html and 'x="33.3%"' in html
    assert not re.search(r'(x|width|r)="\d+,\d', html)


def test_rendered_charts_have_no_inline_styles_or_scripts():
    for template, chart in [
        ("_progress_distribution.html", charts.progress_distribution(SAMPLE)),
        ("_progress_over_periods.html", charts.progress_over_periods([("T1", SAMPLE)])),
        (
            "_coverage_matrix.html",
            charts.coverage_matrix(["A"], [(1, "No poverty")], {("A", 1): 1}),
        ),
    ]:
        page = parse(render(template, chart))
        assert not any("style" in attrs for _tag, attrs in page.tags), template
        assert not any(tag in {"style", "script"} for tag, _attrs in page.tags), template


# Progress over periods


def test_each_period_is_a_bar_drawn_to_scale_whose_segments_fill_it():
    chart = charts.progress_over_periods(
        [
            ("Tertial 1 2018", {"on_track": 2, "at_risk": 2}),
            ("Tertial 2 2018", {"on_track": 6, "off_track": 1, "completed": 1}),
            ("Årsanalys 2018", {}),
        ]
    )

    first, second, third = chart.bars
    assert [bar.total for bar in chart.bars] == [4, 8, 0]
    assert second.length == 1000 and first.length == 500 and third.length == 0
    for bar in chart.bars:
        assert sum(segment.width for segment in bar.segments) == bar.length
    assert [(s.value, s.x, s.width) for s in first.drawn_segments] == [
        ("on_track", 0, 250),
        ("at_risk", 250, 250),
    ]
    assert third.drawn_segments == ()
    assert not chart.is_empty and chart.total == 12


def test_periods_without_any_published_report_make_an_empty_chart():
    for rows in ([], [("Tertial 1 2018", {}), ("Tertial 2 2018", {"on_track": 0})]):
        chart = charts.progress_over_periods(rows)
        assert chart.is_empty
        html = render("_progress_over_periods.html", chart)
        assert "No published reports yet." in html and "<svg" not in html


def test_periods_text_alternative_and_table_tell_each_period():
    chart = charts.progress_over_periods(
        [("Tertial 1 2018", {"on_track": 2, "at_risk": 1}), ("Tertial 2 2018", {})],
        title="Progress by period",
        chart_id="p",
    )

    html = render("_progress_over_periods.html", chart)
    page = parse(html)

    (image,) = page.with_attr("role", "img")
    assert image["aria-labelledby"] == "p-title p-desc"
    assert squash(page.text_by_id["p-title"]) == "Progress by period"
    assert squash(page.text_by_id["p-desc"]) == (
        "Tertial 1 2018: 3 published reports: On track: 2 (67%), At risk: 1 (33%). "
        "Tertial 2 2018: No published reports yet."
    )
    table = squash(re.sub(r"<[^>]+>", " ", html[html.index("<table") : html.index("</table>")]))
    assert "Reporting period Not started On track At risk Off track Completed Total" in table
    assert "Tertial 1 2018 0 2 1 0 0 3" in table and "Tertial 2 2018 0 0 0 0 0 0" in table
    assert "Tertial 1 2018 (3 published reports)" in squash(re.sub(r"<[^>]+>", " ", html))


# Organisations × goals


GOALS = [(1, "No poverty"), (11, "Sustainable cities and communities"), (13, "Climate action")]


def test_coverage_matrix_counts_rows_columns_and_sizes_the_marks_by_area():
    chart = charts.coverage_matrix(
        ["Miljönämnden", "Tekniska nämnden"],
        GOALS,
        {("Miljönämnden", 11): 4, ("Miljönämnden", 13): 1, ("Tekniska nämnden", 11): 1},
    )

    assert [column.total for column in chart.columns] == [0, 5, 1]
    assert [row.goals_reached for row in chart.rows] == [2, 1]
    assert chart.goals_reached == 2 and chart.max_count == 4
    cells = {(row.organisation, cell.number): cell for row in chart.rows for cell in row.cells}
    assert cells["Miljönämnden", 11].radius == charts.MARK_MAX_RADIUS
    assert cells["Miljönämnden", 13].radius == pytest.approx(charts.MARK_MAX_RADIUS / 2)
    assert cells["Miljönämnden", 1].radius == 0 and cells["Miljönämnden", 1].count == 0
    assert all(cell.radius <= chart.mark_size / 2 for cell in cells.values())
    assert [column.css_class for column in chart.columns] == ["sdg-1", "sdg-11", "sdg-13"]


def test_coverage_marks_stay_visible_for_small_counts_and_ignore_rows_not_shown():
    chart = charts.coverage_matrix(
        ["A"], GOALS, {("A", 1): 1, ("A", 11): 100, ("Not shown", 13): 1000}
    )

    (row,) = chart.rows
    assert row.cells[0].radius == charts.MARK_MIN_RADIUS
    assert chart.max_count == 100 and chart.columns[2].total == 0


def test_coverage_of_the_millennium_goals_uses_their_colour_class():
    chart = charts.coverage_matrix(["A"], [(1, "Poverty")], {("A", 1): 1}, framework="mdg")

    assert chart.columns[0].css_class == "goal-tile--mdg"
    with translation.override("en"):
        assert str(chart.columns[0].label) == "MDG 1"


def test_empty_coverage_matrix_says_so():
    chart = charts.coverage_matrix([], GOALS, {})

    html = render("_coverage_matrix.html", chart)

    assert chart.is_empty
    assert "No published reports contribute to these goals yet." in html
    assert "<table" not in html


def test_rendered_coverage_matrix_is_a_table_with_caption_and_headers_for_every_cell():
    chart = charts.coverage_matrix(
        ["Miljönämnden", "Tekniska nämnden"],
        GOALS,
        {("Miljönämnden", 11): 4, ("Tekniska nämnden", 13): 1},
        title="Who contributes",
        chart_id="c",
    )

    html = render("_coverage_matrix.html", chart)
    page = parse(html)

    assert squash(page.text_by_id["c-caption"]) == "Who contributes"
    assert squash(page.text_by_id["c-desc"]) == (
        "The published reports of 2 organisations contribute to 2 of the 3 goals."
    )
    (region,) = page.with_attr("role", "region")
    assert region["aria-labelledby"] == "c-caption" and region["tabindex"] == "0"
    column_headers = [attrs for tag, attrs in page.tags if tag == "th" and attrs["scope"] == "col"]
    assert len(column_headers) == 1 + 3 + 1
    assert [attrs["scope"] for tag, attrs in page.tags if tag == "th"].count("row") == 3
    assert 'class="visually-hidden">Goal 11: Sustainable cities and communities</span>' in html
    assert 'class="coverage__goal sdg-11"' in html
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)
    environment = squash(re.sub(r"<[^>]+>", " ", rows[1]))
    assert environment == "Miljönämnden – 0 4 – 0 1"
    marks = [attrs for tag, attrs in page.tags if tag == "svg"]
    assert len(marks) == 2 and all(mark["aria-hidden"] == "true" for mark in marks)


@pytest.mark.parametrize(("value", "style"), sorted(charts.PROGRESS_STYLES.items()))
def test_every_progress_colour_stands_out_from_the_white_page(value, style):
    """WCAG 1.4.11: parts of a graphic need 3:1 against what is next to them."""
    colour, pattern = style
    assert contrast_ratio(colour, "#FFFFFF") >= 3
    assert pattern in {"dots", "diagonal", "horizontal", "crosshatch", "solid"}
