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
