"""
The reporters' pages: their organisations' assignments for the open periods, and writing,
submitting and following a report.

Access is checked inside every query: a report of another organisation is a 404, never a
403 that would confirm it exists. Reviewers and readers may read; only the organisation's
reporters change. Every write is a POST that ends with a message and a redirect.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assignments import services, uploads
from assignments.http import AuthenticatedHttpRequest
from assignments.models import (
    Assignment,
    Attachment,
    Indicator,
    Membership,
    Organisation,
    Report,
    ReportAction,
    ReportContent,
    ReportEvent,
    ReportingPeriod,
    ReportVersion,
)
from assignments.selectors import open_periods
from assignments.selectors.reported_values import IndicatorValues, value_groups
from assignments.selectors.status import StatusLine, status_lines

from .forms import ReportForm, StartReportForm, SubmitForm, as_typed


def _readable_reports(request: HttpRequest):
    return Report.objects.for_user(request.user).select_related(
        "assignment__council_goal__area",
        "assignment__budget",
        "organisation",
        "period__budget",
        "current_version",
        "published_version",
    )


def _get_report(request: HttpRequest, pk: int) -> Report:
    return get_object_or_404(_readable_reports(request), pk=pk)


def _can_edit(request: AuthenticatedHttpRequest, report: Report) -> bool:
    return report.is_editable and services.is_reporter(request.user, report.organisation)


def _working_values(report: Report) -> list[IndicatorValues]:
    """The working report's indicator values, and the indicators it asks for without one."""
    return value_groups(
        report.reported_values.select_related("indicator"),
        asked=Indicator.objects.reported_by(report.organisation, report.assignment),
    )


# "Mina uppdrag"


@dataclass
class PeriodGroup:
    period: ReportingPeriod
    days_left: int
    rows: list[StatusLine] = field(default_factory=list)

    @property
    def days_overdue(self) -> int:
        return -self.days_left


@dataclass
class OrganisationGroup:
    organisation: Organisation
    can_report: bool
    periods: list[PeriodGroup] = field(default_factory=list)


