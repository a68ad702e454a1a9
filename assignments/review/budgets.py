"""
The budget years, with the action that copies one to the next year.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.exceptions import ValidationError
from django.http import (
    HttpRequest,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from assignments.services.budgets import (
    COPY_PERMISSIONS,
    BudgetCopy,
    copy_budget_to_next_year,
    preview_budget_copy,
)
from goals.admin import BudgetAdmin as GoalsBudgetAdmin
from goals.models import Budget


@admin.register(Budget)
class BudgetAdmin(GoalsBudgetAdmin):
    actions = [*(GoalsBudgetAdmin.actions or ()), "copy_to_next_year"]  # type: ignore[misc]  # the stubs cannot mark actions a ClassVar
    copy_template = "admin/goals/budget/copy_to_next_year.html"

    def has_copy_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perms(COPY_PERMISSIONS)

    @admin.action(
        description=gettext_lazy("Copy assignments and responsibilities to the next year"),
        permissions=["copy"],
    )
    def copy_to_next_year(self, request: HttpRequest, queryset):
        budgets = list(queryset[:2])
        if len(budgets) != 1:
            self.message_user(
                request, _("Select exactly one budget year to copy."), messages.WARNING
            )
            return None
        source = budgets[0]
        try:
            if request.POST.get("confirm") != "yes":
                return self._confirm_copy(request, source, preview_budget_copy(source=source))
            copy = copy_budget_to_next_year(source=source)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return None
        self._log_copy(request, copy)
        if not copy.created_anything:
            self.message_user(
                request,
                _("Nothing to copy: %(year)s has everything of %(source)s already.")
                % {"year": copy.target.year, "source": source.year},
                messages.INFO,
            )
        else:
            self.message_user(request, copy.summary(), messages.SUCCESS)
        if copy.ended:
            self.message_user(request, self._ended_message(copy), messages.WARNING)
        return HttpResponseRedirect(reverse("admin:goals_budget_change", args=[copy.target.pk]))

    def _confirm_copy(self, request: HttpRequest, source: Budget, preview: BudgetCopy):
        context = {
            **self.admin_site.each_context(request),
            "title": _("Copy %(year)s to the next year") % {"year": source.year},
            "opts": self.opts,
            "source": source,
            "preview": preview,
            "ended_message": self._ended_message(preview) if preview.ended else "",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.copy_template, context)

    def _ended_message(self, copy: BudgetCopy) -> str:
        names = sorted({r.organisation.name for r in copy.ended})
        return ngettext(
            "%(count)d responsibility is not copied, as its organisation no longer exists "
            "in %(year)s: %(names)s.",
            "%(count)d responsibilities are not copied, as their organisations no longer "
            "exist in %(year)s: %(names)s.",
            len(copy.ended),
        ) % {"count": len(copy.ended), "year": copy.target.year, "names": ", ".join(names)}

    def _log_copy(self, request: HttpRequest, copy: BudgetCopy) -> None:
        if copy.budget_created:
            self.log_addition(request, copy.target, copy.summary())
        elif copy.created_anything:
            self.log_change(request, copy.target, copy.summary())
        message = _("Copied from the budget %(year)s.") % {"year": copy.source.year}
        for objects in (
            copy.goal_areas,
            copy.council_goals,
            copy.assignments,
            copy.responsibilities,
        ):
            if objects:
                user_id = request.user.pk
                assert user_id is not None  # only signed-in staff reach the admin
                LogEntry.objects.log_actions(user_id, objects, ADDITION, message)
