"""The API's documentation page in a real browser: axe-core finds nothing at desktop width and
at 320 px, the page does not scroll sideways, and it loads nothing from another site."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("address", ["/api/", "/en/api/"])
def test_the_api_documentation_is_accessible_at_desktop_width_and_320px(
    page, live_server, reference_data, assert_accessible, broken_words, address
):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.set_viewport_size({"width": 1280, "height": 900})
    response = page.goto(address)
    assert response.status == 200
    assert page.get_attribute("html", "lang") == ("en" if address.startswith("/en/") else "sv")
    assert page.locator("script").count() == 0
    assert page.locator(".api-operation").count() >= 10
    assert_accessible(page, f"{address} at 1280px")

    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(address)
    assert_accessible(page, f"{address} at 320px")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{address} is {overflow}px too wide at 320px"
    # The tables scroll inside their regions instead: names, types and values stay whole (a
    # description's text may wrap where a line can break, as any text does).
    cells = ".api-table th, .api-table td:not(.api-table__description)"
    assert broken_words(page, cells) == []

    origin = urlsplit(live_server.url).netloc
    elsewhere = [url for url in requested if urlsplit(url).netloc != origin]
    assert elsewhere == []