@login_required
def my_assignments(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every assignment the user's organisations answer for in each open reporting period."""
    today = timezone.localdate()
    memberships = list(
        Membership.objects.filter(user=request.user)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    periods = open_periods(today)
    lines = status_lines(periods, today=today, organisations=[m.organisation for m in memberships])
    lines_by_organisation = defaultdict(list)
    for line in lines:
        lines_by_organisation[line.organisation.pk].append(line)

    groups = []
    for membership in memberships:
        organisation = membership.organisation
        group = OrganisationGroup(
            organisation, can_report=request.user.writes_reports_as(membership.role)
        )
        for period in periods:
            # In order of assignment code within the organisation.
            rows = [
                line for line in lines_by_organisation[organisation.pk] if line.period == period
            ]
            if rows:
                group.periods.append(PeriodGroup(period, (period.deadline - today).days, rows))
        groups.append(group)
    return render(
        request,
        "reporting/my_assignments.html",
        {"groups": groups, "has_memberships": bool(memberships)},
    )


@login_required
@require_POST
def report_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Start (or continue) the organisation's report on an assignment for a period."""
    form = StartReportForm(request.POST)
    if not form.is_valid():
        # Only a hand-made request gets here: the buttons send valid numbers.
        raise Http404
    organisation = get_object_or_404(
        Organisation.objects.reported_by(request.user),
        pk=form.cleaned_data["organisation"],
    )
    assignment = get_object_or_404(
        Assignment.objects.for_organisation(organisation), pk=form.cleaned_data["assignment"]
    )
    period = get_object_or_404(
        ReportingPeriod.objects.filter(budget=assignment.budget_id),
        pk=form.cleaned_data["period"],
    )
    try:
        report = services.create_report(
            assignment=assignment, organisation=organisation, period=period, by=request.user
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("assignments:my_assignments")
    return redirect("assignments:report_edit", pk=report.pk)


# One report


@login_required
def report_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The report as it stands, its versions, attachments and the log of every decision."""
    report = _get_report(request, pk)
    return render(
        request,
        "reporting/report_detail.html",
        {
            "report": report,
            "can_edit": _can_edit(request, report),
            "targets": report.contributed_targets.select_related("goal"),
            "attachments": report.attachments.filter(detached=False),
            "values": _working_values(report),
            "versions": report.versions.select_related("created_by").order_by("-number"),
            "events": report.events.select_related("actor", "version").order_by("-at", "-pk"),
        },
    )


@login_required
def report_version(request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
    """One submitted version, exactly as it was sent."""
    report = _get_report(request, pk)
    version = get_object_or_404(
        ReportVersion.objects.filter(report=report).select_related("created_by"), number=number
    )
    return render(
        request,
        "reporting/report_version.html",
        {
            "report": report,
            "version": version,
            "targets": version.contributed_targets.select_related("goal"),
            "attachments": version.attachments.all(),
            "values": value_groups(version.reported_values.select_related("indicator")),
        },
    )


def _files_to_attach_again(request: HttpRequest) -> list[str]:
    """The good files of a form that could not be saved: a refused one is named by its error."""
    names = []
    for upload in request.FILES.getlist("new_attachments"):
        try:
            uploads.detect(upload)
        except ValidationError:
            continue
        names.append(upload.name or "")
    return names


def _changed_meanwhile(report: Report) -> ReportEvent | None:
    """The step (a submission, say) that took the report out of its editable state."""
    return (
        report.events.exclude(action__in=[ReportAction.SAVED, ReportAction.CREATED])
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )


def _already_decided(report: Report) -> str:
    changed = _changed_meanwhile(report)
    if changed and changed.action == ReportAction.SUBMITTED:
        return _("%(who)s already submitted this report on %(when)s; nothing more was sent.") % {
            "who": changed.actor or _("A colleague"),
            "when": date_format(timezone.localtime(changed.at), "j F Y H:i"),
        }
    return _("The report cannot be submitted now: its status is “%(status)s”.") % {
        "status": report.get_status_display()
    }


@login_required
def report_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Write and save the report; "save and continue" leads on to the submission step."""
    # Only what the form and its heading show: planning the other pages' query of twelve
    # tables took longer than the rest of the query work of this page.
    report = get_object_or_404(
        Report.objects.for_user(request.user)
        .with_user_writes(request.user)
        .select_related("assignment", "organisation", "period__budget"),
        pk=pk,
    )
    writer = report.user_writes
    if not (report.is_editable and writer):
        if request.method == "POST" and writer:
            # A colleague submitted the report (or the office decided on it) while this
            # reporter was writing: keep what they typed, and say plainly what happened.
            return _render_report_form(
                request, report, ReportForm(request.POST, instance=report), locked=True
            )
        if request.method == "POST":
            raise PermissionDenied
        messages.info(request, _("You can read this report but not change it now."))
        return redirect("assignments:report_detail", pk=report.pk)

    submitting = ReportForm.SUBMIT in request.POST
    form = ReportForm(
        request.POST or None, request.FILES or None, instance=report, submitting=submitting
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                saved = services.save_report(
                    report=report,
                    by=request.user,
                    content=form.content(),
                    targets=form.cleaned_data["targets"],
                    values=form.values(),
                    edit_version=form.cleaned_data["edit_version"],
                )
                for upload in form.cleaned_data["new_attachments"]:
                    services.add_attachment(report=saved, by=request.user, upload=upload)
        except services.ConcurrentEditError:
            conflict = _conflict(report.pk, form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if submitting:
                return redirect("assignments:report_submit", pk=saved.pk)
            messages.success(request, _("The draft was saved."))
            return redirect("assignments:report_edit", pk=saved.pk)
    return _render_report_form(request, report, form, conflict=conflict)


def _render_report_form(
    request: HttpRequest,
    report: Report,
    form: ReportForm,
    *,
    conflict: dict | None = None,
    locked: bool = False,
) -> HttpResponse:
    if locked:
        form.is_valid()  # for the typed values; the errors do not matter: nothing is saved
        conflict = {**_conflict(report.pk, form), "changed": _changed_meanwhile(report)}
    return render(
        request,
        "reporting/report_form.html",
        {
            "report": report,
            "form": form,
            "conflict": conflict,
            "locked": locked,
            "files_to_attach_again": _files_to_attach_again(request)
            if request.method == "POST"
            else [],
            "attachments": report.attachments.filter(detached=False).order_by("uploaded_at"),
        },
    )


@dataclass
class ConflictRow:
    label: str
    yours: str
    theirs: str


def _conflict(pk: int, form: ReportForm) -> dict:
    """What the reporter typed beside what the other person saved, field by field."""
    saved = Report.objects.select_related("organisation").get(pk=pk)
    last_save = saved.events.select_related("actor").order_by("-at", "-pk").first()
    rows = []
    for name in ReportContent.CONTENT_FIELDS:
        bound = form[name]
        yours, theirs = form.cleaned_data.get(name, form.data.get(name)), getattr(saved, name)
        if name == "progress":
            # A ChoiceField with a flat list of choices, which the stubs cannot tell.
            yours = dict(bound.field.choices).get(yours, yours)  # type: ignore[attr-defined]
            theirs = saved.get_progress_display()
        if (yours or "") != (theirs or ""):
            rows.append(ConflictRow(str(bound.label), str(yours or ""), str(theirs or "")))
    rows += _value_conflicts(saved, form)
    # Let the reporter save again deliberately, now knowing what they overwrite.
    data = cast(QueryDict, form.data).copy()  # the POST data the form was bound with
    data["edit_version"] = saved.edit_version
    form.data = data
    return {"rows": rows, "saved": saved, "last_save": last_save}


def _value_conflicts(saved: Report, form: ReportForm) -> list[ConflictRow]:
    """The indicator values typed beside those saved (or submitted), where they differ: each
    typed value as typed, each saved one with every decimal it has."""
    if not form.indicator_fields:
        return []
    theirs = {
        group.indicator.pk: group
        for group in value_groups(saved.reported_values.select_related("indicator"))
    }
    cleaned = getattr(form, "cleaned_data", {})
    rows = []
    for fields in form.indicator_fields:
        group = theirs.get(fields.indicator.pk)
        saved_values = {(s.dimension, s.category): s.value for s in group.series} if group else {}
        for bound, dimension, category in fields.series:
            typed = str(form.data.get(bound.name, "")).strip()
            value = saved_values.get((dimension, category))
            if bound.name in cleaned:
                differs = cleaned[bound.name] != value
            else:  # not a number: it differs from any saved value, unless both are empty
                differs = bool(typed) or value is not None
            if differs:
                rows.append(ConflictRow(str(bound.label), typed, as_typed(value)))
        typed_note = str(form.data.get(fields.note.name, "")).strip()
        saved_note = group.note if group else ""
        if typed_note != saved_note:
            rows.append(ConflictRow(str(fields.note.label), typed_note, saved_note))
    return rows


@login_required
def report_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Show exactly what will be sent, and send it when the reporter confirms."""
    report = _get_report(request, pk)
    writer = services.is_reporter(request.user, report.organisation)
    if not (report.is_editable and writer):
        if request.method == "POST" and not writer:
            raise PermissionDenied
        if request.method == "POST":
            messages.warning(request, _already_decided(report))
        return redirect("assignments:report_detail", pk=report.pk)
    form = SubmitForm(request.POST or None, initial={"edit_version": report.edit_version})
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["edit_version"] != report.edit_version:
            messages.warning(
                request,
                _("The report was changed after you opened this page. Check it and submit again."),
            )
            return redirect("assignments:report_submit", pk=report.pk)
        try:
            version = services.submit_report(report=report, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("assignments:report_submit", pk=report.pk)
        messages.success(
            request,
            _("Version %(number)d of the report was submitted to the sustainability office.")
            % {"number": version.number},
        )
        return redirect("assignments:report_detail", pk=report.pk)
    return render(
        request,
        "reporting/report_submit.html",
        {
            "report": report,
            "form": form,
            "period_open": report.period.is_open(),
            # The summary is what the services require to submit: say so before the click.
            "ready": bool(report.summary.strip()),
            "targets": report.contributed_targets.select_related("goal"),
            "attachments": report.attachments.filter(detached=False),
            "values": _working_values(report),
        },
    )


# Attachments


def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    """
    A report's document: for the organisation's members and reviewers, and for everyone once
    a published version includes it. Always a download, never shown inline.
    """
    attachment = (
        Attachment.objects.filter(pk=attachment_pk, report_id=pk).select_related("report").first()
    )
    is_public = bool(
        attachment
        and attachment.report.published_version_id
        # The reverse of ReportVersion.attachments, unknown to django-stubs (its issue 1802).
        and attachment.versions.filter(pk=attachment.report.published_version_id).exists()  # type: ignore[attr-defined]
    )
    if not is_public:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if attachment is None or not Report.objects.for_user(request.user).filter(pk=pk).exists():
            raise Http404
    assert attachment is not None  # public, or else found above
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if not is_public:
        response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def attachment_remove(
    request: AuthenticatedHttpRequest, pk: int, attachment_pk: int
) -> HttpResponse:
    report = _get_report(request, pk)
    attachment = get_object_or_404(report.attachments.filter(detached=False), pk=attachment_pk)
    if not _can_edit(request, report):
        raise PermissionDenied
    services.remove_attachment(attachment=attachment, by=request.user)
    messages.success(
        request, _("“%(name)s” was removed from the report.") % {"name": attachment.original_name}
    )
    return redirect("assignments:report_edit", pk=report.pk)
