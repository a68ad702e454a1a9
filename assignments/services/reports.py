"""
The report workflow: every state change of a report is one function here.

    draft --submit--> submitted --approve--> approved --publish--> published
      ^                   |
      +----- returned <---+ (send back, with a note to the reporter)

Each function is keyword-only, runs in one transaction, checks the report's current state
(raising ``ValidationError`` with code ``invalid_transition``) and who acts, and writes the
event log. The staff pages and the admin both call these functions: there is no other path.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from assignments import caching, notifications, uploads
from assignments.models import (
    TRANSITIONS,
    Assignment,
    Attachment,
    Organisation,
    Report,
    ReportAction,
    ReportContent,
    ReportEvent,
    ReportingPeriod,
    ReportVersion,
    Transition,
    User,
)
from goals.models import GlobalTarget

from . import indicators
from .indicators import ValueInput


class ConcurrentEditError(ValidationError):
    """Someone else saved the report after the editor loaded it."""


def is_reporter(user: User, organisation: Organisation) -> bool:
    """
    Whether ``user`` writes ``organisation``'s reports: a reporter of it who is no reviewer.
    A reviewer (or an administrator) never changes a reporter's text, whatever memberships
    they hold.
    """
    return Organisation.objects.reported_by(user).filter(pk=organisation.pk).exists()


def version_authors(report: Report) -> set[int]:
    """
    The users who wrote the report's current version: whoever submitted it, and whoever
    saved the text between the previous submission and this one.
    """
    version = report.current_version
    if version is None:
        return set()
    events = report.events.filter(action__in=[ReportAction.SAVED, ReportAction.SUBMITTED])
    previous = report.events.filter(
        action=ReportAction.SUBMITTED, version__number__lt=version.number
    ).aggregate(last=Max("pk"))["last"]
    submitted = report.events.filter(action=ReportAction.SUBMITTED, version=version).aggregate(
        last=Max("pk")
    )["last"]
    if previous is not None:
        events = events.filter(pk__gt=previous)
    if submitted is not None:
        events = events.filter(pk__lte=submitted)
    authors = set(events.exclude(actor=None).values_list("actor_id", flat=True))
    if version.created_by_id is not None:
        authors.add(version.created_by_id)
    return authors


def _require_reporter(user: User, organisation: Organisation) -> None:
    if not is_reporter(user, organisation):
        raise PermissionDenied(_("Only the organisation's reporters can change its reports."))


def _require_perm(user: User, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied(_("You are not allowed to review reports."))


def _require(report: Report, transition: str, action: str) -> None:
    """Refuse ``transition`` unless the workflow (``TRANSITIONS``) allows it from here."""
    if not report.can(transition):
        raise ValidationError(
            _("The report “%(report)s” cannot be %(action)s because its status is “%(status)s”.")
            % {"report": report, "status": report.get_status_display(), "action": action},
            code="invalid_transition",
        )


def _move(report: Report, transition: str) -> str:
    """Put ``report`` in the state ``transition`` leads to; the state it leaves is returned."""
    from_status, to_status = report.status, TRANSITIONS[transition][1]
    assert to_status is not None, f"{transition} keeps the state"
    report.status = to_status
    return from_status


def _lock(report: Report) -> Report:
    """Re-read the report under a row lock so that two transitions never interleave."""
    return Report.objects.select_for_update().get(pk=report.pk)


def _log(
    report: Report,
    *,
    action: str,
    from_status: str,
    by: User | None,
    note: str = "",
    version: ReportVersion | None = None,
) -> ReportEvent:
    return ReportEvent.objects.create(
        report=report,
        action=action,
        from_status=from_status,
        to_status=report.status,
        actor=by,
        note=note,
        version=version,
    )


@transaction.atomic
def create_report(
    *, assignment: Assignment, organisation: Organisation, period: ReportingPeriod, by: User
) -> Report:
    """Start an organisation's report on an assignment for a period, as a draft."""
    _require_reporter(by, organisation)
    if not assignment.responsibilities.filter(organisation=organisation).exists():
        raise ValidationError(
            _("%(organisation)s is not responsible for this assignment.")
            % {"organisation": organisation},
            code="not_responsible",
        )
    if period.budget_id != assignment.budget_id:
        raise ValidationError(
            _("The reporting period belongs to another budget year than the assignment."),
            code="wrong_budget",
        )
    if period.closed:
        raise ValidationError(_("The reporting period is closed."), code="period_closed")
    report, created = Report.objects.get_or_create(
        assignment=assignment, organisation=organisation, period=period
    )
    if created:
        _log(report, action=ReportAction.CREATED, from_status="", by=by)
    return report


