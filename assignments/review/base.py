"""
What the review room's admin pages share: the report columns every list reads in one query, the
period filter and read-only inlines.
"""

from __future__ import annotations

from django.contrib import admin

from assignments.models import (
    ReportingPeriod,
)

# What the changelists of reports and their parts show of a report without a query per row.
REPORT_RELATED = ["assignment", "organisation", "period__budget"]


class PeriodListFilter(admin.RelatedFieldListFilter):
    """Filter by reporting period; the periods' labels read their budget in the same query."""

    def field_choices(self, field, request, model_admin):
        periods = ReportingPeriod.objects.select_related("budget").order_by(
            "-budget__year", "deadline"
        )
        return [(period.pk, str(period)) for period in periods]


class ReadOnlyInlineMixin:
    """An inline that shows what the services wrote and offers no way to change it."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
