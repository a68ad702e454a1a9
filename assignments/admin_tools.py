"""
The reviewers' tools in the admin, beside the plain model pages:

- "Who has reported": for a reporting period, the state of every organisation's report on
  every assignment it answers for, with counts and a CSV export;
- closing and reopening reporting periods;
- import and export of organisations, assignments and responsibilities (CSV and XLSX,
  ``assignments.resources``), previewed and all-or-nothing;
- copying a budget year's goals, assignments and responsibilities to the next year.

The tools are added by subclassing the admin classes of ``assignments.admin`` and
``goals.admin`` and registering the subclasses in their place, so those modules stay as they
are; ``assignments.admin`` imports this module last. (``goals`` never imports ``assignments``,
so the budget's copy action lives here too.) Every change is written to the admin's log.
"""

from __future__ import annotations

import csv
import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import get_text_list, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from import_export.admin import ImportExportMixin
from import_export.results import RowResult

from goals import admin as goals_admin
from goals.models import Budget, CouncilGoal, GoalArea

from . import admin as assignments_admin
from .models import (
    Assignment,
    Organisation,
    Report,
    ReportingPeriod,
    ReportStatus,
    Responsibility,
    ResponsibilityRole,
)
from .resources import (
    FORMATS,
    AssignmentResource,
    OrganisationResource,
    ResponsibilityResource,
)
from .selectors import current_period
from .spreadsheets import formula_safe

# Import and export


class CityDataImportExportMixin(ImportExportMixin):
    """
    Import and export in CSV and XLSX. Whoever may add and change the model's rows may
    import them; whoever may see them may export them. A file is imported whole or not at
    all: the preview offers no confirmation while a row has an error, and the confirmed
    import is rolled back if a row fails then.
    """

    import_formats = FORMATS
    export_formats = FORMATS
    import_template_name = "admin/city_data_import.html"
    # A byte order mark tells Excel the CSV is UTF-8, so å, ä and ö come out right.
    to_encoding = "utf-8-sig"

    def has_import_permission(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def process_result(self, result, request: HttpRequest):
        if result.has_errors() or result.has_validation_errors():
            # The database changed between the preview and the confirmation (a budget was
            # removed, say), and the import was rolled back.
            messages.error(
                request,
                _(
                    "Nothing was imported: some rows are no longer valid. Upload the file "
                    "again to see which."
                ),
            )
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))
        return super().process_result(result, request)

    def generate_log_entries(self, result, request: HttpRequest) -> None:
        if self.get_skip_admin_log():
            return
        for import_type, flag, message in [
            (RowResult.IMPORT_TYPE_NEW, ADDITION, _("Added by import from a file.")),
            (RowResult.IMPORT_TYPE_UPDATE, CHANGE, _("Changed by import from a file.")),
        ]:
            objects = [
                row.instance
                for row in result.rows
                if row.import_type == import_type and row.instance is not None
            ]
            if objects:
                LogEntry.objects.log_actions(
                    request.user.pk, objects, flag, message, single_object=len(objects) == 1
                )


admin.site.unregister(Organisation)


@admin.register(Organisation)
class OrganisationAdmin(CityDataImportExportMixin, assignments_admin.OrganisationAdmin):
    resource_classes = [OrganisationResource]


admin.site.unregister(Assignment)


@admin.register(Assignment)
class AssignmentAdmin(CityDataImportExportMixin, assignments_admin.AssignmentAdmin):
    resource_classes = [AssignmentResource]


admin.site.unregister(Responsibility)


@admin.register(Responsibility)
class ResponsibilityAdmin(CityDataImportExportMixin, assignments_admin.ResponsibilityAdmin):
    resource_classes = [ResponsibilityResource]


# Who has reported

NOT_STARTED = "not_started"
# Reports that still have to be submitted: past the deadline, they are late.
OUTSTANDING = {NOT_STARTED, ReportStatus.DRAFT, ReportStatus.RETURNED}


def status_choices() -> list[tuple[str, str]]:
    """The states a responsibility's report can be in, in workflow order."""
    return [(NOT_STARTED, _("Not started")), *ReportStatus.choices]


@dataclass(frozen=True)
class StatusLine:
    """One organisation's part in one assignment, and how far its report has come."""

    responsibility: Responsibility
    status: str
    status_label: str
    submitted_at: datetime.datetime | None
    past_deadline: bool
    report_id: int | None

    @property
    def organisation(self) -> Organisation:
        return self.responsibility.organisation

    @property
    def assignment(self) -> Assignment:
        return self.responsibility.assignment

    @property
    def is_lead(self) -> bool:
        return self.responsibility.role == ResponsibilityRole.LEAD

    @property
    def role_label(self) -> str:
        return self.responsibility.get_role_display()