@transaction.atomic
def save_report(
    *,
    report: Report,
    by: User,
    content: Mapping[str, Any],
    targets: Iterable[GlobalTarget] | None = None,
    values: Iterable[ValueInput] | None = None,
    edit_version: int | None = None,
) -> Report:
    """
    Save a draft or returned report; ``values`` replace its indicator values when given.

    ``edit_version`` is the version the editor started from; if someone has saved since,
    ``ConcurrentEditError`` is raised and nothing is written.
    """
    _require_reporter(by, report.organisation)
    report = _lock(report)
    _require(report, Transition.EDIT, pgettext("cannot be …", "changed"))
    if edit_version is not None and edit_version != report.edit_version:
        raise ConcurrentEditError(
            _("Someone else saved this report while you were editing it."),
            code="concurrent_edit",
        )
    unknown = set(content) - set(ReportContent.CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"Not report content: {sorted(unknown)}")
    for field, value in content.items():
        setattr(report, field, value)
    report.edit_version = F("edit_version") + 1
    report.updated_at = timezone.now()
    report.full_clean(exclude=["assignment", "organisation", "period", "edit_version"])
    report.save()
    if targets is not None:
        report.contributed_targets.set(targets)
    if values is not None:
        indicators.set_reported_values(report=report, values=values)
    report.refresh_from_db()
    _log(report, action=ReportAction.SAVED, from_status=report.status, by=by)
    return report


