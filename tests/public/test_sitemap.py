"""The sitemap lists every public page in Swedish and English, and no unpublished report."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from assignments.models import ReportAction
from goals.models import GlobalGoal, GlobalTarget
from tests import factories
from tests.helpers import make_reports_in_every_state

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}
HOST = "http://testserver"


def sitemap(client) -> dict[str, dict]:
    """Each <url> of the sitemap: its location, lastmod and alternates by language."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    entries = {}
    for url in ET.fromstring(response.content).findall("sm:url", NS):
        location = url.findtext("sm:loc", namespaces=NS)
        entries[location] = {
            "lastmod": url.findtext("sm:lastmod", namespaces=NS),
            "alternates": {
                link.get("hreflang"): link.get("href")
                for link in url.findall("xhtml:link", NS)
                if link.get("rel") == "alternate"
            },
        }
    return entries


def urls(name: str, *args) -> dict[str, str]:
    """The page's address in each language, as the sitemap gives it."""
    result = {}
    for language in ("sv", "en"):
        with override(language):
            result[language] = HOST + reverse(name, args=args)
    return result


def assert_listed(entries: dict, name: str, *args) -> dict:
    addresses = urls(name, *args)
    for address in addresses.values():
        assert address in entries, address
        alternates = entries[address]["alternates"]
        assert alternates == {
            "sv": addresses["sv"],
            "en": addresses["en"],
            "x-default": addresses["sv"],
        }
    return entries[addresses["sv"]]


@pytest.fixture
def every_state(workflow):
    return make_reports_in_every_state(workflow)


def test_the_sitemap_lists_published_reports_and_no_others(client, every_state):
    entries = sitemap(client)
    for state in ("published", "reopened", "reapproved"):
        report = every_state[state]
        entry = assert_listed(entries, "public:report_detail", report.pk)
        published = report.events.filter(action=ReportAction.PUBLISHED).latest("at").at
        assert datetime.date.fromisoformat(entry["lastmod"]) == timezone.localdate(published)
    for state in ("draft", "submitted", "returned", "approved"):
        for address in urls("public:report_detail", every_state[state].pk).values():
            assert address not in entries


def test_the_sitemap_lists_every_public_page(client, every_state, other_organisation):
    entries = sitemap(client)
    for name in (
        "home",
        "public:assignment_list",
        "public:organisation_list",
        "public:council_goals",
        "public:indicator_list",
        "public:accessibility",
        "goals_public:sdg_list",
        "goals_public:mdg_list",
        "opendata:index",
    ):
        assert_listed(entries, name)
    assert HOST + "/" in entries
    assert HOST + "/en/data/" in entries
    for report in every_state.values():
        assert_listed(entries, "public:assignment_detail", report.assignment.pk)
    assert_listed(entries, "public:organisation_detail", other_organisation.slug)
    assert_listed(entries, "public:period_compilation", every_state["published"].period.pk)
    for goal in GlobalGoal.objects.all():
        name = "goals_public:sdg_detail" if goal.framework == "sdg" else "goals_public:mdg_detail"
        assert_listed(entries, name, goal.number)
    for target in GlobalTarget.objects.select_related("goal"):
        name = f"goals_public:{target.goal.framework}_target"
        assert_listed(entries, name, target.goal.number, target.code)


def test_a_period_without_published_reports_is_not_listed(client, workflow, budget):
    workflow.report("APPROVEDONLY", until="approved")
    empty = factories.make_period(budget=budget)
    entries = sitemap(client)
    for period in (workflow.period, empty):
        for address in urls("public:period_compilation", period.pk).values():
            assert address not in entries


def test_the_sitemap_queries_do_not_grow_with_the_pages(client, workflow):
    workflow.report("A", until="published")
    with CaptureQueriesContext(connection) as small:
        sitemap(client)
    for n in range(4):
        workflow.report(f"B{n}", until="published")
        factories.make_organisation()
        factories.make_indicator()
    with CaptureQueriesContext(connection) as large:
        sitemap(client)
    assert len(large) == len(small)
