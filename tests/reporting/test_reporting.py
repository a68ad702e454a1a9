"""The reporters' pages: from "Mina uppdrag" to a submitted report, and who may see what."""

from __future__ import annotations

import datetime
import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from assignments import services
from assignments.models import (
    Attachment,
    MembershipRole,
    Report,
    ReportAction,
    ReportStatus,
)
from goals.models import GlobalTarget
from tests import factories
from tests.helpers import PDF, upload

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def draft(assignment, organisation, period, reporter):
    report = services.create_report(
        assignment=assignment, organisation=organisation, period=period, by=reporter
    )
    return services.save_report(
        report=report, by=reporter, content={"summary": "Vi har börjat.", "progress": "on_track"}
    )


def form_data(report: Report, **overrides) -> dict:
    data = {
        "progress": "on_track",
        "percent_complete": "40",
        "summary": "Arbetet går enligt plan.",
        "narrative": "Vi har kartlagt målen.",
        "global_goals_integration": "Vi samverkar med föreningar.",
        "next_steps": "Fortsätta.",
        "obstacles": "",
        "edit_version": str(report.edit_version),
        "targets": [],
    }
    data.update(overrides)
    return data


# Access: every staff URL and method, as anonymous, outsider, member and reviewer.


def staff_urls(report: Report, attachment: Attachment) -> list[tuple[str, str, str, dict]]:
    """(name, method, url, data) of every staff URL that concerns one report."""
    edit = reverse("assignments:report_edit", args=[report.pk])
    submit = reverse("assignments:report_submit", args=[report.pk])
    download = reverse("assignments:attachment_download", args=[report.pk, attachment.pk])
    remove = reverse("assignments:attachment_remove", args=[report.pk, attachment.pk])
    return [
        ("detail", "get", reverse("assignments:report_detail", args=[report.pk]), {}),
        ("edit", "get", edit, {}),
        ("edit", "post", edit, form_data(report)),
        ("submit", "get", submit, {}),
        ("submit", "post", submit, {"edit_version": report.edit_version}),
        ("version", "get", reverse("assignments:report_version", args=[report.pk, 1]), {}),
        ("download", "get", download, {}),
        ("remove", "post", remove, {}),
    ]


@pytest.fixture
def report_with_version(draft, reporter, reviewer):
    services.add_attachment(report=draft, by=reporter, upload=upload("plan.pdf", PDF))
    services.submit_report(report=draft, by=reporter)
    services.return_report(report=draft, by=reviewer, note="Komplettera.")
    draft.refresh_from_db()
    return draft


def test_anonymous_users_are_sent_to_log_in(client, report_with_version):
    attachment = report_with_version.attachments.get()
    urls = staff_urls(report_with_version, attachment)
    urls.append(("mine", "get", reverse("assignments:my_assignments"), {}))
    urls.append(("start", "post", reverse("assignments:report_start"), {}))
    for _name, method, url, data in urls:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_members_of_another_organisation_get_404_everywhere(client, report_with_version):
    outsider = factories.make_member(factories.make_organisation())
    client.force_login(outsider)
    attachment = report_with_version.attachments.get()
    for _name, method, url, data in staff_urls(report_with_version, attachment):
        assert getattr(client, method)(url, data).status_code == 404, (method, url)
    start = {
        "organisation": report_with_version.organisation_id,
        "assignment": report_with_version.assignment_id,
        "period": report_with_version.period_id,
    }
    assert client.post(reverse("assignments:report_start"), start).status_code == 404
    report_with_version.refresh_from_db()
    assert report_with_version.summary == "Vi har börjat."
    assert report_with_version.attachments.filter(detached=False).count() == 1


def test_reviewers_and_readers_read_but_never_change(client, report_with_version, reviewer):
    reader = factories.make_member(report_with_version.organisation, role=MembershipRole.READER)
    attachment = report_with_version.attachments.get()
    for user in (reviewer, reader):
        client.force_login(user)
        for name, method, url, data in staff_urls(report_with_version, attachment):
            response = getattr(client, method)(url, data)
            if method == "post":
                assert response.status_code == 403, (user, method, url)
            elif name in ("edit", "submit"):
                assert response.status_code == 302, (user, url)  # to the read-only page
                assert response.url == reverse(
                    "assignments:report_detail", args=[report_with_version.pk]
                )
            else:
                assert response.status_code == 200, (user, url)
    report_with_version.refresh_from_db()
    assert report_with_version.status == ReportStatus.RETURNED
    assert report_with_version.summary == "Vi har börjat."


