"""
Assignments and the organisations' responsibilities for them, with import and export.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Prefetch
from django.utils.text import (
    Truncator,
)
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assignments.models import (
    Assignment,
    Responsibility,
    ResponsibilityRole,
)

from .imports import CityDataImportExportMixin
from .resources import (
    AssignmentResource,
    ResponsibilityResource,
)

# Assignments and reporting periods


class ResponsibilityInline(admin.TabularInline):
    model = Responsibility
    fields = ["organisation", "role"]
    autocomplete_fields = ["organisation"]
    extra = 0


@admin.register(Assignment)
class AssignmentAdmin(CityDataImportExportMixin, admin.ModelAdmin):
    resource_classes = [AssignmentResource]
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
class ResponsibilityAdmin(CityDataImportExportMixin, admin.ModelAdmin):
    resource_classes = [ResponsibilityResource]
    list_display = ["assignment", "organisation", "role"]
    list_filter = ["role", "assignment__budget"]
    list_select_related = ["assignment", "organisation"]
    search_fields = ["assignment__code", "assignment__title", "organisation__name"]
    ordering = ["-assignment__budget__year", "assignment__code", "role", "organisation__name"]
    autocomplete_fields = ["assignment", "organisation"]
