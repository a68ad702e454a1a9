"""The report workflow: every transition through assignments.services, and nothing else."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assignments import services
from assignments.models import MembershipRole, ReportAction, ReportStatus
from goals.models import GlobalTarget
from tests import factories

pytestmark = pytest.mark.django_db

CONTENT = {"summary": "Arbetet går enligt plan.", "progress": "on_track", "percent_complete": 40}


@pytest.fixture
def draft(assignment, organisation, period, reporter):
    report = services.create_report(
        assignment=assignment, organisation=organisation, period=period, by=reporter
    )
    return services.save_report(report=report, by=reporter, content=CONTENT)


@pytest.fixture
def submitted(draft, reporter):
    services.submit_report(report=draft, by=reporter)
    draft.refresh_from_db()
    return draft


@pytest.fixture
def approved(submitted, reviewer):
    return services.approve_report(report=submitted, by=reviewer)


def actions(report):
    return list(report.events.values_list("action", "from_status", "to_status"))


def test_the_whole_path_from_draft_to_published_is_logged(approved, reporter, reviewer):
    report = services.publish_report(report=approved, by=reviewer)
    assert report.status == ReportStatus.PUBLISHED
    assert report.published_version == report.current_version
    assert report.published_version.summary == CONTENT["summary"]
    assert actions(report) == [
        (ReportAction.CREATED, "", "draft"),
        (ReportAction.SAVED, "draft", "draft"),
        (ReportAction.SUBMITTED, "draft", "submitted"),
        (ReportAction.APPROVED, "submitted", "approved"),
        (ReportAction.PUBLISHED, "approved", "published"),
    ]
    assert report.events.get(action=ReportAction.SUBMITTED).actor == reporter
    assert report.events.get(action=ReportAction.PUBLISHED).actor == reviewer


def test_submitting_freezes_the_content_as_a_new_version(draft, reporter):
    target = GlobalTarget.objects.get(goal__framework="sdg", code="11.6")
    draft.contributed_targets.add(target)
    version = services.submit_report(report=draft, by=reporter)
    assert version.number == 1
    assert version.summary == CONTENT["summary"]
    assert version.percent_complete == 40
    assert list(version.contributed_targets.all()) == [target]
    draft.refresh_from_db()
    assert draft.current_version == version
    assert draft.submitted_by == reporter


def test_a_returned_report_is_fixed_and_submitted_again_as_version_2(submitted, reporter, reviewer):
    report = services.return_report(report=submitted, by=reviewer, note="Lägg till exempel.")
    assert report.status == ReportStatus.RETURNED
    assert report.review_note == "Lägg till exempel."
    report = services.save_report(
        report=report, by=reporter, content={"summary": "Nu med exempel."}
    )
    version = services.submit_report(report=report, by=reporter)
    assert version.number == 2
    assert list(report.versions.values_list("summary", flat=True)) == [
        CONTENT["summary"],
        "Nu med exempel.",
    ]


def test_sending_back_needs_a_note(submitted, reviewer):
    with pytest.raises(ValidationError) as error:
        services.return_report(report=submitted, by=reviewer, note="  ")
    assert error.value.code == "note_required"


@pytest.mark.parametrize(
    ("fixture", "transition"),
    [
        ("draft", "approve"),
        ("draft", "publish"),
        ("draft", "return"),
        ("submitted", "submit"),
        ("submitted", "save"),
        ("submitted", "publish"),
        ("approved", "approve"),
        ("approved", "submit"),
        ("approved", "save"),
        ("draft", "reopen"),
        ("submitted", "reopen"),
    ],
)
def test_invalid_transitions_are_refused(request, fixture, transition, reporter, reviewer):
    report = request.getfixturevalue(fixture)
    status = report.status
    calls = {
        "approve": lambda: services.approve_report(report=report, by=reviewer),
        "publish": lambda: services.publish_report(report=report, by=reviewer),
        "return": lambda: services.return_report(report=report, by=reviewer, note="Nej"),
        "submit": lambda: services.submit_report(report=report, by=reporter),
        "save": lambda: services.save_report(report=report, by=reporter, content={"summary": "x"}),
        "reopen": lambda: services.reopen_report(report=report, by=reviewer, note="Rätta"),
    }
    with pytest.raises(ValidationError) as error:
        calls[transition]()
    assert error.value.code == "invalid_transition"
    report.refresh_from_db()
    assert report.status == status


def test_a_reopened_published_report_stays_public_in_its_published_version(
    approved, reporter, reviewer
):
    report = services.publish_report(report=approved, by=reviewer)
    published = report.published_version
    report = services.reopen_report(report=report, by=reviewer, note="Rätta procentsatsen.")
    assert report.status == ReportStatus.RETURNED
    services.save_report(report=report, by=reporter, content={"summary": "Rättad."})
    services.submit_report(report=report, by=reporter)
    report.refresh_from_db()
    assert report.published_version == published
    assert report.published_version.summary == CONTENT["summary"]


def test_a_concurrent_second_save_is_refused(draft, reporter):
    loaded_version = draft.edit_version
    services.save_report(
        report=draft, by=reporter, content={"summary": "Först"}, edit_version=loaded_version
    )
    with pytest.raises(services.ConcurrentEditError):
        services.save_report(
            report=draft, by=reporter, content={"summary": "Sedan"}, edit_version=loaded_version
        )
    draft.refresh_from_db()
    assert draft.summary == "Först"


def test_a_closed_period_accepts_no_submission(draft, reporter, period):
    period.closed = True
    period.save()
    with pytest.raises(ValidationError) as error:
        services.submit_report(report=draft, by=reporter)
    assert error.value.code == "period_closed"


def test_a_period_that_has_not_opened_accepts_no_submission(draft, reporter, period):
    period.opens_on = datetime.date(2099, 1, 1)
    period.save()
    with pytest.raises(ValidationError) as error:
        services.submit_report(report=draft, by=reporter)
    assert error.value.code == "period_closed"


def test_only_the_organisations_reporters_change_its_reports(draft, organisation):
    outsider = factories.make_member(factories.make_organisation())
    reader = factories.make_member(organisation, role=MembershipRole.READER)
    for user in (outsider, reader):
        with pytest.raises(PermissionDenied):
            services.save_report(report=draft, by=user, content={"summary": "Intrång"})
        with pytest.raises(PermissionDenied):
            services.submit_report(report=draft, by=user)


def test_only_reviewers_decide(submitted, reporter):
    with pytest.raises(PermissionDenied):
        services.approve_report(report=submitted, by=reporter)
    with pytest.raises(PermissionDenied):
        services.return_report(report=submitted, by=reporter, note="Själv")


def test_a_report_needs_a_responsible_organisation_and_a_period_of_its_budget(
    assignment, other_organisation, period
):
    outsider = factories.make_member(other_organisation)
    with pytest.raises(ValidationError) as error:
        services.create_report(
            assignment=assignment, organisation=other_organisation, period=period, by=outsider
        )
    assert error.value.code == "not_responsible"
    organisation = assignment.organisations.get()
    reporter = factories.make_member(organisation)
    other_period = factories.make_period()
    with pytest.raises(ValidationError) as error:
        services.create_report(
            assignment=assignment, organisation=organisation, period=other_period, by=reporter
        )
    assert error.value.code == "wrong_budget"


def test_saving_bad_values_is_refused_and_writes_nothing(draft, reporter):
    with pytest.raises(ValidationError):
        services.save_report(report=draft, by=reporter, content={"percent_complete": 140})
    draft.refresh_from_db()
    assert draft.percent_complete == 40


def test_a_report_without_summary_cannot_be_submitted(draft, reporter):
    services.save_report(report=draft, by=reporter, content={"summary": ""})
    with pytest.raises(ValidationError) as error:
        services.submit_report(report=draft, by=reporter)
    assert error.value.code == "summary_required"
    assert not draft.versions.exists()