def test_members_use_every_page(client, report_with_version, reporter):
    client.force_login(reporter)
    attachment = report_with_version.attachments.get()
    expected = [200, 200, 302, 200, 302, 200, 200, 302]
    for (_name, method, url, data), status in zip(
        staff_urls(report_with_version, attachment), expected, strict=True
    ):
        assert getattr(client, method)(url, data).status_code == status, (method, url)


# "Mina uppdrag"


def test_my_assignments_shows_each_state_deadline_and_the_reviewers_note(
    client, reporter, organisation, budget, reviewer
):
    period = factories.make_period(
        budget=budget, name="Tertial 2", deadline=datetime.date.today() + datetime.timedelta(5)
    )
    a_new = factories.make_assignment(budget=budget, organisations=[organisation], title="Nytt")
    a_returned = factories.make_assignment(
        budget=budget, organisations=[organisation], title="Återskickat"
    )
    report = services.create_report(
        assignment=a_returned, organisation=organisation, period=period, by=reporter
    )
    services.save_report(report=report, by=reporter, content={"summary": "Klart."})
    services.submit_report(report=report, by=reporter)
    services.return_report(report=report, by=reviewer, note="Lägg till exempel från skolorna.")
    client.force_login(reporter)
    response = client.get(reverse("assignments:my_assignments"), HTTP_ACCEPT_LANGUAGE="sv")
    page = response.content.decode()
    assert response.status_code == 200
    assert organisation.name in page
    assert a_new.title in page and a_returned.title in page
    assert "Lägg till exempel från skolorna." in page
    assert "5 dagar kvar" in page
    assert "Starta rapport" in page


def test_my_assignments_groups_several_organisations(client, budget, period):
    first, second = factories.make_organisation(), factories.make_organisation()
    user = factories.make_member(first)
    user.memberships.create(organisation=second)
    factories.make_assignment(budget=budget, organisations=[first], title="Förstas uppdrag")
    factories.make_assignment(budget=budget, organisations=[second], title="Andras uppdrag")
    factories.make_assignment(
        budget=budget, organisations=[factories.make_organisation()], title="Någon annans"
    )
    client.force_login(user)
    page = client.get(reverse("assignments:my_assignments")).content.decode()
    assert page.index(first.name) < page.index("Förstas uppdrag") < page.index(second.name)
    assert "Andras uppdrag" in page
    assert "Någon annans" not in page


def test_my_assignments_marks_the_assignments_the_organisation_takes_part_in(
    client, reporter, organisation, budget, period
):
    from assignments.models import Responsibility, ResponsibilityRole

    factories.make_assignment(budget=budget, organisations=[organisation], title="Vi leder")
    shared = factories.make_assignment(
        budget=budget, organisations=[factories.make_organisation()], title="Vi deltar"
    )
    Responsibility.objects.create(
        assignment=shared, organisation=organisation, role=ResponsibilityRole.PARTICIPANT
    )
    client.force_login(reporter)
    with translation.override("en"):
        page = client.get(reverse("assignments:my_assignments")).content.decode()

    rows = {
        title: page[page.index(title) :].split("</tr>", 1)[0] for title in ("Vi leder", "Vi deltar")
    }
    assert "(taking part)" in rows["Vi deltar"]
    assert "(taking part)" not in rows["Vi leder"]


def test_closed_and_unopened_periods_are_not_listed(client, reporter, organisation, budget):
    factories.make_assignment(budget=budget, organisations=[organisation], title="Uppdraget")
    factories.make_period(budget=budget, name="Stängd", closed=True)
    factories.make_period(budget=budget, name="Framtida", opens_on=datetime.date(2099, 1, 1))
    client.force_login(reporter)
    page = client.get(reverse("assignments:my_assignments")).content.decode()
    assert "Stängd" not in page and "Framtida" not in page


def _count_my_assignments_queries(client, user) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("assignments:my_assignments"))
    assert response.status_code == 200
    return len(queries)


