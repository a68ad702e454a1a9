"""
Reporting periods: closing and reopening them, and "Who has reported" with its CSV export.
"""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
)
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.text import (
    slugify,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from assignments.models import (
    ReportingPeriod,
)
from assignments.selectors import current_period
from assignments.selectors.status import ReportingStatus, StatusLine, reporting_status
from assignments.spreadsheets import formula_safe

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    class _ReportCount(TypedDict):
        report_count: int


def csv_header() -> list[str]:
    return [
        _("organisation"),
        _("organisation kind"),
        _("assignment code"),
        _("assignment title"),
        _("role"),
        _("status"),
        _("submitted at"),
        _("past deadline"),
    ]


def csv_row(line: StatusLine) -> list[str]:
    submitted_at = (
        timezone.localtime(line.submitted_at).strftime("%Y-%m-%d %H:%M")
        if line.submitted_at
        else ""
    )
    return [
        line.organisation.name,
        line.organisation.get_kind_display(),
        line.assignment.code,
        line.assignment.title,
        line.responsibility.get_role_display(),
        line.status_label,
        submitted_at,
        _("yes") if line.past_deadline else _("no"),
    ]


# Reporting periods: closing, reopening and who has reported


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["name", "budget", "opens_on", "deadline", "closed", "report_count"]
    list_filter = ["budget", "closed"]
    search_fields = ["name", "budget__title", "budget__year__exact"]
    date_hierarchy = "deadline"
    ordering = ["-budget__year", "deadline"]
    autocomplete_fields = ["budget"]
    actions = ["close", "reopen"]
    change_list_template = "admin/assignments/reportingperiod_change_list_with_tools.html"
    status_template = "admin/assignments/reporting_status.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("budget")
            .annotate(report_count=Count("reports"))
        )

    @admin.display(description=gettext_lazy("reports"), ordering="report_count")
    def report_count(self, obj: WithAnnotations[ReportingPeriod, _ReportCount]) -> int:
        return obj.report_count

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "status/",
                view(self.reporting_status_view),
                name="assignments_reportingperiod_status",
            ),
            path(
                "status/csv/",
                view(self.reporting_status_csv_view),
                name="assignments_reportingperiod_status_csv",
            ),
            *super().get_urls(),
        ]

    # Closing and reopening

    @admin.action(description=gettext_lazy("Close the selected periods"), permissions=["change"])
    def close(self, request: HttpRequest, queryset) -> None:
        self._set_closed(request, queryset, closed=True)

    @admin.action(description=gettext_lazy("Reopen the selected periods"), permissions=["change"])
    def reopen(self, request: HttpRequest, queryset) -> None:
        self._set_closed(request, queryset, closed=False)

    def _set_closed(self, request: HttpRequest, queryset, *, closed: bool) -> None:
        selected = list(queryset.values_list("pk", flat=True))
        with transaction.atomic():
            periods = list(
                ReportingPeriod.objects.select_for_update(of=("self",))
                .select_related("budget")
                .filter(pk__in=selected, closed=not closed)
            )
            for period in periods:
                period.closed = closed
                period.save(update_fields=["closed"])
                self.log_change(
                    request,
                    period,
                    _("Closed the period: it accepts no new submissions.")
                    if closed
                    else _("Reopened the period: reports can be submitted again."),
                )
        changed, unchanged = len(periods), len(selected) - len(periods)
        if closed:
            done = ngettext(
                "%(count)d period closed: it accepts no new submissions.",
                "%(count)d periods closed: they accept no new submissions.",
                changed,
            )
            already = ngettext(
                "%(count)d period was closed already.",
                "%(count)d periods were closed already.",
                unchanged,
            )
        else:
            done = ngettext("%(count)d period reopened.", "%(count)d periods reopened.", changed)
            already = ngettext(
                "%(count)d period was open already.",
                "%(count)d periods were open already.",
                unchanged,
            )
        if changed:
            self.message_user(request, done % {"count": changed}, messages.SUCCESS)
        if unchanged:
            self.message_user(request, already % {"count": unchanged}, messages.INFO)

    # Who has reported

    def _status_for_request(self, request: HttpRequest) -> tuple[list, ReportingStatus | None]:
        if not request.user.has_perm("assignments.view_report"):
            raise PermissionDenied
        periods = list(
            ReportingPeriod.objects.select_related("budget").order_by("-budget__year", "deadline")
        )
        today = timezone.localdate()
        chosen = request.GET.get("period")
        if chosen:
            period = next((p for p in periods if str(p.pk) == chosen), None)
            if period is None:
                raise Http404(_("There is no such reporting period."))
        else:
            period = current_period(periods, today=today)
        status = reporting_status(period, today=today) if period else None
        return periods, status

    def reporting_status_view(self, request: HttpRequest) -> TemplateResponse:
        periods, status = self._status_for_request(request)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Who has reported"),
            "subtitle": str(status.period) if status else None,
            "opts": self.opts,
            "periods": periods,
            "status": status,
            "today": timezone.localdate(),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.status_template, context)

    def reporting_status_csv_view(self, request: HttpRequest) -> HttpResponse:
        _periods, status = self._status_for_request(request)
        if status is None:
            raise Http404(_("There is no such reporting period."))
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"reporting-status-{slugify(str(status.period))}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.write("\ufeff")  # so that Excel reads the file as UTF-8
        writer = csv.writer(response)
        writer.writerow(csv_header())
        writer.writerows([formula_safe(cell) for cell in csv_row(line)] for line in status.lines)
        return response


# Copying a budget year to the next

# The copy's title says it is a draft until the council adopts the new budget; the title is
