"""
The repeated rows of the assignment page and the organisation page, written in Python.

An include per table cell cost these pages more than everything else they do (some 1,300
template renders on the assignment page of an assignment given to every committee); each
row is built here as one string, every value escaped, with the same markup the includes
give (the links and progress marks the goal pages share are ``rows``'s). What is the same
in every row (the translated words, the start and end of each address, each progress
value's mark, each day's date) is worked out once per page by a ``RowWriter``.
"""

from __future__ import annotations

import datetime
import html
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.utils import dateformat, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from assignments.models import ReportingPeriod, ResponsibilityRole
from assignments.public.charts import ProgressOverPeriods
from goals.models import FALLBACK_LANGUAGE, Framework, GlobalTarget, pick_text, text_language
from malmo_portal.templatetags.site_tags import path_function

from . import rows
from .rows import escape


class OrganisationName(NamedTuple):
    """What the assignment page shows of an organisation: its name, linked to its page."""

    pk: int
    name: str
    slug: str


class TargetRow(NamedTuple):
    """What the pages show of a global target: its code and text, and its goal's colour."""

    code: str
    text_sv: str
    text_en: str
    framework: str
    number: int
    goal_id: int

    @classmethod
    def of(cls, target: GlobalTarget) -> TargetRow:
        goal = target.goal
        return cls(
            target.code, target.text_sv, target.text_en, goal.framework, goal.number, goal.pk
        )


class GoalRow(NamedTuple):
    """What the pages show of a global goal: its number, title and colour."""

    framework: str
    number: int
    title_sv: str
    title_en: str

    @property
    def label(self) -> str:  # as GlobalGoal.label
        return gettext("Goal") if self.framework == Framework.SDG else gettext("MDG")


class PeriodRow(NamedTuple):
    """A reporting period of the assignment's budget: its key and its name."""

    pk: int
    name: str
    year: int

    def __str__(self) -> str:
        return ReportingPeriod.label(self.name, self.year)


class PublishedReport(NamedTuple):
    """What the assignment page shows of a published report: its progress, and when."""

    pk: int
    organisation_id: int
    period: PeriodRow
    progress: str
    percent_complete: int | None
    published_at: datetime.datetime | None


@dataclass
class OrganisationRow:
    """A committee or company on an assignment, and its latest published report on it."""

    organisation: OrganisationName
    role: str | None
    latest: PublishedReport | None = None


class OrganisationReport(NamedTuple):
    """What the organisation page shows of one of its published reports."""

    pk: int
    assignment_id: int
    code: str
    title: str
    period_name: str
    year: int
    progress: str
    published_at: datetime.datetime | None

    @property
    def period(self) -> str:
        return ReportingPeriod.label(self.period_name, self.year)


class OrganisationAssignment(NamedTuple):
    """An assignment of an organisation, its role in it, and its latest published report."""

    pk: int
    code: str
    title: str
    year: int
    role: str
    latest: OrganisationReport | None


