"""
The API's documentation page (/api/, /en/api/): rendered on the server from the OpenAPI
description the API serves, in both languages, without scripts or anything from another site.

The expectations are read from /api/v1/openapi.json, so the tests follow the API: a new
operation or parameter that the page does not show fails them.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.utils import translation
from django.utils.html import escape

from tests.public.helpers import outline

pytestmark = pytest.mark.django_db

PAGES = {"sv": "/api/", "en": "/en/api/"}


@pytest.fixture
def description(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(description: dict):
    for path, methods in description["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def page(client, language: str) -> str:
    response = client.get(PAGES[language])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


class Links(HTMLParser):
    """The addresses in a page's src and href attributes, and the ids it has."""

    def __init__(self) -> None:
        super().__init__()
        self.addresses: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value is not None:
                self.addresses.append(value)
            if name == "id" and value:
                self.ids.add(value)


def links(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_page_answers_in_both_languages_as_a_public_page(client, language):
    response = client.get(PAGES[language])
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()
    assert "public" in response["Cache-Control"]


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_operation_and_parameter_of_the_description_is_on_the_page(
    client, description, language
):
    html = page(client, language)
    for path, method, operation in operations(description):
        assert escape(path) in html, path
        assert f'id="operation-{operation["operationId"]}"' in html, path
        for parameter in operation.get("parameters", []):
            assert f">{escape(parameter['name'])}</code>" in html, (path, parameter["name"])
        for status in operation["responses"]:
            assert f'<th scope="row">{status}</th>' in html, (path, status)
        assert method.upper() in html


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_schema_has_a_section_that_the_operations_link_to(client, description, language):
    html = page(client, language)
    found = links(html)
    for name, schema in description["components"]["schemas"].items():
        assert f"schema-{name}" in found.ids, name
        for field in schema.get("properties", {}):
            assert f">{escape(field)}</code>" in html, (name, field)
    fragments = {address[1:] for address in found.addresses if address.startswith("#")}
    assert fragments <= found.ids, fragments - found.ids
    assert {f"schema-{name}" for name in description["components"]["schemas"]} & fragments


def test_the_summaries_are_in_swedish_on_the_swedish_page(client, description):
    swedish, english = page(client, "sv"), page(client, "en")
    summaries = [operation["summary"] for _path, _method, operation in operations(description)]
    with translation.override("sv"):
        translated = {summary: translation.gettext(summary) for summary in summaries}
    assert all(translated[summary] != summary for summary in summaries), [
        summary for summary in summaries if translated[summary] == summary
    ]
    for summary in summaries:
        assert escape(translated[summary]) in swedish, summary
        assert escape(summary) in english, summary
    assert "Budgetåren" in swedish
    assert "The budget years" in english
    assert "The budget years" not in swedish


def test_every_description_of_the_api_has_a_swedish_translation(description):
    """The page would show an untranslated one in English (marked so); none should be."""
    texts = set()
    for _path, _method, operation in operations(description):
        texts |= {operation.get("summary"), operation.get("description")}
        for parameter in operation.get("parameters", []):
            texts.add(parameter.get("description"))
    for schema in description["components"]["schemas"].values():
        texts.add(schema.get("description"))
        texts |= {prop.get("description") for prop in schema.get("properties", {}).values()}
    texts.discard(None)
    texts.discard("")
    with translation.override("sv"):
        untranslated = sorted(text for text in texts if translation.gettext(text) == text)
    assert untranslated == []


@pytest.mark.parametrize("language", ["sv", "en"])
def test_no_script_and_nothing_from_another_site(client, language):
    html = page(client, language)
    assert "<script" not in html.lower()
    for address in links(html).addresses:
        url = urlsplit(address)
        assert not url.scheme or url.netloc in ("testserver",), address
        assert not address.startswith("//"), address


@pytest.mark.parametrize("language", ["sv", "en"])
def test_it_links_to_the_description_the_api_and_the_open_data_page(client, language):
    found = links(page(client, language)).addresses
    assert "/api/v1/openapi.json" in found
    assert "/api/v1/" in found
    assert ("/data/" if language == "sv" else "/en/data/") in found
    assert ("/data/#licence" if language == "sv" else "/en/data/#licence") in found


def test_the_examples_are_addresses_that_answer(client, world, description):
    """With data, every operation has an example, and each answers 200 with JSON."""
    html = page(client, "en")
    examples = re.findall(r'<p class="api-example">.*?<a href="([^"]+)"', html, re.S)
    assert len(examples) == len(list(operations(description)))
    assert "/api/v1/budgets?limit=2" in examples
    for example in examples:
        address = example.replace("&amp;", "&")
        response = client.get(address)
        assert response.status_code == 200, address
        assert response["Content-Type"].startswith("application/json"), address


def test_without_data_an_object_s_example_is_its_list(client):
    html = page(client, "en")
    assert '<a href="/api/v1/budgets?limit=2">' in html
    assert "/api/v1/budgets/{year}" in html


def test_types_are_shown_in_words_with_links_to_the_schemas(client):
    html = page(client, "en")
    # $ref: a link to the schema's section; anyOf with null; list of; enum; dates.
    assert '<a href="#schema-Text"><code>Text</code></a>' in html
    assert "date (YYYY-MM-DD) or <code>null</code>" in html
    assert 'list of <a href="#schema-GoalArea"><code>GoalArea</code></a>' in html
    assert "date and time (ISO 8601) or <code>null</code>" in html
    assert "one of <code>not_started</code>, <code>on_track</code>" in html
    assert "from <code>1</code> to <code>100</code>; default <code>20</code>" in html
    assert "från <code>1</code> till <code>100</code>; standardvärde <code>20</code>" in page(
        client, "sv"
    )
    assert "pattern <code>^[0-9]{1,2}\\.[0-9A-Za-z]{1,2}$</code>" in html
    assert "one of <code>true</code>, <code>false</code>" in html
    report = html.split('id="schema-Report"', 1)[1].split("</section>", 1)[0]
    assert '<a href="#operation-report"><code>GET /api/v1/reports/{id}</code></a>' in report
    assert '<a href="#schema-ReportPage"><code>ReportPage</code></a>' in report
    swedish = page(client, "sv")
    assert 'lista med <a href="#schema-GoalArea"><code lang="en">GoalArea</code></a>' in swedish
    assert 'datum (ÅÅÅÅ-MM-DD) eller <code lang="en">null</code>' in swedish


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_structure_is_accessible(client, language):
    html = page(client, language)
    structure = outline(html)
    assert structure.headings.count(1) == 1
    for before, after in zip(structure.headings, structure.headings[1:], strict=False):
        assert after <= before + 1, structure.headings
    tables = [attrs for tag, attrs in structure.tags if tag == "table"]
    assert tables
    assert html.count("<caption") == len(tables)
    assert html.count("<th>") == 0  # every header cell says what it heads
    regions = [
        attrs
        for tag, attrs in structure.tags
        if tag == "div" and "table-scroll" in (attrs.get("class") or "")
    ]
    assert len(regions) == len(tables)
    assert all(r.get("tabindex") == "0" and r.get("aria-labelledby") for r in regions)


def test_english_texts_on_the_swedish_page_are_marked_english(client):
    swedish = page(client, "sv")
    assert '<code lang="en" class="api-path">/api/v1/budgets</code>' in swedish
    english = page(client, "en")
    assert 'lang="en"' not in english.split("<main", 1)[1].split("</main>", 1)[0].replace(
        '<code lang="en">', ""
    )


def test_the_open_data_page_points_to_the_api(client):
    swedish = client.get("/data/").content.decode()
    english = client.get("/en/data/").content.decode()
    assert '<a href="#api">API</a>' in swedish
    assert 'id="api"' in swedish
    assert '<a href="/api/">API:ets dokumentation</a>' in swedish
    assert 'href="/api/v1/"' in swedish
    assert '<a href="/en/api/">The API\'s documentation</a>' in english
    assert 'href="/api/v1/"' in english
