"""
The reviewer's decisions in the admin, one report at a time and in bulk: each goes through
assignments.services, is logged twice (the report's events and the admin's LogEntry), mails
after commit, and a refused one is an error message naming the report, never a crash.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages

from assignments import services
from assignments.models import Report, ReportAction, ReportStatus
from tests import factories
from tests.review.helpers import changelist, review_page, submit, url, write

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def decision_url(name: str, report: Report) -> str:
    return url(f"admin:assignments_report_{name}", report.pk)


def reload(report: Report) -> Report:
    return Report.objects.get(pk=report.pk)


@pytest.fixture
def reviewing(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def submitted(assignment, organisation, period, reporter):
    return submit(assignment=assignment, organisation=organisation, period=period, by=reporter)


@pytest.fixture
def approved(submitted, reviewer):
    return services.approve_report(report=submitted, by=reviewer)


@pytest.fixture
def draft(budget, organisation, period, reporter):
    return write(
        assignment=factories.make_assignment(budget=budget, organisations=[organisation]),
        organisation=organisation,
        period=period,
        by=reporter,
    )


def log_entries(report: Report) -> list[str]:
    return list(
        LogEntry.objects.filter(object_id=str(report.pk), action_flag=CHANGE)
        .order_by("pk")
        .values_list("change_message", flat=True)
    )


# One report, from its review page


def test_approving_with_a_note_logs_it_and_mails_the_reporters_after_commit(
    reviewing,
    submitted,
    reviewer,
    reporter,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewing.post(
            decision_url("approve", submitted),
            {"note": "Bra och tydligt.", "version": submitted.current_version_id},
        )

    assert response.status_code == 302
    assert response.url == review_page(submitted)
    assert messages_of(response) == [f"The report “{submitted}” was approved."]
    report = reload(submitted)
    assert report.status == ReportStatus.APPROVED
    event = report.events.latest("pk")
    assert (event.action, event.actor, event.note) == (
        ReportAction.APPROVED,
        reviewer,
        "Bra och tydligt.",
    )
    assert event.version == report.current_version
    assert log_entries(report) == ["Approved: Bra och tydligt."]
    assert [message.to for message in mailoutbox] == [[reporter.email]]


def test_sending_back_stores_the_note_the_reporters_read_and_mails_it(
    reviewing, submitted, reporter, mailoutbox, django_capture_on_commit_callbacks
):
    note = "Beskriv samverkan med föreningarna."
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewing.post(decision_url("send_back", submitted), {"note": note})

    assert messages_of(response) == [f"The report “{submitted}” was sent back to the reporters."]
    report = reload(submitted)
    assert report.status == ReportStatus.RETURNED
    assert report.review_note == note
    assert report.summary == submitted.summary  # the reporter's text is untouched
    assert log_entries(report) == [f"Sent back: {note}"]
    assert [message.to for message in mailoutbox] == [[reporter.email]]
    assert note in mailoutbox[0].body


def test_publishing_an_approved_report_makes_its_version_public(
    reviewing, approved, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewing.post(decision_url("publish", approved), {})

    assert messages_of(response) == [f"The report “{approved}” was published."]
    report = reload(approved)
    assert report.status == ReportStatus.PUBLISHED
    assert report.published_version == report.current_version
    assert log_entries(report) == ["Published"]
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("publish_first", [False, True], ids=["approved", "published"])
def test_reopening_needs_a_note_and_returns_the_report(
    reviewing, approved, reviewer, publish_first
):
    if publish_first:
        services.publish_report(report=approved, by=reviewer)
    response = reviewing.post(decision_url("reopen", approved), {"note": "Rätta procentsatsen."})

    assert messages_of(response) == [f"The report “{approved}” was reopened for a correction."]
    report = reload(approved)
    assert report.status == ReportStatus.RETURNED
    assert report.review_note == "Rätta procentsatsen."
    assert (report.published_version is not None) is publish_first


def test_the_page_offers_the_decisions_of_the_reports_state(reviewing, approved, reviewer):
    response = reviewing.get(review_page(approved))
    assert [d.decision.name for d in response.context["review"]["decisions"]] == [
        "publish",
        "reopen",
    ]
    services.publish_report(report=approved, by=reviewer)
    response = reviewing.get(review_page(approved))
    assert [d.decision.name for d in response.context["review"]["decisions"]] == ["reopen"]


# Refused decisions: a message naming the report, nothing changed, never a 500


@pytest.mark.parametrize(
    ("decision", "fixture", "words"),
    [
        ("approve", "draft", "cannot be approved because its status is “Draft”"),
        ("send_back", "draft", "cannot be sent back because its status is “Draft”"),
        ("publish", "submitted", "cannot be published because its status is “Submitted”"),
        ("approve", "approved", "cannot be approved because its status is “Approved”"),
        ("reopen", "submitted", "cannot be reopened because its status is “Submitted”"),
    ],
)
def test_a_decision_in_the_wrong_state_is_an_error_naming_the_report(
    request, reviewing, decision, fixture, words
):
    report = request.getfixturevalue(fixture)
    before = report.status
    response = reviewing.post(decision_url(decision, report), {"note": "En anteckning."})

    assert response.status_code == 302
    assert response.url == review_page(report)
    assert messages_of(response) == [f"The report “{report}” {words}."]
    assert reload(report).status == before
    assert log_entries(report) == []


@pytest.mark.parametrize("decision", ["send_back", "reopen"])
def test_a_missing_note_shows_the_page_again_with_the_error_and_what_was_typed(
    reviewing, submitted, reviewer, decision
):
    report = submitted
    if decision == "reopen":
        report = services.approve_report(report=submitted, by=reviewer)
    events = report.events.count()
    typed = "   \n  "
    response = reviewing.post(decision_url(decision, report), {"note": typed})

    assert response.status_code == 200
    form = response.context["review"]["decisions"][-1].form
    assert form.data["note"] == typed
    html = response.content.decode()
    assert "Please correct the error below." in html
    assert "Write a note telling the reporters what to" in html
    assert f'id="id_{decision}_note_error"' in html
    assert 'aria-invalid="true"' in html
    assert reload(report).status == report.status
    assert report.events.count() == events
    assert log_entries(report) == []


def test_a_typed_note_is_kept_when_the_page_is_shown_again(reviewing, submitted):
    """The text of the form that was sent comes back; another form's stays empty."""
    response = reviewing.post(decision_url("send_back", submitted), {"note": ""})
    assert response.status_code == 200
    approve_form = response.context["review"]["decisions"][0].form
    assert not approve_form.is_bound
    response = reviewing.post(
        decision_url("approve", submitted), {"note": "Fint.", "version": "not a number"}
    )
    assert response.status_code == 200
    assert '<textarea name="note" cols="60" rows="3"' in response.content.decode()
    assert "Fint.</textarea>" in response.content.decode()