@dataclass
class ReportingStatus:
    period: ReportingPeriod
    deadline_passed: bool
    lines: list[StatusLine]
    assignments: list[Assignment] = field(default_factory=list)
    # One row per organisation: the organisation, then its line for each assignment or None.
    rows: list[tuple[Organisation, list[StatusLine | None]]] = field(default_factory=list)
    counts: list[tuple[str, str, int]] = field(default_factory=list)
    past_deadline: int = 0


def reporting_status(period: ReportingPeriod, *, today: datetime.date) -> ReportingStatus:
    """Where every report of ``period`` stands; two queries, whatever the number of rows."""
    responsibilities = (
        Responsibility.objects.filter(assignment__budget_id=period.budget_id)
        .select_related("assignment", "organisation")
        .order_by("organisation__name", "assignment__code")
    )
    reports = {
        (report.assignment_id, report.organisation_id): report
        for report in Report.objects.filter(period=period).only(
            "pk", "assignment_id", "organisation_id", "status", "submitted_at"
        )
    }
    labels = dict(status_choices())
    deadline_passed = today > period.deadline
    lines = []
    for responsibility in responsibilities:
        report = reports.get((responsibility.assignment_id, responsibility.organisation_id))
        status = report.status if report else NOT_STARTED
        lines.append(
            StatusLine(
                responsibility=responsibility,
                status=status,
                status_label=labels[status],
                submitted_at=report.submitted_at if report else None,
                past_deadline=deadline_passed and status in OUTSTANDING,
                report_id=report.pk if report else None,
            )
        )

    result = ReportingStatus(period=period, deadline_passed=deadline_passed, lines=lines)
    assignments = {line.assignment.pk: line.assignment for line in lines}
    result.assignments = sorted(assignments.values(), key=lambda a: a.code)
    columns = {assignment.pk: i for i, assignment in enumerate(result.assignments)}
    by_organisation: dict[int, tuple[Organisation, list[StatusLine | None]]] = {}
    for line in lines:
        _organisation, cells = by_organisation.setdefault(
            line.organisation.pk, (line.organisation, [None] * len(columns))
        )
        cells[columns[line.assignment.pk]] = line
    result.rows = list(by_organisation.values())
    counted = Counter(line.status for line in lines)
    result.counts = [(value, label, counted[value]) for value, label in status_choices()]
    result.past_deadline = sum(line.past_deadline for line in lines)
    return result


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


admin.site.unregister(ReportingPeriod)


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(assignments_admin.ReportingPeriodAdmin):
    actions = [*(assignments_admin.ReportingPeriodAdmin.actions or ()), "close", "reopen"]
    change_list_template = "admin/assignments/reportingperiod_change_list_with_tools.html"
    status_template = "admin/assignments/reporting_status.html"

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
# data in the budget's language, Swedish, not a text of the interface.
COPY_SUFFIX = " (kopia)"
COPY_PERMISSIONS = [
    "goals.add_budget",
    "goals.add_goalarea",
    "goals.add_councilgoal",
    "assignments.add_assignment",
    "assignments.add_responsibility",
]


@dataclass
class BudgetCopy:
    """What copying a budget to the next year made, and what it left out."""

    source: Budget
    target: Budget
    budget_created: bool = False
    goal_areas: list[GoalArea] = field(default_factory=list)
    council_goals: list[CouncilGoal] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    responsibilities: list[Responsibility] = field(default_factory=list)
    # Responsibilities of organisations that no longer exist in the new year.
    ended: list[Responsibility] = field(default_factory=list)

    @property
    def created_anything(self) -> bool:
        return bool(
            self.budget_created
            or self.goal_areas
            or self.council_goals
            or self.assignments
            or self.responsibilities
        )

    def summary(self) -> str:
        counts = [
            ngettext("%(count)d goal area", "%(count)d goal areas", len(self.goal_areas)),
            ngettext("%(count)d council goal", "%(count)d council goals", len(self.council_goals)),
            ngettext("%(count)d assignment", "%(count)d assignments", len(self.assignments)),
            ngettext(
                "%(count)d responsibility",
                "%(count)d responsibilities",
                len(self.responsibilities),
            ),
        ]
        sizes = [self.goal_areas, self.council_goals, self.assignments, self.responsibilities]
        return _("%(counts)s copied from %(source)s to %(target)s.") % {
            "counts": get_text_list(
                [
                    text % {"count": len(objects)}
                    for text, objects in zip(counts, sizes, strict=True)
                ],
                _("and"),
            ),
            "source": self.source.year,
            "target": self.target.year,
        }


