"""Every public page linked from the home page, in Swedish and English, passes axe-core."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import override_settings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Not pages a visitor reads: downloads, feeds, the staff side and sign-in.
SKIPPED_PREFIXES = (
    "/admin",
    "/en/admin",
    "/konto",
    "/en/account",
    "/rapportering",
    "/en/reporting",
)
SKIPPED_SUFFIXES = (".csv", ".json", ".xml", ".txt", ".pdf")


@pytest.fixture
def demo_data(reference_data):
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=io.StringIO())


def internal_links(page, origin: str) -> list[str]:
    # The language switch leads to the same page in the other language: checked from there.
    hrefs = page.eval_on_selector_all("a[href]:not([hreflang])", "links => links.map(a => a.href)")
    paths = []
    for href in hrefs:
        url = urlsplit(href)
        if f"{url.scheme}://{url.netloc}" != origin:
            continue
        path = url.path + (f"?{url.query}" if url.query else "")
        if path.startswith(SKIPPED_PREFIXES) or url.path.endswith(SKIPPED_SUFFIXES):
            continue
        if "/bilagor/" in path or "/attachments/" in path or "/flode" in path or "/feed" in path:
            continue
        paths.append(path)
    return list(dict.fromkeys(paths))


@pytest.mark.parametrize("home", ["/", "/en/"])
def test_every_page_linked_from_the_home_page_is_accessible(
    page, live_server, demo_data, assert_accessible, home
):
    page.goto(home)
    assert_accessible(page, home)
    links = internal_links(page, live_server.url)
    assert len(links) >= 5, links
    language = "en" if home == "/en/" else "sv"
    for path in links:
        response = page.goto(path)
        assert response.status == 200, path
        assert page.get_attribute("html", "lang") == language, path
        assert_accessible(page, path)

    # Usable on a 320 px wide screen: no page scrolls sideways (wide tables scroll inside
    # their own focusable region instead).
    page.set_viewport_size({"width": 320, "height": 800})
    for path in [home, *links]:
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} is {overflow}px too wide at 320px"


@pytest.fixture
def indicator_data(reference_data):
    """Indicators of every kind on a council goal, an assignment and goal 13's targets: a
    Kolada key figure split by gender with a baseline and two targets, an organisation's own
    measurement from published reports, and one whose progress the office set by hand."""
    import datetime
    from decimal import Decimal

    from assignments.models import IndicatorSource, ProgressLevel, ReportStatus
    from assignments.services import ValueInput
    from goals.models import GlobalTarget
    from tests import factories

    budget = factories.make_budget(year=2018)
    goal = factories.make_council_goal(budget=budget, text="Malmö ska vara klimatneutralt.")
    organisation = factories.make_organisation(name="Miljönämnden")
    assignment = factories.make_assignment(
        budget=budget, organisations=[organisation], council_goal=goal
    )
    target = GlobalTarget.objects.get(goal__framework="sdg", code="13.2")
    emissions = factories.make_indicator(
        source=IndicatorSource.KOLADA,
        code="N00401",
        kolada_kpi="N00401",
        title_sv="Utsläpp till luft av växthusgaser totalt, ton CO₂e per invånare",
        title_en="Greenhouse gas emissions to air in total, tonnes CO₂e per inhabitant",
        definition_sv="Utsläpp till luft av växthusgaser totalt per invånare i kommunen.",
        unit="ton CO₂e/inv",
        higher_is_better=False,
        has_gender_split=True,
        baseline_year=1990,
        baseline_value=Decimal("6.1"),
        targets={2025: "2.5", 2030: "1.0"},
        assignments=[assignment],
    )
    series = {year: Decimal("6.0") - Decimal(year - 1990) / 10 for year in range(1990, 2023)}
    factories.add_values(emissions, series)
    for category, shift in (("women", Decimal("-0.4")), ("men", Decimal("0.4"))):
        factories.add_values(
            emissions,
            {year: value + shift for year, value in series.items()},
            dimension="gender",
            category=category,
        )
    poverty = factories.make_indicator(
        source=IndicatorSource.ORGANISATION,
        code="ek.utsatta",
        measured_by=organisation,
        title_sv="Barn i ekonomiskt utsatta hushåll",
        unit="%",
        higher_is_better=False,
        targets={2030: 8},
        assignments=[assignment],
    )
    factories.add_values(poverty, {2017: "13.0"})
    reviewer = factories.make_reviewer()
    for name, month in (("Tertial 1", 5), ("Tertial 2", 9)):
        factories.make_report(
            status=ReportStatus.PUBLISHED,
            assignment=assignment,
            organisation=organisation,
            period=factories.make_period(
                budget=budget, name=name, deadline=datetime.date(2018, month, 1)
            ),
            reviewer=reviewer,
            values=[ValueInput(indicator=poverty, value=Decimal("12.5"), note="Preliminär.")],
        )
    overridden = factories.make_indicator(
        code="trygghet",
        title_sv="Andel invånare som känner sig trygga i sitt bostadsområde",
        source_name="SCB",
        progress_override=ProgressLevel.LIMITED,
        progress_override_note="Mätmetoden ändrades 2020.",
    )
    factories.add_values(overridden, {2019: 50, 2020: 52, 2021: 51})
    for indicator in (emissions, poverty, overridden):
        indicator.council_goals.add(goal)
        indicator.global_targets.add(target)
    return assignment


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_indicator_pages_are_accessible(
    page, live_server, indicator_data, assert_accessible, language, monkeypatch
):
    from django.urls import reverse
    from django.utils import translation

    from assignments.public import indicators

    # The table of every value in pages of 20 times: 33 years make two.
    monkeypatch.setattr(indicators, "TIMES_PER_PAGE", 20)

    with translation.override(language):
        paths = [
            reverse("public:indicator_list"),
            f"{reverse('public:indicator_list')}?source=kolada&level=nothing",
            *(reverse("public:indicator_detail", args=[c]) for c in ("N00401", "ek.utsatta")),
            reverse("public:indicator_detail", args=["trygghet"]),
            reverse("public:indicator_values", args=["N00401"]),
            f"{reverse('public:indicator_values', args=['N00401'])}?page=2",
            f"{reverse('public:council_goals')}?year=2018",
            reverse("public:assignment_detail", args=[indicator_data.pk]),
            reverse("goals_public:sdg_detail", args=[13]),
            reverse("goals_public:sdg_target", args=[13, "13.2"]),
        ]
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        assert page.get_attribute("html", "lang") == language, path
        assert_accessible(page, path)

    # The chart and the table of every value scroll by keyboard at 320 px, and the page
    # itself does not scroll sideways.
    page.set_viewport_size({"width": 320, "height": 800})
    for path in paths:
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} is {overflow}px too wide at 320px"
    page.goto(paths[2])
    for region in (".chart__scroll", ".indicator-values__table"):
        scroller = page.locator(region)
        assert scroller.evaluate("e => e.scrollWidth > e.clientWidth"), region
        for _ in range(40):  # from the top of the page, by Tab alone
            page.keyboard.press("Tab")
            if scroller.evaluate("e => e === document.activeElement"):
                break
        else:
            raise AssertionError(f"{region} cannot be reached with the keyboard")
        page.keyboard.press("ArrowRight")
        # Scrolling may be animated: wait for it to move.
        page.wait_for_function("e => e.scrollLeft > 0", arg=scroller.element_handle())
        page.goto(paths[2])

    # The table of every value: its pages are reached by keyboard, and between them they
    # have every year.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(paths[5])
    years = page.locator("table.data-table tbody th[scope=row]").all_inner_texts()
    assert years == [str(year) for year in range(1990, 2010)]
    assert page.locator("table.data-table caption").count() == 1
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('rel')") == "next":
            break
    else:
        raise AssertionError("the next page of values cannot be reached with the keyboard")
    page.keyboard.press("Enter")
    page.wait_for_url("**?page=2")
    years += page.locator("table.data-table tbody th[scope=row]").all_inner_texts()
    assert years == [str(year) for year in range(1990, 2023)]
    assert page.locator("a[rel=prev]").count() == 1
