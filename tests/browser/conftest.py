"""
Browser tests: real Chromium (Debian's package) driven by Playwright, audited with axe-core.

Where no Chromium is installed they are skipped with a clear reason; with
PORTAL_REQUIRE_BROWSER=1 (as .ci/run sets) a missing browser fails the run instead.
Playwright never downloads a browser here: it drives the one at PORTAL_CHROMIUM.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium"))
REQUIRED = os.environ.get("PORTAL_REQUIRE_BROWSER") == "1"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = (
            f"browser tests skipped: no Chromium at {CHROMIUM} "
            "(apt-get install chromium, or set PORTAL_CHROMIUM)"
        )
        if REQUIRED:
            pytest.fail(message.replace("skipped", "required"))
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the live server's database
    # calls happen in the server thread, so Django's async-safety guard does not apply.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A page in a fresh context; the test fails if the browser blocked anything under the
    Content-Security-Policy (an inline script or style the policy does not allow)."""
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    context.set_default_timeout(15_000)
    page = context.new_page()
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()
    assert not blocked, "The Content-Security-Policy blocked:\n" + "\n".join(blocked)


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def assert_accessible(axe):
    """Run axe-core on the page and fail with its report if it finds a WCAG 2.1 A/AA issue."""

    def check(page, what: str) -> None:
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
        assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"

    return check


# The words (between spaces and hyphens) inside the elements a selector finds that a line
# break cuts in two: a column or a label too narrow for its longest word.
_BROKEN_WORDS = """
(selector) => {
  const broken = [];
  for (const root of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('.visually-hidden')) continue;
      for (const match of node.data.matchAll(/[^\\s\\-\\u2010]+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}
"""


@pytest.fixture
def broken_words():
    """broken_words(page, selector): the words a line break cuts in two."""

    def find(page, selector: str) -> list[str]:
        return page.evaluate(_BROKEN_WORDS, selector)

    return find
