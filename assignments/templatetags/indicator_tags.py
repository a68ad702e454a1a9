"""
How the public pages show indicators' summaries (``selectors.indicators.Summary``): each
indicator's latest value, the last change and its progress, as rows of a facts list
(``dl.facts``).

- ``{% indicator_summaries summaries label %}``: the indicators as a list, each linked to its
  page with its facts (and, with ``show_targets=True``, the targets of a goal it follows up,
  as ``indicator.goal_targets``), for the goal, target, assignment and council goal pages;
- ``{% indicator_facts summary %}``: one indicator's facts, for its page and the list of
  indicators; ``{% indicator_level assessment %}``: its progress alone.

Written in Python rather than as templates included in one another: an indicator's facts
were four nested includes, about 0.2 ms an indicator, and a goal's page lists many. The words
are translated once for all the indicators of a list. Every text is escaped as a template
would escape it (``conditional_escape``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop

from assignments.indicators import Assessment
from assignments.models import ValueOrigin
from assignments.selectors.indicators import Summary
from goals.templatetags.goals_tags import lang_marked
from malmo_portal.templatetags.site_tags import path_function

register = template.Library()


class _Words(NamedTuple):
    """The words of the facts, in the active language."""

    latest: str
    change: str
    progress: str
    no_values: str
    kolada: str
    one_value: str
    overridden: str
    targets: str
    trends: dict[str, tuple[str, str, str]]


# The last change in words, with a mark that only repeats them (+ better, − worse,
# = unchanged, whichever way the value moved).
_TRENDS = {
    "better": ("+ ", gettext_noop("Better")),
    "worse": ("− ", gettext_noop("Worse")),
    "unchanged": ("= ", gettext_noop("Unchanged")),
}


def _words() -> _Words:
    def word(text: str) -> str:  # each text is marked for translation with gettext_noop
        return str(conditional_escape(gettext(text)))

    return _Words(
        latest=word(gettext_noop("Latest value")),
        change=word(gettext_noop("Last change")),
        progress=word(gettext_noop("Progress")),
        no_values=word(gettext_noop("No values yet")),
        kolada=word(gettext_noop("Source: Kolada")),
        one_value=word(gettext_noop("Not yet two values")),
        overridden=word(gettext_noop("set by the sustainability office")),
        targets=word(gettext_noop("Targets")),
        trends={key: (key, mark, word(text)) for key, (mark, text) in _TRENDS.items()},
    )


@register.simple_tag
def indicator_summaries(
    summaries: Iterable[Summary], label: str, show_targets: bool = False
) -> SafeString:
    """The indicators as a list named ``label`` for screen readers, each linked to its page
    with its facts and, with ``show_targets``, the targets of a goal it follows up."""
    words = _words()
    address = path_function("public:indicator_detail")
    items = []
    for summary in summaries:
        indicator = summary.indicator
        code = conditional_escape(indicator.code)
        targets = ""
        if show_targets:
            codes = ", ".join(
                f'<span class="code">{conditional_escape(target.code)}</span>'
                for target in indicator.goal_targets  # type: ignore[attr-defined]
            )
            targets = (
                f'\n<div class="facts__row">\n<dt>{words.targets}</dt>\n<dd>{codes}</dd>\n</div>'
            )
        href = conditional_escape(address(indicator.code))
        items.append(
            '<li class="indicator-summary">\n'
            f'<a class="indicator-summary__title" href="{href}">'
            f'<span class="code">{code}</span> {lang_marked(indicator.title)}</a>\n'
            f'<dl class="facts facts--compact">\n{_facts(summary, words)}{targets}\n</dl>\n'
            "</li>"
        )
    rows = "\n".join(items)
    return mark_safe(  # every text is escaped above
        f'<ul class="indicator-summaries" aria-label="{conditional_escape(label)}">\n{rows}\n</ul>'
    )


@register.simple_tag
def indicator_facts(summary: Summary) -> SafeString:
    """The facts every view of an indicator starts with: its latest value, the last change
    and its progress, each a row of a facts list."""
    return mark_safe(_facts(summary, _words()))  # every text is escaped in _facts


@register.simple_tag
def indicator_level(assessment: Assessment) -> SafeString:
    """The progress towards the target in words, with a mark in front; the colour and the
    mark only repeat what the words say."""
    return mark_safe(_level(assessment, _words()))  # every text is escaped in _level


def _facts(summary: Summary, words: _Words) -> str:
    return (
        f'<div class="facts__row">\n<dt>{words.latest}</dt>\n<dd>{_latest(summary, words)}</dd>\n'
        "</div>\n"
        f'<div class="facts__row">\n<dt>{words.change}</dt>\n'
        f"<dd>{_trend(summary.trend, words)}</dd>\n</div>\n"
        f'<div class="facts__row">\n<dt>{words.progress}</dt>\n'
        f"<dd>{_level(summary.assessment, words)}</dd>\n</div>"
    )


def _latest(summary: Summary, words: _Words) -> str:
    """The latest headline value with its unit and time, and its source where the terms of
    use ask for it (Kolada)."""
    latest = summary.latest
    if latest is None:
        return f'<span class="muted">{words.no_values}</span>'
    unit = summary.indicator.unit
    value = conditional_escape(
        f"{summary.latest_display} {unit}" if unit else summary.latest_display
    )
    period = latest.period
    time = (
        f'<span lang="sv">{conditional_escape(period.name)}</span> ' if period is not None else ""
    )
    source = (
        f' <span class="indicator-source">{words.kolada}</span>'
        if latest.origin == ValueOrigin.KOLADA
        else ""
    )
    return (
        f'<strong class="indicator-value">{value}</strong> '
        f'<span class="muted">({time}{int(latest.year)})</span>{source}'
    )


def _trend(trend: str, words: _Words) -> str:
    """The last change of the headline series in words, or that there are not two values."""
    if trend not in words.trends:
        return f'<span class="muted">{words.one_value}</span>'
    modifier, mark, text = words.trends[trend]
    return (
        f'<span class="indicator-trend indicator-trend--{modifier}">'
        f'<span aria-hidden="true">{mark}</span>{text}</span>'
    )


def _level(assessment: Assessment, words: _Words) -> str:
    overridden = ""
    if assessment.overridden:
        overridden = f' <span class="muted">({words.overridden})</span>'
    return (
        f'<span class="indicator-level indicator-level--{conditional_escape(assessment.level)}">'
        f"{conditional_escape(assessment.label)}</span>{overridden}"
    )
