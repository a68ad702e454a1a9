"""`manage.py send_deadline_reminders`: who is reminded, of what, when, and only once a day."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from assignments.models import DeadlineReminder, MembershipRole, ReportStatus
from tests import factories

pytestmark = pytest.mark.django_db

BASE_URL = "https://hallbarhet.malmo.example"
DEADLINE = datetime.date(2018, 4, 30)
FIVE_DAYS_BEFORE = "2018-04-25"


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.PORTAL_BASE_URL = BASE_URL
    settings.PORTAL_REMINDER_DAYS = 7


@pytest.fixture
def period(budget):
    return factories.make_period(
        budget=budget, name="Tertial 1", opens_on=datetime.date(2018, 1, 1), deadline=DEADLINE
    )


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """Run the command as cron would, its mails sent when its transactions commit."""

    def run(*args: str) -> str:
        stdout = StringIO()
        with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
            call_command("send_deadline_reminders", *args, stdout=stdout, stderr=StringIO())
        return stdout.getvalue()

    return run


def recipients(outbox) -> list[str]:
    for message in outbox:
        assert len(message.to) == 1
        assert message.cc == message.bcc == []
    return sorted(message.to[0] for message in outbox)


def test_an_organisation_is_reminded_of_the_reports_it_has_not_submitted(
    remind, mailoutbox, budget, period, organisation, reporter, reviewer
):
    people = {"organisation": organisation, "period": period, "reporter": reporter}
    not_started = factories.make_assignment(budget=budget, organisations=[organisation])
    draft = factories.make_assignment(budget=budget, organisations=[organisation])
    submitted = factories.make_assignment(budget=budget, organisations=[organisation])
    factories.make_report(
        status=ReportStatus.DRAFT, save=False, assignment=draft, reviewer=reviewer, **people
    )
    factories.make_report(
        status=ReportStatus.SUBMITTED, assignment=submitted, reviewer=reviewer, **people
    )

    output = remind("--date", FIVE_DAYS_BEFORE)

    assert recipients(mailoutbox) == [reporter.email]
    message = mailoutbox[0]
    assert "Tertial 1 2018" in message.subject
    assert "30 april 2018" in message.subject  # Swedish, whatever language the command runs in
    assert f"- {not_started.code} {not_started.title} (" in message.body
    assert f"- {draft.code} {draft.title} (Utkast)" in message.body
    assert submitted.code not in message.body
    assert organisation.name in message.body
    with translation.override("sv"):
        link = BASE_URL + reverse("assignments:my_assignments")
    assert link in message.body.split()
    reminder = DeadlineReminder.objects.get()
    assert (reminder.organisation, reminder.period) == (organisation, period)
    assert reminder.sent_on == datetime.date(2018, 4, 25)
    assert reminder.recipients == 1
    assert output.strip().endswith(
        "1 reminder sent to 1 person; 0 organisations already reminded today."
    )


def test_the_days_left_are_counted_to_the_deadline(
    remind, mailoutbox, budget, period, organisation, reporter
):
    factories.make_assignment(budget=budget, organisations=[organisation])
    remind("--date", "2018-04-30")
    remind("--date", "2018-04-29")
    remind("--date", "2018-04-25")
    bodies = [" ".join(message.body.split()) for message in mailoutbox]
    assert "Det är i dag." in bodies[0]
    assert "Det är om 1 dag." in bodies[1]
    assert "Det är om 5 dagar." in bodies[2]


def test_a_returned_report_counts_as_not_submitted(
    remind, mailoutbox, budget, period, organisation, reporter, reviewer
):
    assignment = factories.make_assignment(budget=budget, organisations=[organisation])
    factories.make_report(
        status=ReportStatus.RETURNED,
        assignment=assignment,
        organisation=organisation,
        period=period,
        reporter=reporter,
        reviewer=reviewer,
    )
    remind("--date", FIVE_DAYS_BEFORE)
    assert recipients(mailoutbox) == [reporter.email]
    assert f"- {assignment.code} {assignment.title} (Skickad tillbaka)" in mailoutbox[0].body


@pytest.mark.parametrize(
    "status", [ReportStatus.SUBMITTED, ReportStatus.APPROVED, ReportStatus.PUBLISHED]
)
def test_an_organisation_that_has_submitted_everything_is_not_reminded(
    remind, mailoutbox, budget, period, organisation, reporter, reviewer, status
):
    assignment = factories.make_assignment(budget=budget, organisations=[organisation])
    factories.make_report(
        status=status,
        assignment=assignment,
        organisation=organisation,
        period=period,
        reporter=reporter,
        reviewer=reviewer,
    )
    output = remind("--date", FIVE_DAYS_BEFORE)
    assert mailoutbox == []
    assert not DeadlineReminder.objects.exists()
    assert "0 reminders sent to 0 people" in output


def test_no_reminder_while_the_deadline_is_further_away_than_the_days(
    remind, mailoutbox, settings, budget, period, organisation, reporter
):
    factories.make_assignment(budget=budget, organisations=[organisation])
    remind("--date", "2018-04-20")  # ten days before
    assert mailoutbox == []

    remind("--date", "2018-04-20", "--days", "10")
    assert recipients(mailoutbox) == [reporter.email]

    settings.PORTAL_REMINDER_DAYS = 14
    remind("--date", "2018-04-19")
    assert len(mailoutbox) == 2


def test_no_reminder_after_the_deadline_or_for_a_closed_period(
    remind, mailoutbox, budget, period, organisation, reporter
):
    factories.make_assignment(budget=budget, organisations=[organisation])
    remind("--date", "2018-05-01")
    assert mailoutbox == []

    period.closed = True
    period.save()
    remind("--date", FIVE_DAYS_BEFORE)
    assert mailoutbox == []


def test_no_reminder_for_a_period_that_has_not_opened(
    remind, mailoutbox, budget, period, organisation, reporter
):
    factories.make_assignment(budget=budget, organisations=[organisation])
    period.opens_on = datetime.date(2018, 4, 26)
    period.save()
    remind("--date", FIVE_DAYS_BEFORE)
    assert mailoutbox == []


def test_a_second_run_the_same_day_sends_nothing_and_the_next_day_sends_again(
    remind, mailoutbox, budget, period, organisation, reporter
):
    factories.make_assignment(budget=budget, organisations=[organisation])
    remind("--date", FIVE_DAYS_BEFORE)
    assert len(mailoutbox) == 1

    output = remind("--date", FIVE_DAYS_BEFORE)
    assert len(mailoutbox) == 1
    assert "0 reminders sent to 0 people; 1 organisation already reminded today." in output
    assert DeadlineReminder.objects.count() == 1

    remind("--date", "2018-04-26")
    assert len(mailoutbox) == 2
    assert DeadlineReminder.objects.count() == 2


def test_a_dry_run_sends_and_records_nothing(
    remind, mailoutbox, budget, period, organisation, reporter
):
    factories.make_assignment(budget=budget, organisations=[organisation])
    output = remind("--date", FIVE_DAYS_BEFORE, "--dry-run")
    assert mailoutbox == []
    assert not DeadlineReminder.objects.exists()
    assert organisation.name in output
    assert "Dry run: 1 reminder would be sent to 1 person" in output

    remind("--date", FIVE_DAYS_BEFORE)
    assert len(mailoutbox) == 1


def test_the_reporters_of_responsible_active_organisations_are_reminded(
    remind, mailoutbox, budget, period, organisation, reporter
):
    second_reporter = factories.make_member(organisation)
    factories.make_member(organisation, role=MembershipRole.READER)
    factories.make_member(organisation, is_active=False)
    factories.make_member(organisation, email="")
    factories.make_member(factories.make_organisation())  # responsible for nothing
    dissolved = factories.make_organisation(valid_to=datetime.date(2018, 3, 31))
    factories.make_member(dissolved)
    readers_only = factories.make_organisation()
    reader = factories.make_member(readers_only, role=MembershipRole.READER)
    factories.make_assignment(budget=budget, organisations=[organisation, dissolved, readers_only])
    factories.make_assignment(organisations=[organisation])  # another budget year

    output = remind("--date", FIVE_DAYS_BEFORE)

    assert recipients(mailoutbox) == sorted([reporter.email, second_reporter.email, reader.email])
    assert "2 reminders sent to 3 people" in output
    assert DeadlineReminder.objects.get(organisation=organisation).recipients == 2
    assert DeadlineReminder.objects.get(organisation=readers_only).recipients == 1


def test_an_organisation_without_addresses_is_reported_and_not_recorded(
    mailoutbox, django_capture_on_commit_callbacks, budget, period, organisation
):
    factories.make_assignment(budget=budget, organisations=[organisation])
    stderr = StringIO()
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        call_command(
            "send_deadline_reminders", "--date", FIVE_DAYS_BEFORE, stdout=StringIO(), stderr=stderr
        )
    assert organisation.name in stderr.getvalue()
    assert mailoutbox == []
    assert not DeadlineReminder.objects.exists()


def test_a_bad_date_is_refused():
    with pytest.raises(CommandError):
        call_command("send_deadline_reminders", "--date", "30/4/2018", stdout=StringIO())


def test_the_queries_do_not_grow_with_organisations_and_reports(remind, budget, period, reviewer):
    def add_organisations(n: int) -> None:
        for _ in range(n):
            organisation = factories.make_organisation()
            reporter = factories.make_member(organisation)
            factories.make_member(organisation, role=MembershipRole.READER)
            for status in (None, ReportStatus.DRAFT, ReportStatus.SUBMITTED):
                assignment = factories.make_assignment(budget=budget, organisations=[organisation])
                if status:
                    factories.make_report(
                        status=status,
                        assignment=assignment,
                        organisation=organisation,
                        period=period,
                        reporter=reporter,
                        reviewer=reviewer,
                    )

    add_organisations(2)
    with CaptureQueriesContext(connection) as small:
        assert "2 reminders would be sent" in remind("--date", FIVE_DAYS_BEFORE, "--dry-run")
    add_organisations(8)
    with CaptureQueriesContext(connection) as large:
        assert "10 reminders would be sent" in remind("--date", FIVE_DAYS_BEFORE, "--dry-run")
    assert len(large) == len(small)
