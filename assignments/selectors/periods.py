"""
Reads that more than one place needs, each written once.

``current_period`` is the one rule for "the period we are working on now" (the admin's
"Who has reported" opens on it); ``open_periods`` are the periods the review queue shows.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone

from assignments.models import ReportingPeriod


def current_period(
    periods: Iterable[ReportingPeriod] | None = None, *, today: datetime.date | None = None
) -> ReportingPeriod | None:
    """
    Of the open periods, the one whose deadline comes next; else the open one whose deadline
    passed last; else, with no open period, the one whose deadline is nearest to today.
    """
    today = today or timezone.localdate()
    periods = list(ReportingPeriod.objects.select_related("budget") if periods is None else periods)
    open_periods = [period for period in periods if period.is_open(today)]
    upcoming = [period for period in open_periods if period.deadline >= today]
    if upcoming:
        return min(upcoming, key=lambda period: (period.deadline, period.pk))
    if open_periods:
        return max(open_periods, key=lambda period: (period.deadline, period.pk))
    return min(periods, key=lambda period: abs(period.deadline - today), default=None)


def open_periods(today: datetime.date | None = None) -> list[ReportingPeriod]:
    """The periods reports can be written and submitted in, the nearest deadline first."""
    return list(
        ReportingPeriod.objects.open(today).select_related("budget").order_by("deadline", "pk")
    )
