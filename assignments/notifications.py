"""
E-mail about reports: to the reviewers when a report is submitted, to the organisation's
reporters when it is sent back, approved or published, and deadline reminders.

The report functions take a report's primary key and are called by ``assignments.services``
through ``transaction.on_commit``, so a mail describes the committed state and a transition
that rolls back sends nothing. A mail that cannot be sent is logged and never raised: the
transition it reports on has already happened.

Every mail is sent to one recipient at a time, so no one learns who else received it.
Subjects and bodies are plain-text templates in ``templates/emails/``, rendered in the
portal's default language (Swedish).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage, get_connection
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext

from .models import MembershipRole, Organisation, Report, ReportingPeriod, ReportStatus, User

logger = logging.getLogger(__name__)

# with_perm needs one backend: axes' backend only throttles sign-ins and knows no permissions.
PERMISSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


def report_submitted(report_id: int) -> None:
    """Tell the reviewers that a report is waiting for them."""
    _notify_about_report("report_submitted", report_id, reviewer_addresses)


def report_returned(report_id: int) -> None:
    """Tell the organisation's reporters that their report was sent back, and why."""
    _notify_about_report("report_returned", report_id, reporter_addresses)


def report_approved(report_id: int) -> None:
    """Tell the organisation's reporters that their report was approved."""
    _notify_about_report("report_approved", report_id, reporter_addresses)


def report_published(report_id: int) -> None:
    """Tell the organisation's reporters that their report is public."""
    _notify_about_report("report_published", report_id, reporter_addresses)


def invitation(user_id: int) -> int:
    """
    Invite a person to the account that was made for them: a link to choose their password.
    Returns 1 if the mail was sent, else 0.
    """
    try:
        user = User.objects.get(pk=user_id, is_active=True)
        if not user.email:
            return 0
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "user": user,
                "url": absolute_url(
                    "password_reset_confirm",
                    urlsafe_base64_encode(force_bytes(user.pk)),
                    default_token_generator.make_token(user),
                ),
                "portal_owner": settings.PORTAL_ORGANISATION_NAME,
            }
            subject, body = render_mail("invitation", context)
        return send_individually(subject, body, [user.email])
    except Exception:
        logger.exception("Could not send the invitation to user %s.", user_id)
        return 0


# Recipients


def _addresses(users: QuerySet[User]) -> list[str]:
    """The distinct e-mail addresses of active ``users`` who have one, in a stable order."""
    emails = users.filter(is_active=True).exclude(email="").values_list("email", flat=True)
    return list(dict.fromkeys(emails.order_by("email")))


def reviewer_addresses(report: Report | None = None) -> list[str]:
    """
    Everyone given the review permission, through a group or directly. A superuser may review
    too, but is mailed only when given the permission like everyone else.
    """
    return _addresses(
        User.objects.with_perm(
            "assignments.review_report", include_superusers=False, backend=PERMISSION_BACKEND
        )
    )


def reporter_addresses(report: Report) -> list[str]:
    """The reporters of the report's organisation (not its readers)."""
    return _addresses(
        User.objects.filter(
            memberships__organisation_id=report.organisation_id,
            memberships__role=MembershipRole.REPORTER,
        )
    )


# The report mails


def _notify_about_report(
    event: str, report_id: int, recipients: Callable[[Report], Sequence[str]]
) -> None:
    try:
        report = Report.objects.select_related("assignment", "organisation", "period__budget").get(
            pk=report_id
        )
        addresses = recipients(report)
        if not addresses:
            return
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "report": report,
                "note": report.review_note,
                "url": absolute_url("assignments:report_detail", report.pk),
                "portal_owner": settings.PORTAL_ORGANISATION_NAME,
            }
            subject, body = render_mail(event, context)
        send_individually(subject, body, addresses)
    except Exception:
        logger.exception("Could not send the %s e-mail about report %s.", event, report_id)


# Deadline reminders


@dataclass(frozen=True)
class PendingAssignment:
    """An assignment an organisation has not yet submitted a report on, and how far it got."""

    code: str
    title: str
    status: str  # ReportStatus, or "" when the organisation has not started a report

    @property
    def state(self) -> str:
        """The status in words, in the language active when the mail is rendered."""
        return str(ReportStatus(self.status).label) if self.status else gettext("No report yet")


def deadline_reminder(
    *,
    organisation: Organisation,
    period: ReportingPeriod,
    pending: Iterable[PendingAssignment],
    today: datetime.date,
    addresses: Sequence[str],
) -> int:
    """Remind an organisation's people of the reports still to submit; return the mails sent."""
    try:
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "organisation": organisation,
                "period": period,
                "deadline": period.deadline,
                "days_left": (period.deadline - today).days,
                "pending": list(pending),
                "url": absolute_url("assignments:my_assignments"),
                "portal_owner": settings.PORTAL_ORGANISATION_NAME,
            }
            subject, body = render_mail("deadline_reminder", context)
        return send_individually(subject, body, addresses)
    except Exception:
        logger.exception("Could not send the deadline reminder to %s for %s.", organisation, period)
        return 0


# Rendering and sending


def render_mail(event: str, context: dict) -> tuple[str, str]:
    """The subject (one line) and plain-text body of ``templates/emails/<event>_*.txt``."""
    subject = render_to_string(f"emails/{event}_subject.txt", context)
    body = render_to_string(f"emails/{event}_body.txt", context)
    return " ".join(subject.split()), body.strip() + "\n"


def absolute_url(viewname: str, *args: object) -> str:
    """An address on the portal for a mail: ``PORTAL_BASE_URL`` and the page's path."""
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(viewname, args=args)


def send_individually(subject: str, body: str, addresses: Iterable[str]) -> int:
    """Send one message per address over one connection; return how many were sent."""
    messages = [
        EmailMessage(subject, body, from_email=settings.DEFAULT_FROM_EMAIL, to=[address])
        for address in addresses
    ]
    if not messages:
        return 0
    sent = 0
    try:
        with get_connection() as connection:
            for message in messages:
                message.connection = connection
                try:
                    sent += message.send()
                except Exception:
                    logger.exception("Could not send “%s” to %s.", subject, message.to[0])
    except Exception:
        logger.exception("Could not connect to send “%s”.", subject)
    return sent
