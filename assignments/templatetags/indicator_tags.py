"""
How the public pages show an indicator's summary (``selectors.indicators.Summary``): its
latest value, the last change and its progress, as rows of a facts list (``dl.facts``).

``{% indicator_facts summary %}`` writes the three rows; ``{% indicator_level assessment %}``
the progress alone. Written in Python rather than as templates included in one another: an
indicator's facts were four nested includes, about 0.2 ms an indicator, and the goal, target,
assignment and council goal pages and the indicator list show many indicators.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, gettext_noop

from assignments.indicators import Assessment
from assignments.models import ValueOrigin
from assignments.selectors.indicators import Summary

register = template.Library()


@register.simple_tag
def indicator_facts(summary: Summary) -> SafeString:
    """The facts every view of an indicator starts with: its latest value, the last change
    and its progress, each a row of a facts list."""
    return format_html(
        '<div class="facts__row">\n<dt>{}</dt>\n<dd>{}</dd>\n</div>\n'
        '<div class="facts__row">\n<dt>{}</dt>\n<dd>{}</dd>\n</div>\n'
        '<div class="facts__row">\n<dt>{}</dt>\n<dd>{}</dd>\n</div>',
        gettext("Latest value"),
        _latest(summary),
        gettext("Last change"),
        _trend(summary.trend),
        gettext("Progress"),
        indicator_level(summary.assessment),
    )


def _latest(summary: Summary) -> SafeString:
    """The latest headline value with its unit and time, and its source where the terms of
    use ask for it (Kolada)."""
    latest = summary.latest
    if latest is None:
        return format_html('<span class="muted">{}</span>', gettext("No values yet"))
    unit = summary.indicator.unit
    value = f"{summary.latest_display} {unit}" if unit else summary.latest_display
    period = latest.period
    time = format_html('<span lang="sv">{}</span> ', period.name) if period is not None else ""
    source = (
        format_html(' <span class="indicator-source">{}</span>', gettext("Source: Kolada"))
        if latest.origin == ValueOrigin.KOLADA
        else ""
    )
    return format_html(
        '<strong class="indicator-value">{}</strong> <span class="muted">({}{})</span>{}',
        value,
        time,
        latest.year,
        source,
    )


# The last change in words, with a mark that only repeats them (+ better, − worse,
# = unchanged, whichever way the value moved).
_TRENDS = {
    "better": ("better", "+ ", gettext_noop("Better")),
    "worse": ("worse", "− ", gettext_noop("Worse")),
    "unchanged": ("unchanged", "= ", gettext_noop("Unchanged")),
}


def _trend(trend: str) -> SafeString:
    """The last change of the headline series in words, or that there are not two values."""
    if trend not in _TRENDS:
        return format_html('<span class="muted">{}</span>', gettext("Not yet two values"))
    modifier, mark, words = _TRENDS[trend]
    return format_html(
        '<span class="indicator-trend indicator-trend--{}"><span aria-hidden="true">{}</span>'
        "{}</span>",
        modifier,
        mark,
        gettext(words),
    )


@register.simple_tag
def indicator_level(assessment: Assessment) -> SafeString:
    """The progress towards the target in words, with a mark in front; the colour and the
    mark only repeat what the words say."""
    overridden = (
        format_html(' <span class="muted">({})</span>', gettext("set by the sustainability office"))
        if assessment.overridden
        else ""
    )
    return format_html(
        '<span class="indicator-level indicator-level--{}">{}</span>{}',
        assessment.level,
        assessment.label,
        overridden,
    )
