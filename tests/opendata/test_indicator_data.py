"""Open data of the indicators: their definitions and their values (tidy, one row per value)
as CSV and JSON and in the data package, the Kolada attribution, and the Atom feeds of new
values. Only public values leave the portal: a reporter's value is public once its report's
version is published, and never before."""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import override

from assignments import services
from assignments.models import IndicatorSource, IndicatorValue, ProgressLevel, ValueOrigin
from assignments.opendata import datasets as opendata
from assignments.opendata import feeds
from goals.models import GlobalTarget
from tests import factories
from tests.helpers import target

pytestmark = pytest.mark.django_db


def download(client, name: str, language: str = "sv") -> str:
    prefix = "/en" if language == "en" else ""
    response = client.get(f"{prefix}/data/{name}")
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(body: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body)))


def indicator_page(code: str, language: str = "sv") -> str | None:
    """The indicator's public page, where the portal has one (the public room's page,
    ``public:indicator_detail``); the downloads leave the cell empty until then."""
    with override(language):
        try:
            return "http://testserver" + reverse("public:indicator_detail", args=[code])
        except NoReverseMatch:
            return None


@pytest.fixture
def described(budget, organisation):
    """An indicator with everything an indicator can have, measured by an organisation."""
    goal = factories.make_council_goal(budget=budget, number=2)
    assignment = factories.make_assignment(budget=budget, code="2018:1", organisations=[])
    indicator = factories.make_indicator(
        source=IndicatorSource.ORGANISATION,
        code="MLM.1",
        title_sv="Andel förnybar energi",
        title_en="Share of renewable energy",
        definition_sv="Förnybar energi delat med all energi.",
        definition_en="Renewable energy divided by all energy.",
        unit="%",
        decimals=2,
        higher_is_better=True,
        baseline_year=2015,
        baseline_value=Decimal("20.5"),
        baseline_note="Första mätningen.",
        measured_by=organisation,
        source_url="https://malmo.se/energi",
        has_gender_split=True,
        targets={2025: "40", 2030: "100.25"},
        assignments=[assignment],
    )
    indicator.council_goals.add(goal)
    indicator.global_targets.set(
        [target("7.2"), target("11.6"), GlobalTarget.objects.get(goal__framework="mdg", code="7.A")]
    )
    factories.add_values(indicator, {2016: "21.25", 2017: 30})
    factories.add_values(indicator, {2017: 31}, dimension="gender", category="women")
    return indicator


# The indicators


def test_an_indicator_is_one_row_with_its_definition_targets_links_and_progress(client, described):
    [row] = csv_rows(download(client, "indicators.csv"))
    assert row == {
        "code": "MLM.1",
        "title_sv": "Andel förnybar energi",
        "title_en": "Share of renewable energy",
        "definition_sv": "Förnybar energi delat med all energi.",
        "definition_en": "Renewable energy divided by all energy.",
        "unit": "%",
        "higher_is_better": "true",
        "decimals": "2",
        "baseline_year": "2015",
        "baseline_value": "20.5",
        "baseline_note": "Första mätningen.",
        "targets": "2025:40;2030:100.25",
        "source": "organisation",
        "kolada_kpi": "",
        "measured_by": described.measured_by.slug,
        "source_name": "",
        "source_url": "https://malmo.se/energi",
        "breakdowns": "gender",
        "council_goals": "2018/1.2",
        "assignments": "2018/2018:1",
        "sdg_targets": "7.2;11.6",
        "mdg_targets": "7.A",
        "latest_year": "2017",
        "latest_value": "30",
        "progress": ProgressLevel.SUBSTANTIAL,
        "progress_overridden": "false",
        "progress_note": "",
        "url": indicator_page("MLM.1") or "",
    }
    [record] = json.loads(download(client, "indicators.json", "en"))
    assert record["higher_is_better"] is True
    assert record["baseline_value"] == 20.5
    assert record["latest_value"] == 30
    assert record["targets"] == ["2025:40", "2030:100.25"]
    assert record["sdg_targets"] == ["7.2", "11.6"]
    assert record["kolada_kpi"] is None
    assert record["url"] == indicator_page("MLM.1", "en")


def test_a_progress_set_by_the_office_is_flagged_with_its_note(client, described):
    described.progress_override = ProgressLevel.MOVING_AWAY
    described.progress_override_note = "Mätmetoden ändrades 2017."
    described.save()
    [record] = json.loads(download(client, "indicators.json"))
    assert record["progress"] == "moving_away"
    assert record["progress_overridden"] is True
    assert record["progress_note"] == "Mätmetoden ändrades 2017."