def test_a_decision_on_a_version_the_reviewer_has_not_read_is_refused(
    reviewing, submitted, reviewer, reporter
):
    read = submitted.current_version_id
    services.return_report(report=submitted, by=reviewer, note="Mer om skolorna.")
    services.submit_report(report=submitted, by=reporter)
    response = reviewing.post(decision_url("approve", submitted), {"note": "", "version": read})

    assert messages_of(response) == [
        f"The report “{submitted}” was submitted again after you opened it. "
        "Read the new version before you decide."
    ]
    assert reload(submitted).status == ReportStatus.SUBMITTED


def test_decisions_are_posts_only(reviewing, submitted):
    assert reviewing.get(decision_url("approve", submitted)).status_code == 405
    assert reload(submitted).status == ReportStatus.SUBMITTED


def test_decisions_need_the_csrf_token(reviewer, submitted):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reviewer)
    response = browser.post(decision_url("approve", submitted), {"note": ""})
    assert response.status_code == 403
    assert reload(submitted).status == ReportStatus.SUBMITTED


def test_a_decision_on_a_report_that_does_not_exist_is_a_message(reviewing):
    response = reviewing.post(url("admin:assignments_report_approve", 987654), {})
    assert response.status_code == 302
    assert "doesn’t exist" in messages_of(response)[0]


