"""A demo reporter files a report in the browser, from signing in to a submitted report."""

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

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

TEXT = {
    "sv": {
        "prefix": "",
        "username": "Användarnamn",
        "password": "Lösenord",
        "log_in": "Logga in",
        "mine": "Mina uppdrag",
        "start": "Starta rapport",
        "summary": "Sammanfattning",
        "attach": "Bifoga dokument",
        "goal": "Mål 11",
        "save": "Spara utkast",
        "saved": "Utkastet sparades.",
        "continue": "Spara och gå vidare till inskickning",
        "submit": "Skicka in rapporten",
        "submitted": "Inskickad",
    },
    "en": {
        "prefix": "/en",
        "username": "Username",
        "password": "Password",
        "log_in": "Log in",
        "mine": "My assignments",
        "start": "Start report",
        "summary": "Summary",
        "attach": "Attach documents",
        "goal": "Goal 11",
        "save": "Save draft",
        "saved": "The draft was saved.",
        "continue": "Save and continue to submit",
        "submit": "Submit the report",
        "submitted": "Submitted",
    },
}


@pytest.fixture
def demo_data(reference_data):
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.parametrize(("language", "username"), [("sv", "mkb"), ("en", "teknik")])
def test_a_reporter_writes_attaches_picks_targets_and_submits(
    page, live_server, demo_data, assert_accessible, tmp_path, language, username
):
    text = TEXT[language]
    page.goto(f"{text['prefix']}/")
    page.get_by_role("link", name=text["log_in"]).first.click()
    assert_accessible(page, "login page")
    page.get_by_label(text["username"]).fill(username)
    page.get_by_label(text["password"], exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=text["log_in"]).click()

    # "Mina uppdrag": start the annual analysis report.
    page.get_by_role("link", name=text["mine"]).click()
    page.wait_for_selector("section.org-group")
    assert_accessible(page, "my assignments")
    annual = page.locator("section.org-group").first
    annual.get_by_role("button", name=text["start"]).last.click()
    page.wait_for_selector("form.report-form")
    assert_accessible(page, "empty report form")

    page.get_by_label(text["summary"]).fill("Vi har tagit fram exempel i samverkan med skolorna.")
    pdf = tmp_path / "handlingsplan.pdf"
    pdf.write_bytes(PDF)
    page.get_by_label(text["attach"]).set_input_files(str(pdf))

    # Pick two targets of goal 11 with the keyboard alone (a goal the assignment links to
    # is open already).
    goal = page.locator("summary", has_text=text["goal"])
    goal.focus()
    if not goal.evaluate("summary => summary.parentElement.open"):
        page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    checked = page.locator(".target-group[open] input[type=checkbox]:checked")
    assert checked.count() == 2

    page.get_by_role("button", name=text["save"]).click()
    page.get_by_text(text["saved"]).wait_for()
    assert page.get_by_role("link", name="handlingsplan.pdf").count() == 1
    assert_accessible(page, "saved draft")

    page.get_by_role("button", name=text["continue"]).click()
    page.get_by_role("button", name=text["submit"]).wait_for()
    assert "Vi har tagit fram exempel" in page.content()
    assert_accessible(page, "confirmation")
    page.get_by_role("button", name=text["submit"]).click()

    page.get_by_text(text["submitted"], exact=True).first.wait_for()
    assert_accessible(page, "submitted report")
    report = Report.objects.get(
        organisation__memberships__user__username=username, period__name="Årsanalys"
    )
    assert report.status == ReportStatus.SUBMITTED
    assert report.current_version.attachments.get().original_name == "handlingsplan.pdf"
    assert report.current_version.contributed_targets.count() == 2


