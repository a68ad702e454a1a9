"""
The review path in the browser: the reviewer sends a report back from the admin, the
reporter fixes and resubmits it in the portal, the reviewer approves and publishes it, and
the public reads it. axe audits the portal's pages (not the Django admin's, whose markup is
Django's).
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from assignments.management.commands.seed_demo import DEMO_PASSWORD
from assignments.models import Report, ReportStatus

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

NOTE = "Beskriv gärna hur ni samverkar med skolorna, med ett konkret exempel."
FIXED_SUMMARY = (
    "Miljönämnden har tillsammans med tre skolor tagit fram exempel på hur de globala "
    "målen används i undervisningen."
)


@pytest.fixture
def demo_data(reference_data):
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=io.StringIO())


def sign_in_to_the_admin(page) -> None:
    page.goto("/en/admin/")
    page.get_by_label("Username").fill("granskare")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Reports", exact=True).first.wait_for()


def open_from_the_queue(page, organisation: str) -> None:
    """From the admin's front page to the report list, which opens on the review queue."""
    page.get_by_role("link", name="Reports", exact=True).first.click()
    page.wait_for_url(re.compile(r"status__exact=submitted"))
    # Narrowed to the organisation with the drop-down filter, still in the queue.
    page.get_by_label("Organisation", exact=True).select_option(label=organisation)
    page.get_by_role("button", name="Filter", exact=True).click()
    page.wait_for_url(re.compile(r"organisation__id__exact=\d+"))
    assert "status__exact=submitted" in page.url
    page.locator("#result_list tbody tr", has_text=organisation).get_by_role("link").first.click()
    page.get_by_role("heading", name="Review of the report").wait_for()


def sign_out_of_the_admin(page) -> None:
    page.get_by_role("button", name="Log out").click()
    # Signed out, the portal's home page offers to sign in again.
    page.get_by_role("link", name="Log in").first.wait_for()


def test_a_report_is_sent_back_fixed_resubmitted_approved_and_published(
    page, live_server, demo_data, assert_accessible
):
    report = Report.objects.get(
        organisation__name="Miljönämnden", assignment__code="2018:1", period__name="Tertial 2"
    )
    assert report.status == ReportStatus.SUBMITTED

    # The reviewer reads the report beside the organisation's previous one and sends it back.
    sign_in_to_the_admin(page)
    open_from_the_queue(page, "Miljönämnden")
    assert page.get_by_role("columnheader", name="Previous: version 1, Tertial 1 2018").count()
    assert page.locator(".review-text ins").count() > 0
    page.get_by_label("What should the reporters change?").fill(NOTE)
    page.get_by_role("button", name="Send back").click()
    page.get_by_text("was sent back to the reporters").wait_for()
    sign_out_of_the_admin(page)

    # The reporter sees the note on "My assignments", fixes the summary and submits again.
    page.goto("/en/account/login/")
    assert_accessible(page, "login page")
    page.get_by_label("Username").fill("miljo")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="My assignments").wait_for()
    page.get_by_text(NOTE).wait_for()
    assert_accessible(page, "my assignments with the reviewer's note")

    tertial_2 = page.get_by_role("table", name="Assignments of Miljönämnden in Tertial 2 2018")
    tertial_2.get_by_role("link", name=re.compile(r"^Continue")).click()
    page.wait_for_selector("form.report-form")
    assert NOTE in page.content()
    assert_accessible(page, "returned report form")
    page.get_by_label("Summary").fill(FIXED_SUMMARY)
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("The draft was saved.").wait_for()
    page.get_by_role("button", name="Save and continue to submit").click()
    page.get_by_role("button", name="Submit the report").wait_for()
    assert FIXED_SUMMARY in page.content()
    assert_accessible(page, "confirmation")
    page.get_by_role("button", name="Submit the report").click()
    page.get_by_text("Submitted", exact=True).first.wait_for()
    assert_accessible(page, "resubmitted report")
    page.context.clear_cookies()

    # The reviewer sees version 2 marked against version 1, approves and publishes it.
    sign_in_to_the_admin(page)
    open_from_the_queue(page, "Miljönämnden")
    assert page.get_by_role("columnheader", name="Previous: version 1, Tertial 2 2018").count()
    page.get_by_label("Note (optional)").fill("Tack, nu är det tydligt.")
    page.get_by_role("button", name="Approve").click()
    page.get_by_text("was approved").wait_for()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("was published").wait_for()
    sign_out_of_the_admin(page)

    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED
    assert report.published_version.number == 2
    assert report.published_version.summary == FIXED_SUMMARY

    # The public reads the published version.
    with translation.override("en"):
        public_url = reverse("public:report_detail", args=[report.pk])
    page.goto(public_url)
    page.get_by_text(FIXED_SUMMARY).first.wait_for()
    assert_accessible(page, "the published report")


@pytest.mark.parametrize("width", [1280, 1024])
def test_the_review_queue_reads_as_a_queue_and_fits_the_screen(
    page, live_server, demo_data, width, assert_accessible, broken_words
):
    from assignments import services
    from assignments.models import ReportingPeriod, User

    # A report submitted in the second open period is in the queue too.
    reporter = User.objects.get(username="mkb")
    organisation = reporter.memberships.get().organisation
    annual = ReportingPeriod.objects.get(name="Årsanalys")
    assignment = organisation.responsibilities.first().assignment
    report = services.create_report(
        assignment=assignment, organisation=organisation, period=annual, by=reporter
    )
    services.save_report(report=report, by=reporter, content={"summary": "Årsanalysens text."})
    services.submit_report(report=report, by=reporter)

    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/konto/login/")
    page.get_by_label("Användarnamn").fill("granskare")
    page.get_by_label("Lösenord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    # Signing in leads the reviewer to the queue.
    page.get_by_role("heading", name="Granskningskö").wait_for()
    assert page.get_by_text("Tertial 2 2018, Årsanalys 2018").count() == 1
    rows = page.locator("#result_list tbody tr")
    assert rows.filter(has_text="Årsanalys 2018").count() == 1
    assert page.get_by_role("img", name="Sök").count() == 1  # the search box in Swedish

    queue = page.url
    for language in ("sv", "en"):
        if language == "en":
            page.goto(queue.replace("/admin/", "/en/admin/"))
            page.get_by_role("heading", name="Review queue").wait_for()
        assert broken_words(page, "#result_list th, #result_list td") == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.evaluate(
            "document.querySelector('#result_list').scrollWidth"
            " <= document.querySelector('.results').clientWidth"
        )
        assert_accessible(page, f"the review queue ({language}, {width} px)")
    page.goto(queue)

    # Searching in the queue finds the report of the other open period; clearing the
    # filters shows every report.
    page.get_by_role("textbox").first.fill(organisation.name)
    page.get_by_role("button", name="Sök").click()
    page.locator("#result_list").wait_for()
    assert rows.filter(has_text="Årsanalys 2018").count() == 1
    page.get_by_role("link", name="Rensa alla filter").first.click()
    page.wait_for_url(lambda url: "all=1" in url)
    assert page.get_by_role("heading", name="Rapporter").count() == 1