class RowWriter:
    """Writes the pages' repeated rows as HTML, escaping every value; made once per page,
    in the page's language."""

    def __init__(self) -> None:
        self.report_url = path_function("public:report_detail")
        self.organisation_url = path_function("public:organisation_detail")
        self.assignment_url = path_function("public:assignment_detail")
        self.read_the_report = escape(gettext("read the report"))
        self.language = (get_language() or "").split("-")[0]
        # The language of the goals' texts, as goals.models.localized() chooses it.
        self.text_language = text_language()
        self._zone = timezone.get_current_timezone()
        self._progress: dict[str, str] = {}
        self._days: dict[datetime.date, str] = {}
        self._periods: dict[str, str] = {}
        self._organisations: dict[int, str] = {}

    def progress(self, value: str) -> str:
        """A progress value in words with its mark (``rows.progress``), written once."""
        if value not in self._progress:
            self._progress[value] = rows.progress(value)
        return self._progress[value]

    def progress_link(self, report_pk: int, value: str) -> str:
        """A progress value linked to its report (``rows.progress_link``)."""
        return rows.progress_link(
            self.report_url(int(report_pk)), self.progress(value), self.read_the_report
        )

    def published(self, published_at: datetime.datetime | None) -> str:
        """The day a report was published, in the portal's time zone, as the templates'
        ``date`` filter shows it."""
        if published_at is None:
            return ""
        # Each report's moment is its own: the words are written once per day.
        day = published_at.astimezone(self._zone).date()  # as timezone.localtime()
        if day not in self._days:
            self._days[day] = (
                f'<time datetime="{day.isoformat()}">'
                f"{escape(dateformat.format(day, 'j F Y'))}</time>"
            )
        return self._days[day]

    def _localized(self, obj: GoalRow | TargetRow, field: str) -> str:
        """A goal's or target's text in the page's language, as ``{% localized %}`` gives
        it (``goals.models.localized`` and ``lang_marked``): marked ``lang="en"`` where
        English stands in."""
        chosen = pick_text(
            getattr(obj, f"{field}_{self.text_language}", ""),
            getattr(obj, f"{field}_{FALLBACK_LANGUAGE}", ""),
            self.text_language,
        )
        if chosen.text and chosen.lang != self.language:
            return f'<span lang="{chosen.lang}">{escape(chosen.text)}</span>'
        return escape(chosen.text)

    def period(self, period: PeriodRow | str) -> str:
        key = str(period)
        if key not in self._periods:
            self._periods[key] = f'<span lang="sv">{escape(key)}</span>'
        return self._periods[key]

    def _organisation(self, organisation: OrganisationName) -> str:
        """An organisation's name linked to its page: written once, for the list of those
        responsible and again for the table."""
        if organisation.pk not in self._organisations:
            self._organisations[organisation.pk] = (
                f'<a href="{escape(self.organisation_url(organisation.slug))}">'
                f"{escape(organisation.name)}</a>"
            )
        return self._organisations[organisation.pk]

    # The assignment page

    def latest_rows(self, organisations: Iterable[OrganisationRow]) -> SafeString:
        """The rows of the table of latest reports: each organisation (and whether it takes
        part rather than leads), its latest report's period, progress and publication day,
        and a link to read it; or that it has published none."""
        taking_part = f' <span class="muted">({escape(gettext("taking part"))})</span>'
        complete = gettext("%(percent)s %% complete")
        read = gettext("Read the report of %(organisation)s")
        none = (
            f'<td></td><td><span class="muted">{escape(gettext("No published report yet"))}'
            "</span></td><td></td><td></td>"
        )
        participant = ResponsibilityRole.PARTICIPANT.value
        written = []
        for row in organisations:
            role = taking_part if row.role == participant else ""
            heading = f'<th scope="row">{self._organisation(row.organisation)}{role}</th>'
            report = row.latest
            if report is None:
                written.append(f"<tr>{heading}{none}</tr>")
                continue
            percent = (
                f' <span class="muted">'
                f"{html.escape(complete % {'percent': report.percent_complete})}</span>"
                if report.percent_complete is not None
                else ""
            )
            link = html.escape(read % {"organisation": row.organisation.name})
            written.append(
                f"<tr>{heading}"
                f"<td>{self.period(report.period)}</td>"
                f"<td>{self.progress(report.progress)}{percent}</td>"
                f"<td>{self.published(report.published_at)}</td>"
                f'<td><a href="{self.report_url(report.pk)}">{link}</a></td></tr>'
            )
        return mark_safe("".join(written))  # every value is escaped above

    # The organisation page

    def responsibility_rows(self, assignments: Iterable[OrganisationAssignment]) -> SafeString:
        """The organisation's assignments: each assignment, its year, the role and the latest
        published progress, linked to its report."""
        none = f'<span class="muted">{escape(gettext("No published report yet"))}</span>'
        roles = {value: escape(label) for value, label in ResponsibilityRole.choices}
        written = []
        for assignment in assignments:
            latest = assignment.latest
            progress = self.progress_link(latest.pk, latest.progress) if latest else none
            written.append(
                f'<tr><th scope="row"><a href="{self.assignment_url(assignment.pk)}">'
                f'<span class="code">{escape(assignment.code)}</span> '
                f'<span lang="sv">{escape(assignment.title)}</span></a></th>'
                f"<td>{assignment.year}</td>"
                f"<td>{roles.get(assignment.role, escape(assignment.role))}</td>"
                f"<td>{progress}</td></tr>"
            )
        return mark_safe("".join(written))  # every value is escaped above

    def report_rows(self, reports: Iterable[OrganisationReport]) -> SafeString:
        """The organisation's published reports: each assignment, linked to the report, the
        period, the progress and when it was published."""
        written = [
            f'<tr><th scope="row"><a href="{self.report_url(report.pk)}">'
            f'<span class="code">{escape(report.code)}</span> '
            f'<span lang="sv">{escape(report.title)}</span></a></th>'
            f"<td>{self.period(report.period)}</td>"
            f"<td>{self.progress(report.progress)}</td>"
            f"<td>{self.published(report.published_at)}</td></tr>"
            for report in reports
        ]
        return mark_safe("".join(written))  # every value is escaped above

    def organisation_items(self, organisations: Iterable[OrganisationName]) -> SafeString:
        """Organisations as list items, each linked to its page."""
        return mark_safe(  # escaped in _organisation
            "".join(f"<li>{self._organisation(o)}</li>" for o in organisations)
        )

    def goal_tiles(self, goals: Iterable[GoalRow], label: str) -> SafeString:
        """Global goals as tiles, as ``includes/_goal_tiles.html`` gives them."""
        items = "".join(
            f'<li class="goal-tile {_goal_class(goal)}">'
            f'<span class="goal-tile__number">{escape(goal.label)} {int(goal.number)}</span> '
            f'<span class="goal-tile__title">{self._localized(goal, "title")}'
            "</span></li>"
            for goal in goals
        )
        return mark_safe(f'<ul class="goal-tiles" aria-label="{escape(label)}">{items}</ul>')

    def target_list(self, targets: Iterable[TargetRow]) -> SafeString:
        """Targets with their code and text, as ``includes/_target_list.html`` gives them."""
        items = "".join(
            '<li class="target-list__item"><span class="target-list__code '
            f'{_target_class(target)}">{escape(target.code)}</span> '
            f'<span class="target-list__text">{self._localized(target, "text")}'
            "</span></li>"
            for target in targets
        )
        return mark_safe(f'<ul class="target-list">{items}</ul>')  # escaped above