@transaction.atomic
def submit_report(*, report: Report, by: User) -> ReportVersion:
    """Freeze the report's content as a new version and send it to the reviewers."""
    _require_reporter(by, report.organisation)
    report = _lock(report)
    _require(report, Transition.SUBMIT, pgettext("cannot be …", "submitted"))
    if not report.period.is_open():
        raise ValidationError(
            _("The reporting period “%(period)s” is closed and accepts no submissions.")
            % {"period": report.period},
            code="period_closed",
        )
    if not report.summary.strip():
        raise ValidationError(
            _("Write a summary before submitting the report."), code="summary_required"
        )
    number = (report.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ReportVersion.objects.create(
        report=report,
        number=number,
        created_by=by,
        **{field: getattr(report, field) for field in ReportContent.CONTENT_FIELDS},
    )
    version.contributed_targets.set(report.contributed_targets.all())
    version.attachments.set(report.attachments.filter(detached=False))
    indicators.freeze_reported_values(report=report, version=version)
    now = timezone.now()
    from_status = _move(report, Transition.SUBMIT)
    report.current_version = version
    report.submitted_at = now
    report.submitted_by = by
    report.review_note = ""
    report.updated_at = now
    report.save()
    _log(report, action=ReportAction.SUBMITTED, from_status=from_status, by=by, version=version)
    transaction.on_commit(functools.partial(notifications.report_submitted, report.pk))
    return version


@transaction.atomic
def return_report(*, report: Report, by: User, note: str) -> Report:
    """Send a submitted report back to its organisation with a note saying what to fix."""
    _require_perm(by, "assignments.review_report")
    if not note.strip():
        raise ValidationError(
            _("Write a note telling the reporters what to change."), code="note_required"
        )
    report = _lock(report)
    _require(report, Transition.SEND_BACK, pgettext("cannot be …", "sent back"))
    from_status = _move(report, Transition.SEND_BACK)
    report.review_note = note.strip()
    report.updated_at = timezone.now()
    report.save()
    _log(
        report,
        action=ReportAction.RETURNED,
        from_status=from_status,
        by=by,
        note=report.review_note,
        version=report.current_version,
    )
    transaction.on_commit(functools.partial(notifications.report_returned, report.pk))
    return report


@transaction.atomic
def approve_report(*, report: Report, by: User, note: str = "") -> Report:
    """Approve the submitted version of a report."""
    _require_perm(by, "assignments.review_report")
    report = _lock(report)
    _require(report, Transition.APPROVE, pgettext("cannot be …", "approved"))
    if by.pk in version_authors(report):
        raise ValidationError(
            _(
                "You wrote this version of “%(report)s”, so someone else at the sustainability "
                "office must approve it."
            )
            % {"report": report},
            code="own_version",
        )
    from_status = _move(report, Transition.APPROVE)
    report.updated_at = timezone.now()
    report.save()
    _log(
        report,
        action=ReportAction.APPROVED,
        from_status=from_status,
        by=by,
        note=note.strip(),
        version=report.current_version,
    )
    transaction.on_commit(functools.partial(notifications.report_approved, report.pk))
    return report


@transaction.atomic
def publish_report(*, report: Report, by: User) -> Report:
    """Make the approved version of a report public."""
    _require_perm(by, "assignments.publish_report")
    report = _lock(report)
    _require(report, Transition.PUBLISH, pgettext("cannot be …", "published"))
    from_status = _move(report, Transition.PUBLISH)
    report.published_version = report.current_version
    report.updated_at = timezone.now()
    report.save()
    indicators.publish_reported_values(report=report)
    transaction.on_commit(caching.public_content_changed)
    _log(
        report,
        action=ReportAction.PUBLISHED,
        from_status=from_status,
        by=by,
        version=report.published_version,
    )
    Report.objects.filter(
        assignment_id=report.assignment_id, organisation_id=report.organisation_id
    ).refresh_publication()
    report.refresh_from_db(fields=["published_at", "is_latest_published"])
    transaction.on_commit(functools.partial(notifications.report_published, report.pk))
    return report


@transaction.atomic
def reopen_report(*, report: Report, by: User, note: str) -> Report:
    """
    Reopen an approved or published report for a correction.

    A published report stays public in its published version until the corrected one is
    published.
    """
    _require_perm(by, "assignments.review_report")
    if not note.strip():
        raise ValidationError(
            _("Write a note telling the reporters what to correct."), code="note_required"
        )
    report = _lock(report)
    _require(report, Transition.REOPEN, pgettext("cannot be …", "reopened"))
    from_status = _move(report, Transition.REOPEN)
    report.review_note = note.strip()
    report.updated_at = timezone.now()
    report.save()
    _log(
        report,
        action=ReportAction.REOPENED,
        from_status=from_status,
        by=by,
        note=report.review_note,
    )
    return report


@transaction.atomic
def add_attachment(*, report: Report, by: User, upload: UploadedFile) -> Attachment:
    """Attach a document to a draft or returned report; its type is checked from its content."""
    _require_reporter(by, report.organisation)
    report = _lock(report)
    _require(report, Transition.EDIT, pgettext("cannot be …", "changed"))
    kind = uploads.detect(upload)
    assert upload.size is not None  # an upload's size is always known
    original_name = PurePath(upload.name or "").name[:255]
    upload.name = f"upload.{kind.extensions[0]}"  # stored under a random name; see upload_to
    attachment = Attachment.objects.create(
        report=report,
        file=upload,
        original_name=original_name,
        content_type=kind.mime,
        size=upload.size,
        uploaded_by=by,
    )
    return attachment


@transaction.atomic
def remove_attachment(*, attachment: Attachment, by: User) -> None:
    """
    Take a document off a draft or returned report.

    A document that an earlier submitted version includes stays stored with that version.
    """
    report = attachment.report
    _require_reporter(by, report.organisation)
    report = _lock(report)
    _require(report, Transition.EDIT, pgettext("cannot be …", "changed"))
    if attachment.versions.exists():  # type: ignore[attr-defined]  # reverse M2M: django-stubs#1802
        attachment.detached = True
        attachment.save(update_fields=["detached"])
        return
    stored = attachment.file
    attachment.delete()
    transaction.on_commit(lambda: stored.delete(save=False))