def next_year_title(source: Budget) -> str:
    """ "Malmö stads budget 2018" becomes "Malmö stads budget 2019 (kopia)"."""
    title = source.title.removesuffix(COPY_SUFFIX)
    year, next_year = str(source.year), str(source.year + 1)
    title = title.replace(year, next_year) if year in title else f"{title} {next_year}"
    return f"{title[: 200 - len(COPY_SUFFIX)]}{COPY_SUFFIX}"


@transaction.atomic
def copy_budget_to_next_year(*, source: Budget) -> BudgetCopy:
    """
    Copy a budget's goal areas, council goals (with their global goals), assignments (same
    codes and texts, with their council goal and global goals and targets) and
    responsibilities to the next year, creating that year's budget if it is missing.

    What the next year has already (by area number, goal code, assignment code, and
    assignment and organisation) is left as it is, so a second run copies nothing.
    Organisations that have ceased to exist by then get no responsibility.
    """
    year = source.year + 1
    target = Budget.objects.filter(year=year).first()
    copy = BudgetCopy(source=source, target=target)
    if target is None:
        target = Budget(year=year, title=next_year_title(source), direction=source.direction)
        target.full_clean()
        target.save()
        copy.target, copy.budget_created = target, True

    areas = {area.number: area for area in target.goal_areas.all()}
    for area in source.goal_areas.all():
        if area.number not in areas:
            areas[area.number] = GoalArea.objects.create(
                budget=target, number=area.number, name=area.name, direction=area.direction
            )
            copy.goal_areas.append(areas[area.number])

    goals = {
        goal.code: goal
        for goal in CouncilGoal.objects.filter(area__budget=target).select_related("area")
    }
    for goal in (
        CouncilGoal.objects.filter(area__budget=source)
        .select_related("area")
        .prefetch_related("global_goals")
    ):
        if goal.code not in goals:
            new = CouncilGoal.objects.create(
                area=areas[goal.area.number], number=goal.number, text=goal.text
            )
            new.global_goals.set(goal.global_goals.all())
            goals[goal.code] = new
            copy.council_goals.append(new)

    assignments = {assignment.code: assignment for assignment in target.assignments.all()}
    for assignment in source.assignments.select_related("council_goal__area").prefetch_related(
        "global_goals", "global_targets"
    ):
        if assignment.code not in assignments:
            new = Assignment.objects.create(
                budget=target,
                code=assignment.code,
                title=assignment.title,
                text=assignment.text,
                council_goal=goals[assignment.council_goal.code]
                if assignment.council_goal
                else None,
            )
            new.global_goals.set(assignment.global_goals.all())
            new.global_targets.set(assignment.global_targets.all())
            assignments[assignment.code] = new
            copy.assignments.append(new)

    existing = set(
        Responsibility.objects.filter(assignment__budget=target).values_list(
            "assignment__code", "organisation_id"
        )
    )
    active = set(Organisation.objects.active_during(year).values_list("pk", flat=True))
    for responsibility in Responsibility.objects.filter(assignment__budget=source).select_related(
        "assignment", "organisation"
    ):
        if (responsibility.assignment.code, responsibility.organisation_id) in existing:
            continue
        if responsibility.organisation_id not in active:
            copy.ended.append(responsibility)
            continue
        copy.responsibilities.append(
            Responsibility.objects.create(
                assignment=assignments[responsibility.assignment.code],
                organisation=responsibility.organisation,
                role=responsibility.role,
            )
        )
    return copy


class _Rollback(Exception):
    def __init__(self, copy: BudgetCopy) -> None:
        self.copy = copy


def preview_budget_copy(*, source: Budget) -> BudgetCopy:
    """What ``copy_budget_to_next_year`` would make, made and rolled back."""
    try:
        with transaction.atomic():
            raise _Rollback(copy_budget_to_next_year(source=source))
    except _Rollback as rollback:
        return rollback.copy


admin.site.unregister(Budget)


@admin.register(Budget)
class BudgetAdmin(goals_admin.BudgetAdmin):
    actions = [*(goals_admin.BudgetAdmin.actions or ()), "copy_to_next_year"]
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
                LogEntry.objects.log_actions(request.user.pk, objects, ADDITION, message)