# The patterns of the progress values, as public/charts/_patterns.html draws them.
_PATTERN_MARKS = {
    "dots": '<circle cx="8" cy="8" r="3" fill="#ffffff"/>',
    "diagonal": (
        '<path d="M-4,4 l8,-8 M0,16 l16,-16 M12,20 l8,-8" stroke="#ffffff" stroke-width="3"/>'
    ),
    "horizontal": '<path d="M0,8 h16" stroke="#ffffff" stroke-width="3"/>',
    "crosshatch": (
        '<path d="M-4,4 l8,-8 M0,16 l16,-16 M12,20 l8,-8 M-4,12 l8,8 M0,0 l16,16 M12,-4 l8,8"'
        ' stroke="#ffffff" stroke-width="2"/>'
    ),
}


def periods_chart(chart: ProgressOverPeriods) -> SafeString:
    """The chart of progress by period, as ``public/charts/_progress_over_periods.html``
    draws it (and its patterns, legend and table of numbers): for the assignment and goal
    pages, whose other parts are written in Python too. The same markup, which a test holds
    to the template."""
    chart_id = escape(chart.chart_id)
    title = escape(chart.title)
    if chart.is_empty:
        body = f'<p class="chart__empty">{escape(gettext("No published reports yet."))}</p>'
        return mark_safe(
            f'<figure class="chart chart--periods" id="{chart_id}">'
            f'<figcaption class="chart__title">{title}</figcaption>{body}</figure>'
        )
    patterns = "".join(
        f'<pattern id="{escape(s.pattern_id)}" width="16" height="16" '
        'patternUnits="userSpaceOnUse">'
        f'<rect width="16" height="16" fill="{escape(s.colour)}"/>'
        f"{_PATTERN_MARKS.get(s.pattern, '')}</pattern>"
        for s in chart.swatches
    )
    height = int(chart.height)
    fills = {s.value: f"url(#{escape(s.pattern_id)})" for s in chart.swatches}
    bars = "".join(
        '<li class="chart__row">'
        f'<span class="chart__row-label">{escape(bar.label)} '
        f'<span class="chart__row-total">({escape(bar.total_text)})</span></span>'
        f'<svg class="chart__bar" width="100%" height="{height}" aria-hidden="true" '
        'focusable="false">'
        f'<rect class="chart__track" x="0" y="0" width="100%" height="{height}" '
        'fill="#f4f5f8"/>'
        + "".join(
            f'<rect x="{escape(segment.x_attr)}" y="0" width="{escape(segment.width_attr)}" '
            f'height="{height}" fill="{fills[segment.value]}" '
            'stroke="#ffffff" stroke-width="3"/>'
            for segment in bar.drawn_segments
        )
        + "</svg></li>"
        for bar in chart.bars
    )
    legend = "".join(
        '<li class="chart__legend-item">'
        '<svg class="chart__swatch" viewBox="0 0 36 24" width="36" height="24" '
        f'focusable="false"><rect width="36" height="24" fill="url(#{escape(s.pattern_id)})"/>'
        f"</svg><span>{escape(s.label)}</span></li>"
        for s in chart.swatches
    )
    columns = "".join(
        f'<th scope="col" class="data-table__number">{escape(s.label)}</th>' for s in chart.swatches
    )
    numbers = "".join(
        f'<tr><th scope="row">{escape(bar.label)}</th>'
        + "".join(
            f'<td class="data-table__number">{int(segment.count)}</td>' for segment in bar.segments
        )
        + f'<td class="data-table__number">{int(bar.total)}</td></tr>'
        for bar in chart.bars
    )
    return mark_safe(  # every text is escaped above
        f'<figure class="chart chart--periods" id="{chart_id}">'
        f'<figcaption class="chart__title">{title}</figcaption>'
        '<svg class="chart__defs" width="0" height="0" aria-hidden="true" focusable="false">'
        f"<defs>{patterns}</defs></svg>"
        f'<div class="chart__graphic" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<span id="{chart_id}-title" hidden>{title}</span>'
        f'<span id="{chart_id}-desc" hidden>{escape(chart.description)}</span>'
        f'<ol class="chart__rows">{bars}</ol></div>'
        f'<ul class="chart__legend" aria-hidden="true">{legend}</ul>'
        '<details class="chart__data">'
        f"<summary>{escape(gettext('Show the numbers as a table'))}</summary>"
        '<div class="table-scroll"><table class="data-table">'
        f"<caption>{title}</caption>"
        f'<thead><tr><th scope="col">{escape(gettext("Reporting period"))}</th>{columns}'
        f'<th scope="col" class="data-table__number">{escape(gettext("Total"))}</th></tr>'
        f"</thead><tbody>{numbers}</tbody></table></div></details></figure>"
    )


def _goal_class(goal: GoalRow) -> str:
    return f"sdg-{int(goal.number)}" if goal.framework == "sdg" else "goal-tile--mdg"


def _target_class(target: TargetRow) -> str:
    return f"sdg-{int(target.number)}" if target.framework == "sdg" else "goal-tile--mdg"
