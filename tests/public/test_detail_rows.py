"""
The rows the assignment and organisation pages write in Python (``public/detail_rows.py``,
with the progress marks of ``public/rows.py``) give the markup of the includes they stand
in for. The goal pages' links (``rows.assignment_link``, ``rows.report_link``) are held to
theirs in test_goal_pages.py.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from assignments.models import Progress
from assignments.public import charts, rows
from assignments.public.detail_rows import (
    GoalRow,
    RowWriter,
    TargetRow,
    periods_chart,
)
from goals.models import GlobalGoal, GlobalTarget
from tests.public.helpers import GOAL_ROW_FIELDS


def _squeezed(html: str) -> str:
    """The markup without the whitespace between tags a template's layout adds."""
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("value", [*Progress.values, "<unknown>"])
def test_a_progress_link_is_the_includes(language, value):
    label = Progress(value).label if value in Progress.values else value
    with translation.override(language):
        expected = render_to_string(
            "public/_progress_link.html", {"report": 42, "value": value, "label": label}
        )
        assert RowWriter().progress_link(42, value) == expected.strip()


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("value", [*Progress.values, "<unknown>"])
def test_a_progress_mark_is_the_include(language, value):
    label = Progress(value).label if value in Progress.values else value
    with translation.override(language):
        expected = render_to_string("public/_progress.html", {"value": value, "label": label})
        assert rows.progress(value) == expected.strip()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en"])
def test_goal_tiles_and_targets_are_the_includes(language):
    goals = list(GlobalGoal.objects.filter(number__in=[3, 14]).order_by("framework", "number"))
    targets = list(
        GlobalTarget.objects.filter(goal__in=goals)
        .select_related("goal")
        .order_by("goal__framework", "goal__number", "position")
    )
    assert goals and targets  # the reference data is there
    targets[0].text_sv = ""  # not yet translated: shown in English, marked as such
    targets[1].text_en = "Clean <water> & air"  # escaped
    with translation.override(language):
        writer = RowWriter()
        tiles = render_to_string(
            "includes/_goal_tiles.html", {"goals": goals, "label": "Goals <of> it"}
        )
        listed = render_to_string("includes/_target_list.html", {"targets": targets})
        rows_of_goals = [
            GoalRow(*row)
            for row in GlobalGoal.objects.filter(pk__in=[g.pk for g in goals])
            .order_by("framework", "number")
            .values_list(*GOAL_ROW_FIELDS)
        ]
        written = writer.goal_tiles(rows_of_goals, "Goals <of> it")
        assert _squeezed(written) == _squeezed(tiles)
        rows = [TargetRow.of(target) for target in targets]
        assert _squeezed(writer.target_list(rows)) == _squeezed(listed)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_publication_day_is_stockholms_as_the_templates_show_it(language):
    """Published at 23:30 UTC on 1 June is 2 June in Malmö."""
    published_at = datetime.datetime(2098, 6, 1, 23, 30, tzinfo=datetime.UTC)
    template = Template("""<time datetime="{{ at|date:'Y-m-d' }}">{{ at|date:"j F Y" }}</time>""")
    with translation.override(language):
        expected = template.render(Context({"at": published_at}))
        writer = RowWriter()
        assert writer.published(published_at) == expected
        # Written once per day in Malmö: two hours later is the same day there, two hours
        # earlier the day before.
        assert writer.published(published_at + datetime.timedelta(hours=2)) == expected
        earlier = published_at - datetime.timedelta(hours=2)
        assert writer.published(earlier) == template.render(Context({"at": earlier}))
    assert 'datetime="2098-06-02"' in expected
    assert 'datetime="2098-06-01"' in template.render(Context({"at": earlier}))


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize(
    "rows",
    [
        [
            ("Tertial 1", {"on_track": 3, "at_risk": 1, "completed": 2}),
            ("Tertial 2 <b>", {"not_started": 1, "off_track": 4}),
            ("Årsanalys", {}),
        ],
        [("Tertial 1", {}), ("Tertial 2", {})],  # nothing published yet
    ],
)
def test_the_periods_chart_is_the_templates(language, rows):
    with translation.override(language):
        chart = charts.progress_over_periods(rows, chart_id="assignment-progress")
        expected = render_to_string("public/charts/_progress_over_periods.html", {"chart": chart})
        assert _squeezed(periods_chart(chart)) == _squeezed(expected)
