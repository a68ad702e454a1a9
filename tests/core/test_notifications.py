"""E-mail about reports: sent after commit, to the right people, one recipient per message."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from assignments import services
from assignments.models import MembershipRole, ReportStatus
from tests import factories
from tests.helpers import ROOT

pytestmark = pytest.mark.django_db

BASE_URL = "https://hallbarhet.malmo.example"
CONTENT = {"summary": "Arbetet går enligt plan.", "progress": "on_track"}


@pytest.fixture(autouse=True)
def _mail_settings(settings):
    settings.PORTAL_BASE_URL = BASE_URL + "/"
    settings.DEFAULT_FROM_EMAIL = "hallbarhet@malmo.example"


def write_draft(*, assignment, organisation, period, by):
    report = services.create_report(
        assignment=assignment, organisation=organisation, period=period, by=by
    )
    return services.save_report(report=report, by=by, content=CONTENT)


@pytest.fixture
def draft(assignment, organisation, period, reporter):
    return write_draft(assignment=assignment, organisation=organisation, period=period, by=reporter)


@pytest.fixture
def submitted(draft, reporter):
    services.submit_report(report=draft, by=reporter)
    draft.refresh_from_db()
    return draft


def recipients(outbox) -> list[str]:
    """Every message's single addressee; fails if a message is addressed to several people."""
    for message in outbox:
        assert len(message.to) == 1
        assert message.cc == []
        assert message.bcc == []
    return sorted(message.to[0] for message in outbox)


def review_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="assignments", codename="review_report")


def report_link(report) -> str:
    with translation.override("sv"):
        return BASE_URL + reverse("assignments:report_detail", args=[report.pk])


