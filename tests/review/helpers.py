"""Helpers of the review's tests: the English admin's addresses, and reports to review."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import translation

from assignments.models import Report, ReportStatus
from tests import factories


def url(name: str, *args, **query) -> str:
    """An address of the English admin (and portal), so that tests read English wording."""
    with translation.override("en"):
        address = reverse(name, args=args)
    return f"{address}?{urlencode(query)}" if query else address


def changelist(**query) -> str:
    return url("admin:assignments_report_changelist", **query)


def review_page(report: Report) -> str:
    return url("admin:assignments_report_change", report.pk)


def write(
    *,
    assignment,
    organisation,
    period,
    by,
    summary="Arbetet går enligt plan.",
    status=ReportStatus.DRAFT,
    **content,
) -> Report:
    """A saved draft (or, with ``status``, further), written by ``by`` as the pages do."""
    return factories.make_report(
        status=status,
        assignment=assignment,
        organisation=organisation,
        period=period,
        reporter=by,
        content={"summary": summary, "progress": "on_track", **content},
    )


def submit(**kwargs) -> Report:
    """A submitted report: written, saved and submitted through the services."""
    return write(status=ReportStatus.SUBMITTED, **kwargs)