def test_publishing_needs_the_publish_permission(client, approved):
    approver = factories.make_user(is_staff=True)
    approver.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_report", "review_report"])
    )
    client.force_login(approver)
    response = client.get(review_page(approved))
    assert [d.decision.name for d in response.context["review"]["decisions"]] == ["reopen"]
    assert client.post(decision_url("publish", approved)).status_code == 403
    assert reload(approved).status == ReportStatus.APPROVED


# Bulk decisions from the report list


def action(name: str, reports: list[Report], **data) -> dict:
    return {"action": name, ACTION_CHECKBOX_NAME: [r.pk for r in reports], **data}


def test_approving_the_selected_reports_reports_the_refused_ones_by_name(
    reviewing, submitted, draft, budget, organisation, period, reporter
):
    other = submit(
        assignment=factories.make_assignment(budget=budget, organisations=[organisation]),
        organisation=organisation,
        period=period,
        by=reporter,
    )
    response = reviewing.post(changelist(), action("approve_selected", [submitted, draft, other]))

    assert response.status_code == 302
    success, warning = messages_of(response)
    assert success == "2 reports were approved."
    assert warning.startswith("1 report was not approved:<ul><li>")
    assert f"The report “{draft}” cannot be approved" in warning
    assert [reload(r).status for r in (submitted, draft, other)] == [
        ReportStatus.APPROVED,
        ReportStatus.DRAFT,
        ReportStatus.APPROVED,
    ]
    assert log_entries(submitted) == ["Approved"] and log_entries(draft) == []


def test_sending_back_the_selected_asks_for_one_note_first(
    reviewing, submitted, draft, budget, period
):
    other_organisation = factories.make_organisation()
    other = submit(
        assignment=factories.make_assignment(budget=budget, organisations=[other_organisation]),
        organisation=other_organisation,
        period=period,
        by=factories.make_member(other_organisation),
    )
    response = reviewing.post(
        changelist(), action("send_back_selected", [submitted, other, draft], index=0)
    )

    assert response.status_code == 200
    assert [r.pk for r in response.context["reports"]] == sorted([submitted.pk, other.pk, draft.pk])
    html = response.content.decode()
    assert str(submitted) in html and str(other) in html
    assert "What should the reporters change?" in html
    assert reload(submitted).status == ReportStatus.SUBMITTED