def sign_in(page, username: str, password: str) -> None:
    page.goto("/konto/login/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_role("heading", name="Mina uppdrag").wait_for()


def test_a_colleagues_submission_meanwhile_loses_nothing_typed(
    browser, page, live_server, reference_data, assert_accessible
):
    """Two colleagues in two browsers: one submits, the other's draft text stays with them."""
    from assignments import services
    from tests import factories

    organisation = factories.make_organisation(name="Servicenämnden")
    budget = factories.make_budget(year=2018)
    assignment = factories.make_assignment(budget=budget, organisations=[organisation])
    period = factories.make_period(budget=budget)
    anna = factories.make_member(organisation, first_name="Anna", last_name="Ek")
    bo = factories.make_member(organisation)
    report = services.create_report(
        assignment=assignment, organisation=organisation, period=period, by=anna
    )
    edit = reverse("assignments:report_edit", args=[report.pk])
    other = browser.new_context(base_url=live_server.url, locale="sv-SE")
    try:
        anna_page = other.new_page()
        sign_in(anna_page, anna.username, factories.PASSWORD)
        sign_in(page, bo.username, factories.PASSWORD)
        anna_page.goto(edit)
        page.goto(edit)
        typed = "Bo har skrivit ett långt stycke om samverkan med skolorna."
        page.get_by_label("Redogörelse").fill(typed)

        anna_page.get_by_label("Sammanfattning").fill("Annas sammanfattning.")
        anna_page.get_by_role("button", name="Spara och gå vidare till inskickning").click()
        anna_page.get_by_role("button", name="Skicka in rapporten").click()
        anna_page.get_by_text("skickades in till hållbarhetskansliet").wait_for()

        page.get_by_role("button", name="Spara utkast").click()
        page.get_by_role("heading", name="Rapporten skickades in medan du skrev").wait_for()
        assert page.get_by_label("Redogörelse").input_value() == typed
        assert page.get_by_role("cell", name=typed).count() == 1
        assert page.get_by_text("Anna Ek skickade in rapporten").count() == 1
        assert page.get_by_role("button", name="Spara utkast").count() == 0
        assert_accessible(page, "the report form after a colleague's submission")
    finally:
        other.close()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_the_reporters_pages_fit_a_phone_and_break_no_word_on_a_wide_screen(
    page, live_server, demo_data, assert_accessible, broken_words
):
    """390 and 320 px: nothing scrolls sideways; 1280 px: no label is cut inside a word."""
    report = Report.objects.get(organisation__name="Kommunstyrelsen", status=ReportStatus.RETURNED)
    published = Report.objects.filter(
        organisation__name="Kommunstyrelsen", status=ReportStatus.PUBLISHED
    ).first()

    def paths_in(language: str) -> list[str]:
        with translation.override(language):
            return [
                reverse("assignments:my_assignments"),
                reverse("assignments:report_detail", args=[report.pk]),
                reverse("assignments:report_edit", args=[report.pk]),
                reverse("assignments:report_submit", args=[report.pk]),
                reverse("assignments:report_version", args=[published.pk, 1]),
            ]

    paths = paths_in("sv")
    # Signing in from the header of a public page leads to "Mina uppdrag".
    page.goto("/uppdrag/")
    page.get_by_role("link", name="Logga in").click()
    page.get_by_label("Användarnamn").fill("ks")
    page.get_by_label("Lösenord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_role("heading", name="Mina uppdrag").wait_for()
    for width in (390, 320, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for language in ("sv", "en"):
            for path in paths_in(language):
                page.goto(path)
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                assert overflow <= 0, f"{path} is {overflow}px too wide at {width}px"
                if width == 1280:
                    assert broken_words(page, "main") == [], path
                if width in (390, 1280):
                    assert_accessible(page, f"{path} at {width}px")
    # The history's times are valid HTML: at most milliseconds, and a time zone.
    page.goto(paths[1])
    for value in page.locator("time[datetime]").evaluate_all("els => els.map(e => e.dateTime)"):
        assert re.fullmatch(
            r"\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:?\d\d))?", value
        ), value


def test_attachments_are_checked_in_the_browser_before_anything_is_sent(
    page, live_server, demo_data
):
    report = Report.objects.get(organisation__name="Kommunstyrelsen", status=ReportStatus.RETURNED)
    page.goto("/konto/login/")
    page.get_by_label("Användarnamn").fill("ks")
    page.get_by_label("Lösenord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_role("heading", name="Mina uppdrag").wait_for()
    page.goto(reverse("assignments:report_edit", args=[report.pk]))
    files = page.get_by_label("Bifoga dokument")
    files.set_input_files(
        [
            {"name": "program.exe", "mimeType": "application/octet-stream", "buffer": b"MZ"},
            {"name": "stor.pdf", "mimeType": "application/pdf", "buffer": b"%PDF" * 2_700_000},
        ]
    )
    page.get_by_text("”program.exe” är inte av någon av de filtyper som anges.").wait_for()
    page.get_by_text(re.compile(r"”stor\.pdf” är 10,3 MB; högst 10,0 MB\.")).wait_for()
    page.get_by_label("Sammanfattning").fill("Text som inte får försvinna.")
    url = page.url
    page.get_by_role("button", name="Spara utkast").click()
    page.wait_for_timeout(300)
    assert page.url == url and page.get_by_label("Sammanfattning").input_value() == (
        "Text som inte får försvinna."
    )
    report.refresh_from_db()
    assert report.summary != "Text som inte får försvinna."  # nothing was sent
    # One ticked target is "1 vald", not "1 valda".
    group = page.locator(".target-group").first
    if not group.evaluate("details => details.open"):
        group.locator("summary").click()
    group.locator("input[type=checkbox]").first.check()
    assert "(1 vald)" in group.locator("summary").inner_text()
