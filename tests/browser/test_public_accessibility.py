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