def test_my_assignments_makes_the_same_number_of_queries_for_1_and_50(client, budget, period):
    organisation = factories.make_organisation()
    user = factories.make_member(organisation)
    client.force_login(user)
    assignment = factories.make_assignment(budget=budget, organisations=[organisation])
    services.create_report(assignment=assignment, organisation=organisation, period=period, by=user)
    one = _count_my_assignments_queries(client, user)
    for _ in range(49):
        extra = factories.make_assignment(budget=budget, organisations=[organisation])
        services.create_report(assignment=extra, organisation=organisation, period=period, by=user)
    second_org = factories.make_organisation()
    user.memberships.create(organisation=second_org)
    factories.make_assignment(budget=budget, organisations=[second_org])
    factories.make_period(budget=budget, name="Årsanalys")
    fifty = _count_my_assignments_queries(client, user)
    assert fifty == one


# Writing and submitting


def test_starting_a_report_creates_a_draft_and_opens_the_form(
    client, reporter, organisation, assignment, period
):
    client.force_login(reporter)
    response = client.post(
        reverse("assignments:report_start"),
        {"organisation": organisation.pk, "assignment": assignment.pk, "period": period.pk},
    )
    report = Report.objects.get()
    assert response.url == reverse("assignments:report_edit", args=[report.pk])
    assert report.status == ReportStatus.DRAFT
    # Starting again continues the same report.
    client.post(
        reverse("assignments:report_start"),
        {"organisation": organisation.pk, "assignment": assignment.pk, "period": period.pk},
    )
    assert Report.objects.count() == 1


