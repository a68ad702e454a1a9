"""
The links and progress marks the public pages repeat in their lists and tables, written in
Python: an include per link cost more than the markup it writes. Each gives the markup of
the include it stands in for, every value escaped, and tests hold them to it:
``public/_progress.html``, ``public/_progress_link.html``, ``public/_assignment_link.html``
and ``public/_report_link.html``.

The goal pages write their lists with ``assignment_link`` and ``report_link``; the
assignment and organisation pages write their rows with ``detail_rows.RowWriter``, which
writes each progress mark once per page with ``progress`` and ``progress_link``.
"""

from __future__ import annotations

import html

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from assignments.models import progress_label
from malmo_portal.templatetags.site_tags import path


def escape(value: object) -> str:
    """A value as text in HTML, as the templates escape it."""
    return html.escape(str(value))


def progress(value: str) -> str:
    """A progress value in words with its mark, as ``public/_progress.html``."""
    label = progress_label(value)
    return f'<span class="progress-status progress-status--{escape(value)}">{escape(label)}</span>'


def progress_link(address: str, mark: str, read_the_report: str) -> str:
    """A progress mark (``progress``) linked to its report's address, as
    ``public/_progress_link.html``; ``read_the_report`` is the translated and escaped words
    the link ends with for screen readers."""
    return (
        f'<a href="{address}">{mark}<span class="visually-hidden"> – {read_the_report}</span></a>'
    )


def assignment_link(pk: int, code: str, title: str, year: int) -> SafeString:
    """An assignment's code and title, linked to its public page, and its budget year, as
    ``public/_assignment_link.html`` writes an assignment."""
    return format_html(
        '<span class="code">{}</span>\n<a href="{}">{}</a>\n<span class="muted">({})</span>',
        code,
        path("public:assignment_detail", pk),
        title,
        gettext("budget %(year)s") % {"year": year},
    )


def report_link(
    pk: int, organisation: str, code: str, title: str, period: str, progress_value: str
) -> SafeString:
    """A published report's organisation, assignment (``code`` and ``title``) and period,
    linked to its public page, and the progress of its published version, as
    ``public/_report_link.html`` writes a report."""
    return format_html(
        '<a href="{}">{}: <span class="code">{}</span> {}, {}</a>\n'
        '<span class="muted">({}: {})</span>',
        path("public:report_detail", pk),
        organisation,
        code,
        title,
        period,
        gettext("Progress"),
        progress_label(progress_value).lower(),
    )