def test_an_indicator_without_values_or_links_has_empty_cells(client):
    factories.make_indicator(code="TOM", unit="")
    [row] = csv_rows(download(client, "indicators.csv"))
    for column in ("unit", "targets", "latest_value", "measured_by", "council_goals"):
        assert row[column] == "", column
    assert row["progress"] == "not_enough_data"
    [record] = json.loads(download(client, "indicators.json"))
    assert record["targets"] == record["breakdowns"] == []
    assert record["latest_year"] is None and record["unit"] is None


def test_indicator_texts_are_escaped_against_formulas_in_csv_only(client):
    factories.make_indicator(code="F1", title_sv="=1+1", unit="-%", source_name="@SCB")
    [row] = csv_rows(download(client, "indicators.csv"))
    assert (row["title_sv"], row["unit"]) == ("'=1+1", "'-%")
    [record] = json.loads(download(client, "indicators.json"))
    assert record["title_sv"] == "=1+1"


# The values


def test_values_are_tidy_one_row_each_with_their_breakdown_origin_and_source(
    client, described, workflow
):
    kolada = factories.make_indicator(
        source=IndicatorSource.KOLADA, code="N00401", kolada_kpi="N00401", unit="ton"
    )
    factories.add_values(kolada, {2016: "3.1"}, origin=ValueOrigin.KOLADA)
    named = factories.make_indicator(code="SCB1", source_name="SCB", unit="")
    factories.add_values(named, {2010: -2})
    assignment = factories.make_assignment(
        budget=workflow.period.budget, organisations=[workflow.organisation]
    )
    described.assignments.add(assignment)
    factories.make_report(
        status="published",
        assignment=assignment,
        organisation=workflow.organisation,
        period=workflow.period,
        reviewer=workflow.reviewer,
        values=[
            services.ValueInput(indicator=described, value=Decimal("33.5"), note="Preliminärt."),
            services.ValueInput(
                indicator=described, value=Decimal(34), dimension="gender", category="women"
            ),
        ],
    )
    rows = [
        {key: row[key] for key in ("indicator_code", "year", "period", "breakdown", "category")}
        | {key: row[key] for key in ("value", "unit", "origin", "source", "note")}
        for row in csv_rows(download(client, "indicator-values.csv"))
    ]
    measurer = described.measured_by.name
    assert rows == [
        row("MLM.1", "2016", "", "", "", "21.25", "%", "import", measurer, ""),
        row("MLM.1", "2017", "", "", "", "30", "%", "import", measurer, ""),
        row("MLM.1", "2017", "", "gender", "women", "31", "%", "import", measurer, ""),
        row(
            "MLM.1",
            "2018",
            workflow.period.name,
            "",
            "",
            "33.5",
            "%",
            "report",
            workflow.organisation.name,
            "Preliminärt.",
        ),
        row(
            "MLM.1",
            "2018",
            workflow.period.name,
            "gender",
            "women",
            "34",
            "%",
            "report",
            workflow.organisation.name,
            "",
        ),
        row("N00401", "2016", "", "", "", "3.1", "ton", "kolada", "Kolada", ""),
        row("SCB1", "2010", "", "", "", "-2", "", "import", "SCB", ""),
    ]
    records = json.loads(download(client, "indicator-values.json"))
    assert records[0] == {
        "indicator_code": "MLM.1",
        "year": 2016,
        "period": None,
        "breakdown": None,
        "category": None,
        "value": 21.25,
        "unit": "%",
        "origin": "import",
        "source": measurer,
        "note": None,
        "published_at": records[0]["published_at"],
    }
    stored = IndicatorValue.objects.get(indicator=described, year=2016)
    assert records[0]["published_at"] == stored.published_at.astimezone(datetime.UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    assert records[-1]["value"] == -2


def row(*cells: str) -> dict:
    names = ["indicator_code", "year", "period", "breakdown", "category"]
    names += ["value", "unit", "origin", "source", "note"]
    return dict(zip(names, cells, strict=True))


# A reporter's value in every state of its report: only the published versions' are public.
STATES = {
    "draft": Decimal(101),
    "submitted": Decimal(102),
    "returned": Decimal(103),
    "approved": Decimal(104),
    "published": Decimal(105),
}


@pytest.fixture
def reported_in_every_state(workflow, django_capture_on_commit_callbacks):
    """An indicator of the workflow's organisation for each report, whose value (and note)
    says which state it was given in; reopened and re-approved corrections give new ones."""

    def report(state: str, value: Decimal, *, status: str | None = None):
        assignment = factories.make_assignment(
            budget=workflow.period.budget, organisations=[workflow.organisation]
        )
        indicator = factories.make_indicator(
            source=IndicatorSource.ORGANISATION,
            code=f"V-{state}",
            measured_by=workflow.organisation,
            assignments=[assignment],
        )
        made = factories.make_report(
            status=status or state,
            assignment=assignment,
            organisation=workflow.organisation,
            period=workflow.period,
            reporter=workflow.reporter,
            reviewer=workflow.reviewer,
            values=[
                services.ValueInput(indicator=indicator, value=value, note=f"VALUE-{state.upper()}")
            ],
        )
        return made, indicator

    with django_capture_on_commit_callbacks(execute=True):
        for state, value in STATES.items():
            report(state, value)
        for state, published, corrected, until in (
            ("reopened", Decimal(106), Decimal(107), "draft"),
            ("reapproved", Decimal(108), Decimal(109), "approved"),
        ):
            made, indicator = report(state, published, status="published")
            services.reopen_report(report=made, by=workflow.reviewer, note="Rätta.")
            services.save_report(
                report=made,
                by=workflow.reporter,
                content={"summary": "Rättad."},
                values=[
                    services.ValueInput(
                        indicator=indicator, value=corrected, note="VALUE-CORRECTION"
                    )
                ],
            )
            if until == "approved":
                services.submit_report(report=made, by=workflow.reporter)
                services.approve_report(report=made, by=workflow.reviewer)


UNPUBLISHED_NOTES = (
    "VALUE-DRAFT",
    "VALUE-SUBMITTED",
    "VALUE-RETURNED",
    "VALUE-APPROVED",
    "VALUE-CORRECTION",
)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_reported_value_is_public_only_in_a_published_version(
    client, reported_in_every_state, fmt
):
    body = download(client, f"indicator-values.{fmt}")
    rows = csv_rows(body) if fmt == "csv" else json.loads(body)
    assert {(r["indicator_code"], str(r["value"])) for r in rows} == {
        ("V-published", "105"),
        ("V-reopened", "106"),
        ("V-reapproved", "108"),
    }
    for note in UNPUBLISHED_NOTES:
        assert note not in body
    for other in ("indicators", "published-reports"):
        whole = download(client, f"{other}.{fmt}")
        for note in UNPUBLISHED_NOTES:
            assert note not in whole
    # The indicators' latest values are the public ones too.
    latest = {r["code"]: r["latest_value"] for r in json.loads(download(client, "indicators.json"))}
    assert latest == {
        "V-approved": None,
        "V-draft": None,
        "V-published": 105,
        "V-reapproved": 108,
        "V-reopened": 106,
        "V-returned": None,
        "V-submitted": None,
    }


def test_a_republished_correction_replaces_its_value(client, reported_in_every_state, workflow):
    from assignments.models import Report

    report = Report.objects.get(assignment__indicators__code="V-reapproved")
    services.publish_report(report=report, by=workflow.reviewer)
    rows = csv_rows(download(client, "indicator-values.csv"))
    assert ("V-reapproved", "109") in {(r["indicator_code"], r["value"]) for r in rows}
    assert ("V-reapproved", "108") not in {(r["indicator_code"], r["value"]) for r in rows}


# Queries: as many for any number of rows (two sizes), one more set per chunk only


def grow(size: int, start: int) -> None:
    budget = factories.make_budget()
    for n in range(start, start + size):
        assignment = factories.make_assignment(budget=budget)
        goal = factories.make_council_goal(budget=budget)
        indicator = factories.make_indicator(
            targets={2030: 100}, assignments=[assignment], has_gender_split=True
        )
        indicator.council_goals.add(goal)
        indicator.global_targets.set([target("11.6"), target("7.2")])
        factories.add_values(indicator, {2015 + year: 10 + n + year for year in range(4)})
        factories.add_values(indicator, {2017: 9}, dimension="gender", category="women")


def queries(client, name: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        download(client, name)
    return len(captured)


@pytest.mark.parametrize(
    "name",
    ["indicators.csv", "indicators.json", "indicator-values.csv", "indicator-values.json"],
)
def test_the_queries_of_the_indicator_downloads_do_not_grow_with_their_rows(client, name):
    grow(2, 0)
    small = queries(client, name)
    grow(8, 2)
    assert queries(client, name) == small


# Each chunk of indicators prefetches their headline values, targets, council goals,
# assignments and global targets once; values prefetch nothing (one query for any number).
@pytest.mark.parametrize(("name", "per_chunk"), [("indicators", 5), ("indicator-values", 0)])
def test_the_queries_of_the_indicator_downloads_grow_with_their_chunks_only(
    client, monkeypatch, name, per_chunk
):
    monkeypatch.setattr(opendata, "CHUNK_SIZE", 3)
    grow(1, 0)
    one_chunk = queries(client, f"{name}.csv")  # one indicator, five values: two chunks
    grow(3, 1)
    # four indicators in two chunks; twenty values in seven
    added = 1 if name == "indicators" else 5
    assert queries(client, f"{name}.csv") - one_chunk == added * per_chunk


# The data package and the data page


def test_the_data_package_describes_the_indicator_resources_and_kolada(client):
    package = client.get("/en/data/datapackage.json").json()
    assert {"title": "Kolada", "path": "https://www.kolada.se/"} in package["sources"]
    resources = {resource["name"]: resource for resource in package["resources"]}
    indicators, values = resources["indicators"], resources["indicator-values"]
    assert indicators["schema"]["primaryKey"] == ["code"]
    assert {
        "fields": ["measured_by"],
        "reference": {"resource": "organisations", "fields": ["slug"]},
    } in indicators["schema"]["foreignKeys"]
    assert values["schema"]["foreignKeys"] == [
        {"fields": ["indicator_code"], "reference": {"resource": "indicators", "fields": ["code"]}}
    ]
    assert values["schema"]["primaryKey"] == [
        "indicator_code",
        "year",
        "period",
        "breakdown",
        "category",
    ]
    types = {f["name"]: f["type"] for f in values["schema"]["fields"]}
    assert (types["value"], types["year"], types["published_at"]) == (
        "number",
        "integer",
        "datetime",
    )
    assert {f["name"]: f["type"] for f in indicators["schema"]["fields"]}["higher_is_better"] == (
        "boolean"
    )
    assert values["sources"] == [{"title": "Kolada", "path": "https://www.kolada.se/"}]
    assert "Källa: Kolada" in values["description"]
    assert [licence.get("name", licence["title"]) for licence in values["licenses"]] == [
        "CC0-1.0",
        "Kolada: terms of use",
    ]
    assert indicators["licenses"] == [opendata.CC0]


def test_the_data_page_lists_the_indicator_downloads_with_the_kolada_credit(client, described):
    page = client.get("/en/data/").content.decode()
    for name in ("indicators", "indicator-values"):
        assert f'href="/en/data/{name}.csv"' in page
        assert f'href="/en/data/{name}.json"' in page
        assert f'<li><a href="#{name}">' in page
    values = page.split('id="indicator-values"', 1)[1].split("</section>", 1)[0]
    assert "<p>Source: Kolada</p>" in values
    assert escape(str(opendata.KOLADA_RULE)) in values
    assert "3 rows" in values
    licence = page.split('id="licence"', 1)[1].split("</section>", 1)[0]
    assert 'href="https://www.kolada.se/om-oss/api/"' in licence
    assert 'href="/en/data/feed/indicator-values/"' in page
    assert (
        '<link rel="alternate" type="application/atom+xml" '
        'href="/en/data/feed/indicator-values/"' in page
    )


# The Atom feeds of new values


def fetch(client, path: str):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert "public" in response["Cache-Control"]
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return response, parsed


def publish_on(indicator, day: datetime.date, years) -> None:
    """Move the publication of some of an indicator's values to noon of ``day``."""
    noon = datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_current_timezone())
    IndicatorValue.objects.filter(indicator=indicator, year__in=years).update(published_at=noon)


def test_the_feeds_have_swedish_and_english_addresses():
    with override("en"):
        assert reverse("opendata:feed_indicator_values") == "/en/data/feed/indicator-values/"
        assert reverse("opendata:feed_indicator", kwargs={"code": "N00401"}) == (
            "/en/data/feed/indicator-values/N00401/"
        )


def test_an_entry_for_each_indicator_and_day_new_values_were_published(client, described):
    kolada = factories.make_indicator(
        source=IndicatorSource.KOLADA,
        code="N00401",
        kolada_kpi="N00401",
        title_en="Greenhouse gas emissions",
        unit="ton",
    )
    factories.add_values(kolada, {2018: "3.25", 2019: "3", 2020: "2.75"}, origin=ValueOrigin.KOLADA)
    publish_on(kolada, datetime.date(2021, 3, 1), [2018])
    publish_on(kolada, datetime.date(2022, 3, 1), [2019, 2020])
    publish_on(described, datetime.date(2021, 6, 1), [2016, 2017])

    _response, parsed = fetch(client, "/en/data/feed/indicator-values/")
    assert parsed.feed.title == "New indicator values – the sustainability portal of Malmö stad"
    assert [entry.title for entry in parsed.entries] == [
        "New values for N00401 Greenhouse gas emissions: 2019, 2020",
        "New values for MLM.1 Share of renewable energy: 2016, 2017",
        "New values for N00401 Greenhouse gas emissions: 2018",
    ]
    newest, measured, _oldest = parsed.entries
    assert newest.summary == (
        "<ul><li>2019: 3.0 ton</li><li>2020: 2.8 ton</li></ul><p>Source: Kolada</p>"
    )  # rounded to the indicator's one decimal, half away from zero
    assert newest.author == "Kolada"
    assert newest.updated_parsed[:3] == (2022, 3, 1)
    assert measured.summary == (
        "<ul><li>2016: 21.25 %</li><li>2017: 30.00 %</li><li>2017, Women: 31.00 %</li></ul>"
        f"<p>Source: {described.measured_by.name}</p>"
    )
    ids = {entry.id for entry in parsed.entries}
    assert ids == {
        "tag:testserver,2022-03-01:indicator-values/N00401",
        "tag:testserver,2021-06-01:indicator-values/MLM.1",
        "tag:testserver,2021-03-01:indicator-values/N00401",
    }
    with override("en"):
        expected = feeds.indicator_page(kolada)
    assert newest.link == "http://testserver" + expected
    if indicator_page("N00401", "en"):
        assert newest.link == indicator_page("N00401", "en")

    # One indicator's feed, in Swedish.
    with override("sv"):
        own_feed = reverse("opendata:feed_indicator", kwargs={"code": "N00401"})
    _response, own = fetch(client, own_feed)
    assert own.feed.language == "sv"
    assert [entry.id for entry in own.entries] == [
        "tag:testserver,2022-03-01:indicator-values/N00401",
        "tag:testserver,2021-03-01:indicator-values/N00401",
    ]
    assert own.entries[0].summary == (
        "<ul><li>2019: 3,0 ton</li><li>2020: 2,8 ton</li></ul><p>Source: Kolada</p>".replace(
            "Source: Kolada", str(_sv(opendata.KOLADA_ATTRIBUTION))
        )
    )


def _sv(text) -> str:
    with override("sv"):
        return str(text)


def test_the_feed_holds_no_value_that_was_never_published(client, reported_in_every_state):
    response, parsed = fetch(client, "/en/data/feed/indicator-values/")
    body = response.content.decode()
    for note in UNPUBLISHED_NOTES:
        assert note not in body
    assert {entry.title.split()[3] for entry in parsed.entries} == {
        "V-published",
        "V-reopened",
        "V-reapproved",
    }


def test_the_feed_keeps_the_latest_entries(client, monkeypatch):
    monkeypatch.setattr(feeds, "LATEST", 2)
    for n, code in enumerate(("A", "B", "C")):
        indicator = factories.make_indicator(code=code)
        factories.add_values(indicator, {2020: n})
        publish_on(indicator, datetime.date(2020, 1, 1 + n), [2020])
    _response, parsed = fetch(client, "/en/data/feed/indicator-values/")
    assert [entry.title.split()[3] for entry in parsed.entries] == ["C", "B"]


def test_an_empty_feed_and_an_unknown_indicator(client):
    _response, parsed = fetch(client, "/en/data/feed/indicator-values/")
    assert parsed.entries == []
    assert client.get("/en/data/feed/indicator-values/NOSUCH/").status_code == 404


def test_the_queries_of_the_feeds_do_not_grow_with_the_values(client):
    grow(2, 0)
    paths = ["/en/data/feed/indicator-values/", "/data/feed/indicator-values/IND1/"]
    code = IndicatorValue.objects.order_by("pk").first().indicator.code
    with override("sv"):
        paths[1] = reverse("opendata:feed_indicator", kwargs={"code": code})
    small = []
    for path in paths:
        with CaptureQueriesContext(connection) as captured:
            fetch(client, path)
        small.append(len(captured))
    grow(8, 2)
    for path, before in zip(paths, small, strict=True):
        with CaptureQueriesContext(connection) as captured:
            fetch(client, path)
        assert len(captured) == before, path