def test_saving_a_draft_keeps_texts_targets_and_attachments(client, reporter, draft):
    client.force_login(reporter)
    targets = list(
        GlobalTarget.objects.filter(goal__framework="sdg", code__in=["11.6", "13.1"]).values_list(
            "pk", flat=True
        )
    )
    response = client.post(
        reverse("assignments:report_edit", args=[draft.pk]),
        form_data(draft, targets=targets, new_attachments=[upload("plan.pdf", PDF)]),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.summary == "Arbetet går enligt plan."
    assert draft.percent_complete == 40
    assert sorted(draft.contributed_targets.values_list("code", flat=True)) == ["11.6", "13.1"]
    attachment = draft.attachments.get()
    assert attachment.original_name == "plan.pdf"
    assert attachment.content_type == "application/pdf"
    assert "plan" not in attachment.file.name  # stored under a random name
    assert draft.events.filter(action=ReportAction.SAVED).count() == 2


def test_the_form_shows_targets_grouped_by_goal_as_labelled_checkboxes(client, reporter, draft):
    client.force_login(reporter)
    page = client.get(reverse("assignments:report_edit", args=[draft.pk])).content.decode()
    assert page.count('type="checkbox"') == 169
    assert page.count('<details class="target-group"') == 17
    assert page.count("<legend") >= 17
    # Swedish page: a target without Swedish text is shown in English, marked as such.
    assert '<span lang="en">' in page
    # English page: English is the page's language, so nothing is marked.
    with translation.override("en"):
        english = client.get(reverse("assignments:report_edit", args=[draft.pk]))
    assert english.status_code == 200
    assert '<span lang="en">' not in english.content.decode()


def test_a_form_with_errors_keeps_everything_and_names_the_files_to_attach_again(
    client, reporter, draft
):
    client.force_login(reporter)
    response = client.post(
        reverse("assignments:report_edit", args=[draft.pk]),
        form_data(
            draft,
            percent_complete="140",
            narrative="En lång text som inte får försvinna.",
            new_attachments=[upload("bilaga.pdf", PDF)],
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "En lång text som inte får försvinna." in page
    assert 'value="140"' in page
    assert "bilaga.pdf" in page
    assert 'aria-invalid="true"' in page
    draft.refresh_from_db()
    assert draft.narrative == ""
    assert not draft.attachments.exists()


def test_a_file_named_pdf_with_other_content_is_refused(client, reporter, draft):
    client.force_login(reporter)
    response = client.post(
        reverse("assignments:report_edit", args=[draft.pk]),
        form_data(draft, new_attachments=[upload("rapport.pdf", b"<html><script>x</script>")]),
    )
    assert response.status_code == 200
    assert "rapport.pdf" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_png_named_pdf_is_refused_as_mismatched(draft, reporter):
    with pytest.raises(ValidationError) as error:
        services.add_attachment(report=draft, by=reporter, upload=upload("bild.pdf", PNG))
    assert error.value.code == "file_name_mismatch"


def test_an_11_mb_file_is_refused(client, reporter, draft):
    client.force_login(reporter)
    big = PDF + b"0" * (11 * 1024 * 1024)
    response = client.post(
        reverse("assignments:report_edit", args=[draft.pk]),
        form_data(draft, new_attachments=[upload("stor.pdf", big)]),
    )
    assert response.status_code == 200
    assert "10,0" in response.content.decode() or "10.0" in response.content.decode()
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("plan.pdf", PDF, "application/pdf"),
        ("bild.png", PNG, "image/png"),
        (
            "text.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_allowed_documents_are_accepted_by_content(draft, reporter, name, content, mime):
    attachment = services.add_attachment(report=draft, by=reporter, upload=upload(name, content))
    assert attachment.content_type == mime


def test_the_concurrent_second_save_is_refused_with_both_texts_shown(client, draft):
    organisation = draft.organisation
    anna = factories.make_member(organisation, first_name="Anna", last_name="Ek")
    bo = factories.make_member(organisation)
    loaded = draft.edit_version
    client.force_login(anna)
    client.post(
        reverse("assignments:report_edit", args=[draft.pk]),
        form_data(draft, summary="Annas sammanfattning", edit_version=loaded),
    )
    client.force_login(bo)
    response = client.post(
        reverse("assignments:report_edit", args=[draft.pk]),
        form_data(draft, summary="Bos sammanfattning", edit_version=loaded),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Annas sammanfattning" in page and "Bos sammanfattning" in page
    assert "Anna Ek" in page
    draft.refresh_from_db()
    assert draft.summary == "Annas sammanfattning"
    # Bo has seen both and saves again on purpose: now it goes through.
    response = client.post(
        reverse("assignments:report_edit", args=[draft.pk]),
        form_data(draft, summary="Bos sammanfattning", edit_version=draft.edit_version),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.summary == "Bos sammanfattning"


@pytest.mark.parametrize("button", ["save", "save_and_submit"])
def test_a_colleagues_submission_meanwhile_keeps_what_was_typed(client, draft, button):
    """Both the draft save and "save and continue" from a stale form keep the typed text."""
    organisation = draft.organisation
    anna = factories.make_member(organisation, first_name="Anna", last_name="Ek")
    bo = factories.make_member(organisation)
    loaded = draft.edit_version
    services.submit_report(report=draft, by=anna)
    client.force_login(bo)
    typed = "Bos långa text som inte får försvinna.\nAndra stycket."
    response = client.post(
        reverse("assignments:report_edit", args=[draft.pk]),
        form_data(draft, narrative=typed, edit_version=loaded, **{button: "1"}),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Anna Ek skickade in rapporten" in page
    assert "Bos långa text som inte får försvinna." in page  # in the form and the comparison
    assert response.context["form"]["narrative"].value() == typed
    assert "Vi har börjat." in page  # the submitted text beside it
    assert 'name="save"' not in page  # nothing that could not be saved is offered
    draft.refresh_from_db()
    assert draft.status == ReportStatus.SUBMITTED
    assert draft.narrative == ""


def test_submitting_from_a_second_tab_says_a_colleague_already_did(client, draft):
    anna = factories.make_member(draft.organisation, first_name="Anna", last_name="Ek")
    bo = factories.make_member(draft.organisation)
    services.submit_report(report=draft, by=anna)
    client.force_login(bo)
    response = client.post(
        reverse("assignments:report_submit", args=[draft.pk]),
        {"edit_version": draft.edit_version},
        follow=True,
    )
    assert response.status_code == 200
    assert "Anna Ek har redan skickat in rapporten" in response.content.decode()
    assert draft.versions.count() == 1


def test_a_reader_still_may_not_post_the_report_form(client, draft):
    reader = factories.make_member(draft.organisation, role=MembershipRole.READER)
    client.force_login(reader)
    response = client.post(reverse("assignments:report_edit", args=[draft.pk]), form_data(draft))
    assert response.status_code == 403


def test_a_text_over_the_limit_gets_the_form_back_with_everything_kept(client, reporter, draft):
    """Over 2.5 MB (Django's default limit of a request's fields) and over the stated limit."""
    client.force_login(reporter)
    narrative = "å" * 1_400_000  # 2.8 MB in UTF-8
    response = client.post(
        reverse("assignments:report_edit", args=[draft.pk]),
        form_data(draft, narrative=narrative, summary="Sammanfattningen finns kvar."),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "narrative" in form.errors
    assert form["narrative"].value() == narrative
    assert form["summary"].value() == "Sammanfattningen finns kvar."
    assert "Högst 100" in response.content.decode()
    draft.refresh_from_db()
    assert draft.narrative == ""


def test_the_form_states_the_limit_of_the_long_texts(client, reporter, draft):
    client.force_login(reporter)
    page = client.get(reverse("assignments:report_edit", args=[draft.pk])).content.decode()
    assert 'data-maxlength="100000"' in page
    assert "Högst 100\xa0000 tecken." in page


def test_submitting_goes_through_a_confirmation_that_shows_what_is_sent(client, reporter, draft):
    client.force_login(reporter)
    response = client.post(
        reverse("assignments:report_edit", args=[draft.pk]),
        form_data(draft, summary="Det här skickas.", save_and_submit="1"),
    )
    assert response.url == reverse("assignments:report_submit", args=[draft.pk])
    confirmation = client.get(response.url).content.decode()
    assert "Det här skickas." in confirmation
    draft.refresh_from_db()
    assert draft.status == ReportStatus.DRAFT  # nothing sent before the confirmation
    response = client.post(response.url, {"edit_version": draft.edit_version})
    assert response.url == reverse("assignments:report_detail", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == ReportStatus.SUBMITTED
    assert draft.current_version.summary == "Det här skickas."
    detail = client.get(response.url).content.decode()
    assert "Inskickad" in detail


def test_submitting_requires_a_summary(client, reporter, draft):
    client.force_login(reporter)
    response = client.post(
        reverse("assignments:report_edit", args=[draft.pk]),
        form_data(draft, summary="", save_and_submit="1"),
    )
    assert response.status_code == 200
    assert "Skriv en sammanfattning" in response.content.decode()


def test_a_confirmation_for_content_that_changed_since_is_refused(client, reporter, draft):
    client.force_login(reporter)
    shown = draft.edit_version
    services.save_report(report=draft, by=reporter, content={"summary": "Ändrad sedan."})
    response = client.post(
        reverse("assignments:report_submit", args=[draft.pk]), {"edit_version": shown}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ReportStatus.DRAFT


def test_a_closed_period_refuses_the_submission_with_a_message(client, reporter, draft, period):
    period.closed = True
    period.save()
    client.force_login(reporter)
    page = client.get(reverse("assignments:report_submit", args=[draft.pk])).content.decode()
    assert "är stängd" in page
    response = client.post(
        reverse("assignments:report_submit", args=[draft.pk]),
        {"edit_version": draft.edit_version},
        follow=True,
    )
    assert "är stängd" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ReportStatus.DRAFT


def test_a_submitted_report_cannot_be_changed_by_its_reporters(client, reporter, draft):
    services.submit_report(report=draft, by=reporter)
    client.force_login(reporter)
    response = client.get(reverse("assignments:report_edit", args=[draft.pk]))
    assert response.url == reverse("assignments:report_detail", args=[draft.pk])
    response = client.post(
        reverse("assignments:report_edit", args=[draft.pk]), form_data(draft, summary="Ändrad")
    )
    assert response.status_code == 200  # the form back with what was typed, and why
    assert response.context["locked"]
    draft.refresh_from_db()
    assert (draft.status, draft.summary) == (ReportStatus.SUBMITTED, "Vi har börjat.")


def test_a_returned_report_shows_the_note_and_can_be_submitted_again(
    client, reporter, reviewer, draft
):
    services.submit_report(report=draft, by=reporter)
    services.return_report(report=draft, by=reviewer, note="Beskriv samverkan med skolorna.")
    client.force_login(reporter)
    page = client.get(reverse("assignments:report_edit", args=[draft.pk])).content.decode()
    assert "Beskriv samverkan med skolorna." in page
    draft.refresh_from_db()
    client.post(
        reverse("assignments:report_edit", args=[draft.pk]),
        form_data(draft, summary="Nu med skolorna.", save_and_submit="1"),
    )
    draft.refresh_from_db()
    client.post(
        reverse("assignments:report_submit", args=[draft.pk]), {"edit_version": draft.edit_version}
    )
    draft.refresh_from_db()
    assert draft.status == ReportStatus.SUBMITTED
    assert draft.versions.count() == 2


# History and attachments


def test_members_see_the_event_log_and_earlier_versions(client, reporter, reviewer, draft):
    services.submit_report(report=draft, by=reporter)
    services.return_report(report=draft, by=reviewer, note="Mer om kostnaderna.")
    services.save_report(report=draft, by=reporter, content={"summary": "Version två."})
    services.submit_report(report=draft, by=reporter)
    client.force_login(reporter)
    page = client.get(reverse("assignments:report_detail", args=[draft.pk])).content.decode()
    assert "Mer om kostnaderna." in page
    assert reverse("assignments:report_version", args=[draft.pk, 1]) in page
    first = client.get(reverse("assignments:report_version", args=[draft.pk, 1])).content.decode()
    assert "Vi har börjat." in first
    assert "Version två." not in first


def test_removing_an_attachment_keeps_it_with_the_version_that_was_sent(
    client, reporter, reviewer, draft
):
    attachment = services.add_attachment(report=draft, by=reporter, upload=upload("a.pdf", PDF))
    services.submit_report(report=draft, by=reporter)
    services.return_report(report=draft, by=reviewer, note="Byt bilaga.")
    client.force_login(reporter)
    client.post(reverse("assignments:attachment_remove", args=[draft.pk, attachment.pk]))
    attachment.refresh_from_db()
    assert attachment.detached
    assert attachment.file.storage.exists(attachment.file.name)
    assert draft.versions.get().attachments.get() == attachment


def test_removing_a_never_submitted_attachment_deletes_the_file(
    client, reporter, draft, django_capture_on_commit_callbacks
):
    attachment = services.add_attachment(report=draft, by=reporter, upload=upload("a.pdf", PDF))
    name, storage = attachment.file.name, attachment.file.storage
    client.force_login(reporter)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assignments:attachment_remove", args=[draft.pk, attachment.pk]))
    assert not Attachment.objects.exists()
    assert not storage.exists(name)


def test_attachments_download_as_files_never_inline(client, reporter, draft):
    attachment = services.add_attachment(report=draft, by=reporter, upload=upload("a.pdf", PDF))
    client.force_login(reporter)
    response = client.get(
        reverse("assignments:attachment_download", args=[draft.pk, attachment.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    # The file's own policy, not the pages' one: nothing in it may run, even if opened.
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(response.streaming_content) == PDF


def test_attachments_of_a_published_version_are_public(client, reporter, reviewer, draft):
    attachment = services.add_attachment(report=draft, by=reporter, upload=upload("a.pdf", PDF))
    url = reverse("assignments:attachment_download", args=[draft.pk, attachment.pk])
    services.submit_report(report=draft, by=reporter)
    services.approve_report(report=draft, by=reviewer)
    assert client.get(url).status_code == 302  # approved, not yet public
    services.publish_report(report=draft, by=reviewer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")


def post_as_a_browser(client, report, fields: dict, files: list[tuple[str, bytes]]):
    """The report form encoded as a browser sends it, with file names as given (the test
    client cuts a file's name to 255 characters)."""
    boundary = "----portal-test-boundary"
    parts = []
    for name, value in fields.items():
        if isinstance(value, list):
            continue
        header = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{header}{value}\r\n".encode())
    for filename, content in files:
        parts.append(
            (
                f"--{boundary}\r\nContent-Disposition: form-data; "
                f'name="new_attachments"; filename="{filename}"\r\n'
                "Content-Type: application/pdf\r\n\r\n"
            ).encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return client.generic(
        "POST",
        reverse("assignments:report_edit", args=[report.pk]),
        b"".join(parts),
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def test_a_file_name_too_long_gets_the_form_back_with_everything_typed(client, reporter, draft):
    client.force_login(reporter)
    typed = form_data(draft, narrative="Allt detta skrev jag själv.")
    response = post_as_a_browser(client, draft, typed, [("å" * 5000 + ".pdf", PDF)])
    assert response.status_code == 200
    form = response.context["form"]
    assert form["narrative"].value() == "Allt detta skrev jag själv."
    assert "är längre än 255 tecken" in " ".join(form.errors["new_attachments"])
    assert response.context["files_to_attach_again"] == []  # the refused file is not listed
    assert draft.attachments.count() == 0


def test_a_long_name_in_a_script_of_several_bytes_a_letter_is_attached(client, reporter, draft):
    """255 letters of four bytes each: more than Django's 1 KiB for a part's headers."""
    client.force_login(reporter)
    name = "📄" * 251 + ".pdf"
    response = post_as_a_browser(client, draft, form_data(draft), [(name, PDF)])
    assert response.status_code == 302
    assert draft.attachments.get().original_name == name


def test_a_refused_file_is_not_among_those_to_attach_again(client, reporter, draft):
    client.force_login(reporter)
    response = client.post(
        reverse("assignments:report_edit", args=[draft.pk]),
        form_data(
            draft,
            percent_complete="400",
            new_attachments=[upload("plan.pdf", PDF), upload("virus.pdf", b"MZ\x90\x00")],
        ),
    )
    assert response.status_code == 200
    assert response.context["files_to_attach_again"] == ["plan.pdf"]


def test_a_reviewer_on_my_assignments_is_led_to_the_review_queue(client, reviewer):
    client.force_login(reviewer)
    page = client.get(reverse("assignments:my_assignments")).content.decode()
    assert "Be hållbarhetskansliet" not in page
    assert reverse("admin:assignments_report_changelist") in page


def test_the_deadline_line_says_deadline_once(client, reporter, assignment, budget):
    factories.make_period(
        budget=budget,
        name="Sen period",
        opens_on=datetime.date(2000, 1, 1),
        deadline=datetime.date.today() - datetime.timedelta(days=3),
    )
    client.force_login(reporter)
    page = client.get(reverse("assignments:my_assignments")).content.decode()
    line = re.search(r'<p class="deadline[^"]*">(.*?)</p>', page, re.S)[1]
    assert " ".join(re.sub(r"<[^>]+>", "", line).split()).lower().count("sista dag") == 1
    assert "passerad för 3 dagar sedan" in line


def test_the_target_picker_opens_the_goals_the_assignment_links_to_first(client, reporter, draft):
    from goals.models import GlobalGoal

    draft.assignment.global_goals.add(GlobalGoal.objects.sdg().get(number=13))
    client.force_login(reporter)
    page = client.get(reverse("assignments:report_edit", args=[draft.pk])).content.decode()
    groups = re.findall(r'<details class="target-group([^"]*)"([^>]*)>\s*<summary>([^<]*)', page)
    assert groups[0][0] == " target-group--linked" and " open" in groups[0][1]
    assert "13:" in groups[0][2]
    assert "kopplat till uppdraget" in page
    assert all(" open" not in attrs for _cls, attrs, _title in groups[1:])


def test_the_confirmation_of_a_draft_without_summary_offers_writing_it_not_submitting(
    client, reporter, draft
):
    services.save_report(report=draft, by=reporter, content={"summary": ""})
    client.force_login(reporter)
    page = client.get(reverse("assignments:report_submit", args=[draft.pk])).content.decode()
    assert "Skicka in rapporten" not in page
    assert "Skriv sammanfattningen" in page
    assert re.search(r"<title>Fel: ", page)


def test_a_form_with_errors_says_so_in_its_page_title(client, reporter, draft):
    client.force_login(reporter)
    response = client.post(
        reverse("assignments:report_edit", args=[draft.pk]),
        form_data(draft, percent_complete="400"),
    )
    assert re.search(r"<title>Fel: Skriv rapport", response.content.decode())


def test_the_reports_history_writes_dates_in_one_style(client, reporter, draft):
    services.submit_report(report=draft, by=reporter)
    client.force_login(reporter)
    page = client.get(reverse("assignments:report_detail", args=[draft.pk])).content.decode()
    shown = re.findall(r"<time datetime=\"[^\"]+\">([^<]+)</time>", page)
    assert shown
    months = "januari februari mars april maj juni juli augusti september oktober november december"
    for text in shown:
        _day, month, *_rest = text.split()
        assert month in months.split(), text