def test_sending_back_the_selected_without_a_note_keeps_the_selection(reviewing, submitted, draft):
    response = reviewing.post(
        changelist(), action("send_back_selected", [submitted, draft], confirm="yes", note=" ")
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Write a note telling the reporters what to change." in html
    for report in (submitted, draft):
        assert f'name="{ACTION_CHECKBOX_NAME}" value="{report.pk}"' in html
    assert reload(submitted).status == ReportStatus.SUBMITTED


def test_sending_back_the_selected_gives_each_report_the_note_and_mails_after_commit(
    reviewing,
    submitted,
    draft,
    budget,
    period,
    reporter,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    other_organisation = factories.make_organisation()
    other_reporter = factories.make_member(other_organisation)
    other = submit(
        assignment=factories.make_assignment(budget=budget, organisations=[other_organisation]),
        organisation=other_organisation,
        period=period,
        by=other_reporter,
    )
    note = "Lägg till vilka delmål arbetet bidrar till."
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewing.post(
            changelist(),
            action("send_back_selected", [submitted, other, draft], confirm="yes", note=note),
        )

    assert response.status_code == 302
    success, warning = messages_of(response)
    assert success == "2 reports were sent back."
    assert f"The report “{draft}” cannot be sent back" in warning
    for report in (submitted, other):
        report = reload(report)
        assert report.status == ReportStatus.RETURNED
        assert report.review_note == note
        assert report.events.latest("pk").note == note
        assert log_entries(report) == [f"Sent back: {note}"]
    assert reload(draft).status == ReportStatus.DRAFT
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [reporter.email, other_reporter.email]
    )
    assert all(note in message.body for message in mailoutbox)


# Publishing a period


@pytest.fixture
def period_to_publish(budget, period, organisation, reporter, reviewer):
    """Approved reports of the period, and reports that must not be published with them."""
    made = {}
    for name in ["first", "second", "submitted"]:
        made[name] = submit(
            assignment=factories.make_assignment(budget=budget, organisations=[organisation]),
            organisation=organisation,
            period=period,
            by=reporter,
        )
    for name in ["first", "second"]:
        made[name] = services.approve_report(report=made[name], by=reviewer)
    other_period = factories.make_period(
        budget=budget, opens_on=datetime.date(2000, 1, 1), deadline=datetime.date(2098, 1, 1)
    )
    made["other_period"] = services.approve_report(
        report=submit(
            assignment=made["first"].assignment,
            organisation=organisation,
            period=other_period,
            by=reporter,
        ),
        by=reviewer,
    )
    return made


def test_the_publish_page_lists_exactly_the_periods_approved_reports(
    reviewing, period, period_to_publish
):
    response = reviewing.get(url("admin:assignments_report_publish_period", period=period.pk))

    assert response.status_code == 200
    listed = list(response.context["reports"])
    assert sorted(r.pk for r in listed) == sorted(
        [period_to_publish["first"].pk, period_to_publish["second"].pk]
    )
    html = response.content.decode()
    assert "Publish all 2 reports" in html
    assert period_to_publish["submitted"].assignment.title not in html


def test_the_publish_page_first_asks_for_the_period(reviewing, period, period_to_publish):
    response = reviewing.get(url("admin:assignments_report_publish_period"))
    assert response.status_code == 200
    assert response.context["period"] is None
    assert f"{period} (2 approved)" in response.content.decode()


def test_the_report_list_links_to_publishing_its_period(reviewing, period):
    response = reviewing.get(changelist(period__id__exact=period.pk))
    assert response.context["publish_period_url"] == url(
        "admin:assignments_report_publish_period", period=period.pk
    )


def test_confirming_publishes_every_listed_report(
    reviewing, period, period_to_publish, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    listed = [period_to_publish["first"], period_to_publish["second"]]
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewing.post(
            url("admin:assignments_report_publish_period"),
            {"period": period.pk, "report": [r.pk for r in listed]},
        )

    assert response.status_code == 302
    assert response.url == changelist(period__id__exact=period.pk, status__exact="published")
    assert messages_of(response) == ["2 reports were published."]
    for report in listed:
        report = reload(report)
        assert report.status == ReportStatus.PUBLISHED
        assert report.published_version == report.current_version
        assert log_entries(report) == ["Published"]
    assert reload(period_to_publish["submitted"]).status == ReportStatus.SUBMITTED
    assert reload(period_to_publish["other_period"]).status == ReportStatus.APPROVED
    assert len(mailoutbox) == 2


def test_a_report_published_meanwhile_is_named_and_the_rest_go_through(
    reviewing, period, period_to_publish, reviewer
):
    first, second = period_to_publish["first"], period_to_publish["second"]
    services.publish_report(report=first, by=reviewer)
    other = period_to_publish["other_period"]
    response = reviewing.post(
        url("admin:assignments_report_publish_period"),
        {"period": period.pk, "report": [first.pk, second.pk, other.pk, "x"]},
    )

    success, warning = messages_of(response)
    assert success == "1 report was published."
    assert f"The report “{first}” cannot be published because its status is “Published”" in (
        warning
    )
    assert reload(second).status == ReportStatus.PUBLISHED
    # A report of another period is not published from this period's page.
    assert reload(other).status == ReportStatus.APPROVED
