"""A demo reporter gives the period's indicator values in the browser: a mistake keeps what
was typed, a Swedish decimal comma is saved, and the pages showing the values fit a phone."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from assignments.management.commands.seed_demo import DEMO_PASSWORD
from assignments.models import Indicator, Report, ReportedValue

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def demo_data(reference_data):
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=io.StringIO())


def test_a_reporter_gives_a_value_with_a_decimal_comma_after_a_mistake(
    page, live_server, demo_data, assert_accessible
):
    report = Report.objects.get(organisation__name="Miljönämnden", period__name="Årsanalys")
    indicator = Indicator.objects.get(code="DEMO-MN1")
    page.goto("/konto/login/")
    page.get_by_label("Användarnamn").fill("miljo")
    page.get_by_label("Lösenord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_role("heading", name="Mina uppdrag").wait_for()

    page.goto(reverse("assignments:report_edit", args=[report.pk]))
    group = page.get_by_role("group", name=re.compile("DEMO-MN1"))
    assert group.count() == 1
    value = group.locator(f'input[name="value-{indicator.pk}"]')
    assert value.input_value() == "57"
    assert "38 (Tertial 1 2018)" in group.inner_text()  # the latest published, for reference
    assert_accessible(page, "the report form with indicator values")

    value.fill("femtiosju och en halv")
    page.get_by_role("button", name="Spara utkast").click()
    page.locator(".error-summary").wait_for()
    assert value.input_value() == "femtiosju och en halv"
    assert value.get_attribute("aria-invalid") == "true"
    assert_accessible(page, "the report form with a value in error")

    value.fill("57,5")
    page.get_by_role("button", name="Spara utkast").click()
    page.get_by_text("Utkastet sparades.").wait_for()
    assert value.input_value() == "57,5"
    assert ReportedValue.objects.get(report=report).value == Decimal("57.5")

    def paths_in(language: str) -> list[str]:
        with translation.override(language):
            return [
                reverse("assignments:report_edit", args=[report.pk]),
                reverse("assignments:report_detail", args=[report.pk]),
                reverse("assignments:report_submit", args=[report.pk]),
            ]

    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for language in ("sv", "en"):
            for path in paths_in(language):
                page.goto(path)
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                assert overflow <= 0, f"{path} is {overflow}px too wide at {width}px"
                if width == 320 and "indicator-value-table" in page.content():
                    assert_accessible(page, f"{path} at {width}px")
    page.goto(paths_in("sv")[1])
    assert "57,5" in page.locator(".indicator-value-table").inner_text()


def points_of_the_total(page) -> int:
    """How many values the chart's total line draws: one x,y pair each."""
    path = page.locator("figure.chart--line svg > path").first.get_attribute("d") or ""
    return len(re.findall(r"-?[0-9.]+,-?[0-9.]+", path))


def test_a_reported_value_is_approved_published_and_seen_by_the_public(
    page, browser, live_server, demo_data, assert_accessible
):
    """The whole path of a value: typed by a reporter, decided on by the reviewer, and then
    a new point on the indicator's chart, a row in its table and in the open data."""
    from tests.browser.test_review_path import sign_in_to_the_admin, sign_out_of_the_admin

    report = Report.objects.get(organisation__name="Miljönämnden", period__name="Årsanalys")
    indicator = Indicator.objects.get(code="DEMO-MN1")
    with translation.override("en"):
        indicator_page = reverse("public:indicator_detail", kwargs={"code": indicator.code})
        edit = reverse("assignments:report_edit", args=[report.pk])
        review = reverse("admin:assignments_report_change", args=[report.pk])
    download = reverse("opendata:download", kwargs={"dataset": "indicator-values", "fmt": "csv"})

    # A visitor's browser keeps a public page for a minute (Cache-Control), so each look
    # at the public pages is a new visitor's.
    def visit(path: str):
        visitor = browser.new_context(base_url=live_server.url).new_page()
        visitor.goto(path)
        return visitor

    public = visit(indicator_page)
    before = points_of_the_total(public)
    assert before >= 2
    assert "Årsanalys 2018" not in public.locator("#values table").inner_text()
    assert "DEMO-MN1,2018,Årsanalys," not in public.request.get(download).text()
    public.context.close()

    # The reporter gives the annual analysis's value and submits the report.
    page.goto("/en/account/login/")
    page.get_by_label("Username").fill("miljo")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="My assignments").wait_for()
    page.goto(edit)
    page.locator(f'input[name="value-{indicator.pk}"]').fill("61")
    page.get_by_role("button", name="Save and continue to submit").click()
    page.get_by_role("button", name="Submit the report").wait_for()
    assert "61" in page.locator(".indicator-value-table").inner_text()
    page.get_by_role("button", name="Submit the report").click()
    page.get_by_text("Submitted", exact=True).first.wait_for()
    page.context.clear_cookies()

    # Nothing is public before the reviewer has decided.
    public = visit(indicator_page)
    assert points_of_the_total(public) == before
    public.context.close()

    # The reviewer sees the value beside the last published one, approves and publishes.
    sign_in_to_the_admin(page)
    page.goto(review)
    values = page.locator("table.review-values")
    assert "61" in values.inner_text()
    page.get_by_role("button", name="Approve").click()
    page.get_by_text("was approved").wait_for()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("was published").wait_for()
    sign_out_of_the_admin(page)

    # An anonymous visitor sees the new point, its row in the table and in the open data.
    public = visit(indicator_page)
    assert points_of_the_total(public) == before + 1
    row = public.locator("#values table tbody tr", has_text="Årsanalys 2018")
    assert row.count() == 1
    assert "61" in row.inner_text()
    assert_accessible(public, "the indicator page with the published value")
    data = public.request.get(download).text()
    public.context.close()
    rows = [line for line in data.splitlines() if line.startswith("DEMO-MN1,")]
    assert any(line.startswith("DEMO-MN1,2018,Årsanalys,,,61,") for line in rows), rows
