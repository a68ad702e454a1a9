"""
Admin for people, organisations, assignments, reporting periods and reports.

Reports, their versions, attachments and events are written by the reporters' pages and by
``assignments.services`` only: here they are read-only, so a reviewer never changes a
reporter's text and the log stays as it was written. The review actions (approve, send back,
publish) are to call the service functions, like the staff pages do.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import forms as auth_forms
from django.db.models import Count, F, Prefetch
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator, format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from goals.models import Budget

from .models import (
    Assignment,
    Attachment,
    DeadlineReminder,
    Membership,
    Organisation,
    Report,
    ReportEvent,
    ReportingPeriod,
    ReportVersion,
    Responsibility,
    ResponsibilityRole,
    User,
)

admin.site.site_header = format_lazy(
    "{organisation} \N{EN DASH} {portal}",
    organisation=settings.PORTAL_ORGANISATION_NAME,
    portal=_("sustainability portal"),
)
admin.site.site_title = admin.site.site_header
admin.site.index_title = _("Administration")

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


# People and organisations


class UserMembershipInline(admin.TabularInline):
    model = Membership
    fields = ["organisation", "role"]
    autocomplete_fields = ["organisation"]
    extra = 0


class UserCreationForm(auth_forms.AdminUserCreationForm):
    class Meta(auth_forms.AdminUserCreationForm.Meta):
        model = User


class UserChangeForm(auth_forms.UserChangeForm):
    class Meta(auth_forms.UserChangeForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(auth_admin.UserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = [
        "username",
        "first_name",
        "last_name",
        "email",
        "organisation_list",
        "is_staff",
        "is_active",
    ]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups", "memberships__role"]
    inlines = [UserMembershipInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("memberships", queryset=Membership.objects.select_related("organisation"))
            )
        )

    @admin.display(description=_("organisations"))
    def organisation_list(self, obj: User) -> str:
        return ", ".join(m.organisation.name for m in obj.memberships.all())


class ActiveFilter(admin.SimpleListFilter):
    """Organisations that exist today, or at some time of a budget year."""

    title = _("active")
    parameter_name = "active"

    def lookups(self, request, model_admin):
        years = Budget.objects.order_by("-year").values_list("year", flat=True)
        return [
            ("now", _("Today")),
            *((str(year), _("During %(year)s") % {"year": year}) for year in years),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "now":
            return queryset.active_on(timezone.localdate())
        if value and re.fullmatch(r"\d{4}", value):
            return queryset.active_during(int(value))
        return queryset


class OrganisationMembershipInline(admin.TabularInline):
    model = Membership
    fields = ["user", "role"]
    autocomplete_fields = ["user"]
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "valid_from", "valid_to", "is_active_today"]
    list_filter = ["kind", ActiveFilter, ("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["name", "slug", "email"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    fields = ["name", "slug", "kind", "parent", "email", "description", "valid_from", "valid_to"]
    inlines = [OrganisationMembershipInline]

    @admin.display(description=_("active today"), boolean=True)
    def is_active_today(self, obj: Organisation) -> bool:
        return obj.is_active_on(timezone.localdate())


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role", ("organisation", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "organisation"]
    search_fields = [
        "user__username",
        "user__first_name",
        "user__last_name",
        "user__email",
        "organisation__name",
    ]
    ordering = ["organisation__name", "user__username"]
    autocomplete_fields = ["user", "organisation"]


# Assignments and reporting periods


class ResponsibilityInline(admin.TabularInline):
    model = Responsibility
    fields = ["organisation", "role"]
    autocomplete_fields = ["organisation"]
    extra = 0


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["code", "short_title", "budget", "council_goal_code", "responsible"]
    list_display_links = ["code", "short_title"]
    list_filter = [
        "budget",
        ("organisations", admin.RelatedOnlyFieldListFilter),
        "global_goals",
    ]
    search_fields = ["code", "title", "text", "organisations__name"]
    ordering = ["-budget__year", "code"]
    autocomplete_fields = ["budget", "council_goal", "global_goals", "global_targets"]
    fields = ["budget", "code", "title", "text", "council_goal", "global_goals", "global_targets"]
    inlines = [ResponsibilityInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("budget", "council_goal__area")
            .prefetch_related(
                Prefetch(
                    "responsibilities",
                    queryset=Responsibility.objects.select_related("organisation"),
                )
            )
        )

    @admin.display(description=_("title"), ordering="title")
    def short_title(self, obj: Assignment) -> str:
        return Truncator(obj.title).chars(90)

    @admin.display(description=_("council goal"), ordering="council_goal")
    def council_goal_code(self, obj: Assignment) -> str | None:
        return obj.council_goal.code if obj.council_goal else None

    @admin.display(description=_("responsible organisations"))
    def responsible(self, obj: Assignment) -> str:
        # Leads first: the prefetch follows Responsibility's ordering by role.
        return ", ".join(
            gettext("%(organisation)s (lead)") % {"organisation": r.organisation.name}
            if r.role == ResponsibilityRole.LEAD
            else r.organisation.name
            for r in obj.responsibilities.all()
        )


@admin.register(Responsibility)
class ResponsibilityAdmin(admin.ModelAdmin):
    list_display = ["assignment", "organisation", "role"]
    list_filter = ["role", "assignment__budget"]
    list_select_related = ["assignment", "organisation"]
    search_fields = ["assignment__code", "assignment__title", "organisation__name"]
    ordering = ["-assignment__budget__year", "assignment__code", "role", "organisation__name"]
    autocomplete_fields = ["assignment", "organisation"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["name", "budget", "opens_on", "deadline", "closed", "report_count"]
    list_filter = ["budget", "closed"]
    search_fields = ["name", "budget__title", "budget__year__exact"]
    date_hierarchy = "deadline"
    ordering = ["-budget__year", "deadline"]
    autocomplete_fields = ["budget"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("budget")
            .annotate(report_count=Count("reports"))
        )

    @admin.display(description=_("reports"), ordering="report_count")
    def report_count(self, obj: ReportingPeriod) -> int:
        return obj.report_count


# Reports: read-only, written by the reporters' pages and assignments.services


class ReportVersionInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = ReportVersion
    fields = ["number", "created_at", "created_by", "progress", "percent_complete"]
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")


class AttachmentInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Attachment
    fields = ["download", "content_type", "file_size", "uploaded_at", "uploaded_by", "detached"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")

    @admin.display(description=_("file"))
    def download(self, obj: Attachment) -> str:
        return format_html('<a href="{}">{}</a>', obj.file.url, obj.original_name)

    @admin.display(description=_("size"))
    def file_size(self, obj: Attachment) -> str:
        return filesizeformat(obj.size)


class ReportEventInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = ReportEvent
    fields = ["at", "action", "from_status", "to_status", "actor", "version_number", "note"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "version")

    @admin.display(description=_("version"))
    def version_number(self, obj: ReportEvent) -> int | str:
        return obj.version.number if obj.version else self.get_empty_value_display()


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = [
        "assignment_label",
        "organisation",
        "period",
        "status",
        "progress",
        "percent_complete",
        "submitted_at",
        "updated_at",
    ]
    list_filter = [
        "status",
        "progress",
        ("period", PeriodListFilter),
        ("organisation", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = REPORT_RELATED
    search_fields = ["assignment__code", "assignment__title", "organisation__name", "summary"]
    date_hierarchy = "submitted_at"
    # The newest submissions first: that is the review queue.
    ordering = [F("submitted_at").desc(nulls_last=True), "-updated_at"]
    fieldsets = [
        (None, {"fields": ["assignment", "organisation", "period", "status"]}),
        (_("Progress"), {"fields": ["progress", "percent_complete", "contributed_targets"]}),
        (
            _("Text"),
            {
                "fields": [
                    "summary",
                    "narrative",
                    "global_goals_integration",
                    "next_steps",
                    "obstacles",
                ]
            },
        ),
        (
            _("Review"),
            {
                "fields": [
                    "review_note",
                    "current_version",
                    "published_version",
                    "submitted_at",
                    "submitted_by",
                ]
            },
        ),
        (
            _("History"),
            {"fields": ["created_at", "updated_at", "edit_version"], "classes": ["collapse"]},
        ),
    ]
    # Every field: a report's content and state change only through assignments.services.
    readonly_fields = [field for _title, options in fieldsets for field in options["fields"]]
    inlines = [ReportVersionInline, AttachmentInline, ReportEventInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # Its versions and log are kept for good; so is the report they belong to.
        return False

    def save_model(self, request, obj, form, change) -> None:
        # With every field read-only, saving would only write back what was read, possibly
        # over a reporter's save made in between.
        if form.changed_data:
            super().save_model(request, obj, form, change)

    @admin.display(description=_("assignment"), ordering="assignment__code")
    def assignment_label(self, obj: Report) -> str:
        return Truncator(str(obj.assignment)).chars(80)


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
    fields = [
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
    ]
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
    fields = [
        "report",
        "file",
        "original_name",
        "content_type",
        "size",
        "uploaded_at",
        "uploaded_by",
        "detached",
    ]
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
    fields = ["report", "action", "from_status", "to_status", "actor", "at", "version", "note"]
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
    fields = ["organisation", "period", "sent_on", "recipients"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # The record is what stops a second reminder the same day; the log stays as written.
        return False