def test_submitting_mails_the_reviewers_after_commit_and_not_before(
    draft, reporter, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.submit_report(report=draft, by=reporter)
        assert mailoutbox == []
    assert len(callbacks) == 1
    assert recipients(mailoutbox) == [reviewer.email]
    message = mailoutbox[0]
    assert message.from_email == "hallbarhet@malmo.example"
    assert draft.assignment.code in message.subject
    assert draft.organisation.name in message.subject


@pytest.mark.django_db(transaction=True)
def test_a_transition_that_rolls_back_sends_no_mail_and_a_committed_one_does(mailoutbox):
    """With real commits: the mail follows the database, not the function call."""
    organisation = factories.make_organisation()
    reporter = factories.make_member(organisation)
    # Through the permission, not the Reviewers group of the data migration: whether data
    # migrations survive the flushes between transactional tests depends on the tests before.
    reviewer = factories.make_user()
    reviewer.user_permissions.add(review_permission())
    period = factories.make_period()
    assignment = factories.make_assignment(budget=period.budget, organisations=[organisation])
    draft = write_draft(
        assignment=assignment, organisation=organisation, period=period, by=reporter
    )

    with pytest.raises(RuntimeError), transaction.atomic():
        services.submit_report(report=draft, by=reporter)
        raise RuntimeError("Something later in the same transaction fails.")

    draft.refresh_from_db()
    assert draft.status == ReportStatus.DRAFT
    assert mailoutbox == []

    services.submit_report(report=draft, by=reporter)
    assert recipients(mailoutbox) == [reviewer.email]


def test_the_submit_mail_goes_to_everyone_who_may_review_and_to_no_one_else(
    draft, reporter, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    direct = factories.make_user()
    direct.user_permissions.add(review_permission())
    factories.make_user(is_superuser=True, is_staff=True)  # may do anything, but is no reviewer
    factories.make_reviewer(is_active=False)
    factories.make_reviewer(email="")
    factories.make_member(draft.organisation)

    with django_capture_on_commit_callbacks(execute=True):
        services.submit_report(report=draft, by=reporter)

    assert recipients(mailoutbox) == sorted([reviewer.email, direct.email])


def test_without_any_reviewer_no_mail_is_sent(
    draft, reporter, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_report(report=draft, by=reporter)
    assert mailoutbox == []


@pytest.fixture
def organisation_people(organisation, reporter):
    """The report's organisation's reporters and everyone else who must not get its mail."""
    second_reporter = factories.make_member(organisation)
    factories.make_member(organisation, role=MembershipRole.READER)
    factories.make_member(organisation, is_active=False)
    factories.make_member(organisation, email="")
    factories.make_member(factories.make_organisation())
    return sorted([reporter.email, second_reporter.email])


def test_the_return_mail_goes_to_the_organisations_reporters_with_the_note(
    submitted, reviewer, organisation_people, mailoutbox, django_capture_on_commit_callbacks
):
    note = "Lägg till mått & exempel <se bilaga 2>."
    with django_capture_on_commit_callbacks(execute=True):
        services.return_report(report=submitted, by=reviewer, note=note)

    assert recipients(mailoutbox) == organisation_people
    body = mailoutbox[0].body
    assert note in body  # plain text: nothing is HTML-escaped
    assert submitted.assignment.code in mailoutbox[0].subject


@pytest.mark.parametrize("transition", ["approve", "publish"])
def test_approval_and_publication_are_mailed_to_the_organisations_reporters(
    submitted,
    reviewer,
    organisation_people,
    transition,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        report = services.approve_report(report=submitted, by=reviewer)
        if transition == "publish":
            services.publish_report(report=report, by=reviewer)

    assert len(mailoutbox) == len(organisation_people) * (1 if transition == "approve" else 2)
    last = mailoutbox[-len(organisation_people) :]
    assert recipients(last) == organisation_people
    assert {message.subject for message in last} == {last[0].subject}
    assert submitted.assignment.code in last[0].subject


@pytest.mark.parametrize(
    ("transition", "status"),
    [("submit", "Inskickad"), ("return", "Skickad tillbaka"), ("approve", "Godkänd")],
)
def test_the_mail_is_in_swedish_and_links_to_the_report_page(
    draft, reporter, reviewer, transition, status, mailoutbox, django_capture_on_commit_callbacks
):
    """Swedish whatever language the person acting uses; the link works outside the portal."""
    if transition != "submit":
        services.submit_report(report=draft, by=reporter)
    act = {
        "submit": lambda: services.submit_report(report=draft, by=reporter),
        "return": lambda: services.return_report(report=draft, by=reviewer, note="Mer text."),
        "approve": lambda: services.approve_report(report=draft, by=reviewer),
    }[transition]
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        act()

    body = mailoutbox[-1].body
    assert status in body
    assert draft.assignment.code in body
    assert draft.assignment.title in body
    assert draft.organisation.name in body
    assert str(draft.period) in body
    assert report_link(draft) in body.split()


def test_a_failing_mail_server_is_logged_and_does_not_undo_the_transition(
    draft, reporter, reviewer, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False

    with (
        caplog.at_level(logging.ERROR, logger="assignments.notifications"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.submit_report(report=draft, by=reporter)

    draft.refresh_from_db()
    assert draft.status == ReportStatus.SUBMITTED
    assert [record.levelno for record in caplog.records] == [logging.ERROR]
    assert caplog.records[0].exc_info is not None


def test_make_run_gives_the_links_in_e_mail_the_address_it_serves_at(tmp_path):
    """`make run HOST=… PORT=…` sets PORTAL_BASE_URL, which every link in e-mail starts with."""
    import shutil
    import subprocess

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    fake = tmp_path / "bin"
    fake.mkdir()
    python = fake / "python"
    python.write_text('#!/bin/sh\necho "$PORTAL_BASE_URL $*"\n')
    python.chmod(0o755)
    (fake / ".installed").touch()  # newer than the lock file: nothing to install
    result = subprocess.run(
        ["make", "-s", "run", f"BIN={fake}", "HOST=127.0.0.2", "PORT=8123"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "http://127.0.0.2:8123 manage.py runserver 127.0.0.2:8123" in result.stdout
