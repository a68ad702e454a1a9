"""
What the services wrote: report versions, attachments, the report events and the deadline
reminders' log, read-only.
"""

from __future__ import annotations

from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from assignments.models import (
    Attachment,
    DeadlineReminder,
    ReportEvent,
    ReportVersion,
)

from .base import REPORT_RELATED, PeriodListFilter


@admin.register(ReportVersion)
class ReportVersionAdmin(admin.ModelAdmin):
    list_display = ["report", "number", "progress", "percent_complete", "created_at", "created_by"]
    list_filter = ["progress", ("report__period", PeriodListFilter)]
    list_select_related = [f"report__{name}" for name in REPORT_RELATED] + ["created_by"]
    search_fields = [
        "report__assignment__code",
        "report__assignment__title",
        "report__organisation__name",
        "summary",
    ]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    fields = (
        "report",
        "number",
        "created_at",
        "created_by",
        "progress",
        "percent_complete",
        "contributed_targets",
        "summary",
        "narrative",
        "global_goals_integration",
        "next_steps",
        "obstacles",
        "attachments",
    )
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = [
        "original_name",
        "report",
        "content_type",
        "file_size",
        "uploaded_at",
        "uploaded_by",
        "detached",
    ]
    list_filter = ["detached", "content_type"]
    list_select_related = [f"report__{name}" for name in REPORT_RELATED] + ["uploaded_by"]
    search_fields = [
        "original_name",
        "report__assignment__code",
        "report__assignment__title",
        "report__organisation__name",
    ]
    date_hierarchy = "uploaded_at"
    ordering = ["-uploaded_at"]
    fields = (
        "report",
        "file",
        "original_name",
        "content_type",
        "size",
        "uploaded_at",
        "uploaded_by",
        "detached",
    )
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # A document that a submitted version includes is part of that immutable version.
        if obj is not None and obj.versions.exists():
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("size"), ordering="size")
    def file_size(self, obj: Attachment) -> str:
        return filesizeformat(obj.size)


@admin.register(ReportEvent)
class ReportEventAdmin(admin.ModelAdmin):
    list_display = ["at", "report", "action", "from_status", "to_status", "actor"]
    list_filter = ["action", "to_status"]
    list_select_related = [f"report__{name}" for name in REPORT_RELATED] + ["actor"]
    search_fields = [
        "note",
        "report__assignment__code",
        "report__organisation__name",
        "actor__username",
    ]
    date_hierarchy = "at"
    ordering = ["-at", "-pk"]
    fields = ("report", "action", "from_status", "to_status", "actor", "at", "version", "note")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# Deadline reminders: a log written by `manage.py send_deadline_reminders`


@admin.register(DeadlineReminder)
class DeadlineReminderAdmin(admin.ModelAdmin):
    list_display = ["organisation", "period", "sent_on", "recipients"]
    list_filter = [("period", PeriodListFilter), ("organisation", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["organisation", "period__budget"]
    search_fields = ["organisation__name"]
    date_hierarchy = "sent_on"
    ordering = ["-sent_on", "organisation__name"]
    fields = ("organisation", "period", "sent_on", "recipients")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # The record is what stops a second reminder the same day; the log stays as written.
        return False
