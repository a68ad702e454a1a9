"""
Admin for the budget years with their goal areas and council goals, and for the global
frameworks. Reviewers keep the budget's goals up to date here and fill in the Swedish target
texts that are still missing.
"""

from __future__ import annotations

import re

from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .models import Budget, CouncilGoal, GlobalGoal, GlobalTarget, GoalArea

COLOUR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")


class GoalAreaInline(admin.TabularInline):
    model = GoalArea
    fields = ["number", "name", "direction"]
    extra = 0
    show_change_link = True


# Registered by ``assignments.review.budgets``, which adds copying a budget to the next year
# (``goals`` never imports ``assignments``).
class BudgetAdmin(admin.ModelAdmin):
    list_display = ["year", "title", "adopted_on", "decision_reference", "goal_area_count"]
    search_fields = ["year__exact", "title", "decision_reference"]
    ordering = ["-year"]
    fields = ["year", "title", "adopted_on", "decision_reference", "direction"]
    inlines = [GoalAreaInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(goal_area_count=Count("goal_areas"))

    @admin.display(description=_("goal areas"), ordering="goal_area_count")
    def goal_area_count(self, obj: Budget) -> int:
        return obj.goal_area_count  # type: ignore[attr-defined]  # annotated by get_queryset


class CouncilGoalInline(admin.StackedInline):
    model = CouncilGoal
    fields = ["number", "text", "global_goals"]
    autocomplete_fields = ["global_goals"]
    extra = 0
    show_change_link = True


@admin.register(GoalArea)
class GoalAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "number", "budget", "council_goal_count"]
    list_display_links = ["name"]
    list_filter = ["budget"]
    search_fields = ["name", "direction", "budget__title", "budget__year__exact"]
    ordering = ["-budget__year", "number"]
    autocomplete_fields = ["budget"]
    inlines = [CouncilGoalInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("budget")
            .annotate(council_goal_count=Count("council_goals"))
        )

    @admin.display(description=_("council goals"), ordering="council_goal_count")
    def council_goal_count(self, obj: GoalArea) -> int:
        return obj.council_goal_count  # type: ignore[attr-defined]  # annotated by get_queryset


@admin.register(CouncilGoal)
class CouncilGoalAdmin(admin.ModelAdmin):
    list_display = ["code", "short_text", "area", "budget_year"]
    list_filter = ["area__budget", "global_goals__framework"]
    search_fields = ["text", "area__name", "area__budget__year__exact"]
    ordering = ["-area__budget__year", "area__number", "number"]
    autocomplete_fields = ["area", "global_goals"]

    def get_queryset(self, request):
        # Also used by the autocomplete, whose labels (__str__) read the goal area.
        return super().get_queryset(request).select_related("area__budget")

    @admin.display(description=_("code"), ordering="number")
    def code(self, obj: CouncilGoal) -> str:
        return obj.code

    @admin.display(description=_("text"))
    def short_text(self, obj: CouncilGoal) -> str:
        return Truncator(obj.text).chars(120)

    @admin.display(description=_("year"), ordering="area__budget__year")
    def budget_year(self, obj: CouncilGoal) -> int:
        return obj.area.budget.year


@admin.register(GlobalGoal)
class GlobalGoalAdmin(admin.ModelAdmin):
    list_display = ["colour_swatch", "framework", "number", "title_sv", "title_en", "target_count"]
    list_display_links = ["title_sv", "title_en"]
    list_filter = ["framework"]
    search_fields = ["number__exact", "title_sv", "title_en", "text_sv", "text_en"]
    ordering = ["framework", "number"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(target_count=Count("targets"))

    @admin.display(description=_("colour"))
    def colour_swatch(self, obj: GlobalGoal) -> str:
        if not COLOUR_RE.match(obj.colour):
            return self.get_empty_value_display()
        # An SVG's fill attribute, not a style attribute: the Content-Security-Policy
        # allows no inline styles.
        return format_html(
            '<svg width="24" height="24" viewBox="0 0 24 24" aria-hidden="true" focusable="false">'
            '<rect x="0.5" y="0.5" width="23" height="23" fill="{}" stroke="#767676"/></svg> '
            "<code>{}</code>",
            obj.colour,
            obj.colour,
        )

    @admin.display(description=_("targets"), ordering="target_count")
    def target_count(self, obj: GlobalGoal) -> int:
        return obj.target_count  # type: ignore[attr-defined]  # annotated by get_queryset


class SwedishTextMissingFilter(admin.SimpleListFilter):
    """Lets staff find the targets whose Swedish text still has to be written."""

    title = _("Swedish text missing")
    parameter_name = "swedish_missing"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(text_sv="")
        if self.value() == "no":
            return queryset.exclude(text_sv="")
        return queryset


@admin.register(GlobalTarget)
class GlobalTargetAdmin(admin.ModelAdmin):
    list_display = ["code", "goal", "short_text_en", "has_swedish_text"]
    list_filter = ["goal__framework", "goal", SwedishTextMissingFilter]
    list_select_related = ["goal"]
    search_fields = ["code", "text_sv", "text_en"]
    ordering = ["goal__framework", "goal__number", "position"]
    autocomplete_fields = ["goal"]
    fields = ["goal", "code", "position", "text_en", "text_sv", "short_title_sv", "note_en"]
    list_per_page = 50

    @admin.display(description=_("text (English)"))
    def short_text_en(self, obj: GlobalTarget) -> str:
        return Truncator(obj.text_en).chars(120)

    @admin.display(description=_("Swedish text"), boolean=True)
    def has_swedish_text(self, obj: GlobalTarget) -> bool:
        return bool(obj.text_sv)
