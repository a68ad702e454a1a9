"""
E-mail the organisations whose reports for an open period are not yet submitted, a few days
before the period's deadline. Meant to run once a day (cron, a systemd timer).

An organisation is reminded at most once a day for a period: each reminder is recorded as a
``DeadlineReminder``, whose unique constraint stops a second run the same day, even one
running at the same time, from sending it again. The mails go out after that record is
committed, one per recipient.
"""

from __future__ import annotations

import argparse
import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assignments import notifications
from assignments.models import (
    DeadlineReminder,
    Membership,
    MembershipRole,
    Organisation,
    ReportingPeriod,
)
from assignments.notifications import PendingAssignment
from assignments.selectors.status import status_lines


@dataclass
class Reminder:
    """What one organisation is reminded of for one period, and who receives it."""

    organisation: Organisation
    period: ReportingPeriod
    pending: list[PendingAssignment]
    addresses: list[str]


class Command(BaseCommand):
    help = (
        "E-mail the members of organisations whose reports for an open period are not "
        "submitted, when the period's deadline is at most --days days away. An organisation "
        "is reminded at most once a day for a period."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.PORTAL_REMINDER_DAYS,
            help="Remind when the deadline is at most this many days away "
            "(default: PORTAL_REMINDER_DAYS, %(default)s).",
        )
        parser.add_argument(
            "--date",
            type=_parse_date,
            default=None,
            help="The day to take as today, YYYY-MM-DD (default: today).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what would be sent; send and record nothing.",
        )

    def handle(self, *args, days: int, date: datetime.date | None, dry_run: bool, **options):
        if days < 0:
            raise CommandError(_("--days cannot be negative."))
        today = date or timezone.localdate()
        verbose = dry_run or options["verbosity"] >= 2
        reminded = skipped = 0
        people: set[str] = set()
        unreachable: list[str] = []

        for reminder, already_sent in reminders_due(today=today, days=days):
            if already_sent:
                skipped += 1
                continue
            if not reminder.addresses:
                unreachable.append(reminder.organisation.name)
                continue
            if dry_run or self._record(reminder, today):
                reminded += 1
                people.update(reminder.addresses)
                if verbose:
                    self.stdout.write(
                        ngettext(
                            "%(organisation)s, %(period)s: %(count)d report to submit",
                            "%(organisation)s, %(period)s: %(count)d reports to submit",
                            len(reminder.pending),
                        )
                        % {
                            "organisation": reminder.organisation,
                            "period": reminder.period,
                            "count": len(reminder.pending),
                        }
                    )
            else:
                skipped += 1

        if unreachable:
            self.stderr.write(
                ngettext(
                    "%(count)d organisation has reports to submit but no member with an "
                    "e-mail address: %(names)s",
                    "%(count)d organisations have reports to submit but no member with an "
                    "e-mail address: %(names)s",
                    len(unreachable),
                )
                % {"count": len(unreachable), "names": ", ".join(sorted(set(unreachable)))}
            )
        self.stdout.write(self._summary(reminded, len(people), skipped, dry_run=dry_run))

    def _record(self, reminder: Reminder, today: datetime.date) -> bool:
        """Record today's reminder and send it after commit, unless it is already recorded."""
        with transaction.atomic():
            _reminder, created = DeadlineReminder.objects.get_or_create(
                organisation=reminder.organisation,
                period=reminder.period,
                sent_on=today,
                defaults={"recipients": len(reminder.addresses)},
            )
            if created:
                transaction.on_commit(
                    functools.partial(
                        notifications.deadline_reminder,
                        organisation=reminder.organisation,
                        period=reminder.period,
                        pending=reminder.pending,
                        today=today,
                        addresses=reminder.addresses,
                    )
                )
        return created

    def _summary(self, reminded: int, people: int, skipped: int, *, dry_run: bool) -> str:
        if dry_run:
            sent = ngettext(
                "Dry run: %(count)d reminder would be sent",
                "Dry run: %(count)d reminders would be sent",
                reminded,
            )
        else:
            sent = ngettext("%(count)d reminder sent", "%(count)d reminders sent", reminded)
        to = ngettext("to %(count)d person", "to %(count)d people", people)
        already = ngettext(
            "%(count)d organisation already reminded today",
            "%(count)d organisations already reminded today",
            skipped,
        )
        return (
            f"{sent % {'count': reminded}} {to % {'count': people}}; "
            f"{already % {'count': skipped}}."
        )


def _parse_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            _("“%(value)s” is not a date of the form YYYY-MM-DD.") % {"value": value}
        ) from error


def reminders_due(*, today: datetime.date, days: int) -> list[tuple[Reminder, bool]]:
    """
    Each organisation with reports still to submit for an open period whose deadline is from
    ``today`` to ``today + days`` inclusive, and whether it has been reminded today already.

    A fixed number of queries per period, however many organisations and reports it has.
    """
    periods = (
        ReportingPeriod.objects.open(today)
        .filter(deadline__range=(today, today + datetime.timedelta(days=days)))
        .select_related("budget")
        .order_by("deadline", "pk")
    )
    return [item for period in periods for item in _reminders_for(period, today)]


def _reminders_for(period: ReportingPeriod, today: datetime.date) -> list[tuple[Reminder, bool]]:
    organisations: dict[int, Organisation] = {}
    pending: dict[int, list[PendingAssignment]] = defaultdict(list)
    for line in status_lines([period], today=today, active_on_deadline=True):
        if not line.owes_report:
            continue
        organisations[line.organisation.pk] = line.organisation
        pending[line.organisation.pk].append(
            PendingAssignment(
                code=line.assignment.code,
                title=line.assignment.title,
                status=line.report.status if line.report else "",
            )
        )
    if not organisations:
        return []

    already_reminded = set(
        DeadlineReminder.objects.filter(
            period=period, sent_on=today, organisation_id__in=list(organisations)
        ).values_list("organisation_id", flat=True)
    )
    members: dict[int, list[Membership]] = defaultdict(list)
    for membership in (
        Membership.objects.filter(organisation_id__in=list(organisations), user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user__email")
    ):
        members[membership.organisation_id].append(membership)

    return [
        (
            Reminder(
                organisation=organisation,
                period=period,
                pending=pending[pk],
                addresses=_addresses(members[pk]),
            ),
            pk in already_reminded,
        )
        for pk, organisation in organisations.items()
    ]


def _addresses(memberships: list[Membership]) -> list[str]:
    """The organisation's reporters; if none of them has an address, all its members."""
    reporters = [m.user.email for m in memberships if m.role == MembershipRole.REPORTER]
    return list(dict.fromkeys(reporters or [m.user.email for m in memberships]))
