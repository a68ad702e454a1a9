"""Atom feeds of published reports: overall and per Agenda 2030 goal, published versions only."""

from __future__ import annotations

import datetime

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import override

from assignments import services
from assignments.models import ReportAction
from assignments.opendata import feeds
from goals.models import GlobalGoal
from tests import factories
from tests.helpers import (
    PUBLISHED_MARKERS,
    UNPUBLISHED_MARKERS,
    make_reports_in_every_state,
    target,
)

pytestmark = pytest.mark.django_db


def fetch(client, path: str):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return response, parsed


def report_url(report, language="en") -> str:
    with override(language):
        return "http://testserver" + reverse("public:report_detail", args=[report.pk])


@pytest.fixture
def every_state(workflow):
    return make_reports_in_every_state(workflow)


def test_the_feed_has_swedish_and_english_addresses():
    with override("en"):
        assert reverse("opendata:feed") == "/en/data/feed/"
        assert reverse("opendata:feed_sdg", args=[11]) == "/en/data/feed/sdg/11/"


def test_the_feed_lists_published_reports_in_their_published_version_only(client, every_state):
    response, parsed = fetch(client, "/en/data/feed/")
    body = response.content.decode()
    for marker in UNPUBLISHED_MARKERS:
        assert marker not in body
    public = [every_state[state] for state in ("published", "reopened", "reapproved")]
    assert parsed.feed.title == "Published reports – the sustainability portal of Malmö stad"
    assert {entry.link for entry in parsed.entries} == {report_url(r) for r in public}
    by_link = {entry.link: entry for entry in parsed.entries}
    for report, marker in zip(public, PUBLISHED_MARKERS, strict=True):
        entry = by_link[report_url(report)]
        assert entry.title == (
            f"{report.assignment.code} – {report.organisation.name} – {report.period}"
        )
        assert entry.summary == f"<p>{marker} sammanfattning</p>"
        assert entry.author == report.organisation.name
        published = report.events.filter(action=ReportAction.PUBLISHED).latest("at").at
        assert entry.updated_parsed[:6] == published.astimezone(datetime.UTC).timetuple()[:6]


def test_the_newest_publication_comes_first_and_the_feed_keeps_the_latest(
    client, workflow, monkeypatch
):
    monkeypatch.setattr(feeds, "LATEST", 2)
    _first, second, third = (
        workflow.report(marker, until="published") for marker in ("ETT", "TVA", "TRE")
    )
    _response, parsed = fetch(client, "/en/data/feed/")
    assert [entry.link for entry in parsed.entries] == [report_url(third), report_url(second)]


def test_the_swedish_feed_links_to_the_swedish_pages(client, every_state):
    with override("sv"):
        path = reverse("opendata:feed")
    _response, parsed = fetch(client, path)
    assert parsed.feed.language == "sv"
    assert {entry.link for entry in parsed.entries} == {
        report_url(every_state[state], "sv") for state in ("published", "reopened", "reapproved")
    }


def test_summaries_are_escaped_html(client, workflow):
    report = workflow.report("X", until="approved")
    services.reopen_report(report=report, by=workflow.reviewer, note="Fel.")
    services.save_report(
        report=report, by=workflow.reporter, content={"summary": "Mål <b>&</b> medel"}
    )
    services.submit_report(report=report, by=workflow.reporter)
    services.approve_report(report=report, by=workflow.reviewer)
    services.publish_report(report=report, by=workflow.reviewer)
    _response, parsed = fetch(client, "/en/data/feed/")
    assert parsed.entries[0].summary == "<p>Mål &lt;b&gt;&amp;&lt;/b&gt; medel</p>"


def test_a_goal_feed_follows_published_contributions_and_the_assignments_links(client, workflow):
    contributes = workflow.report("BIDRAR", until="published", targets=["11.6"])
    linked_goal = workflow.report("MALKOPPLAT", until="published")
    linked_goal.assignment.global_goals.add(GlobalGoal.objects.get(framework="sdg", number=11))
    linked_target = workflow.report("DELMALKOPPLAT", until="published")
    linked_target.assignment.global_targets.add(target("11.2"))
    # Only the unpublished correction contributes to goal 11: not in the feed.
    corrected = workflow.report("ANNAT", until="published", targets=["13.1"])
    workflow.correct(corrected, "CORRECTIONONLY", targets=["11.6"], until="approved")
    # Linked to a Millennium goal only.
    other = workflow.report("MDG", until="published")
    other.assignment.global_goals.add(GlobalGoal.objects.get(framework="mdg", number=7))
    unpublished = workflow.report("APPROVEDONLY", until="approved", targets=["11.6"])
    unpublished.assignment.global_goals.add(GlobalGoal.objects.get(framework="sdg", number=11))

    response, parsed = fetch(client, "/en/data/feed/sdg/11/")
    assert {entry.link for entry in parsed.entries} == {
        report_url(report) for report in (contributes, linked_goal, linked_target)
    }
    assert parsed.feed.title.startswith("Published reports on goal 11: ")
    assert "CORRECTIONONLY" not in response.content.decode()
    assert "APPROVEDONLY" not in response.content.decode()

    _response, parsed = fetch(client, "/en/data/feed/sdg/13/")
    assert [entry.link for entry in parsed.entries] == [report_url(corrected)]


@pytest.mark.parametrize("number", [0, 18])
def test_a_feed_of_a_goal_that_does_not_exist_is_not_found(client, number):
    assert client.get(f"/en/data/feed/sdg/{number}/").status_code == 404


def test_a_feed_is_public_and_may_be_cached_for_a_while(client):
    response = client.get("/en/data/feed/")
    assert "public" in response["Cache-Control"]


@pytest.mark.parametrize("path", ["/en/data/feed/", "/en/data/feed/sdg/11/"])
def test_the_queries_of_a_feed_do_not_grow_with_its_entries(client, workflow, path):
    def grow(size):
        for n in range(size):
            report = workflow.report(f"R{n}", until="published", targets=["11.6"])
            report.assignment.global_goals.add(GlobalGoal.objects.get(framework="sdg", number=11))

    grow(1)
    with CaptureQueriesContext(connection) as small:
        fetch(client, path)
    grow(4)
    with CaptureQueriesContext(connection) as large:
        _response, parsed = fetch(client, path)
    assert len(parsed.entries) == 5
    assert len(large) == len(small)


def test_an_empty_feed_is_still_a_valid_feed(client):
    factories.make_organisation()
    _response, parsed = fetch(client, "/en/data/feed/")
    assert parsed.entries == []
