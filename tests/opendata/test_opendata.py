"""Open data: streamed CSV and JSON downloads, their data package, the /data/ page, robots.txt."""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import override

from assignments import services, spreadsheets
from assignments.models import (
    Assignment,
    IndicatorSource,
    Organisation,
    Report,
    ReportAction,
    Responsibility,
    ResponsibilityRole,
    ValueOrigin,
)
from assignments.opendata import datasets as opendata
from goals.models import GlobalGoal, GlobalTarget
from tests import factories
from tests.helpers import (
    PUBLISHED_MARKERS,
    UNPUBLISHED_MARKERS,
    Workflow,
    make_reports_in_every_state,
    target,
)

pytestmark = pytest.mark.django_db


DATASETS = list(opendata.DATASETS)
FORMATS = ["csv", "json"]


@pytest.fixture
def every_state(workflow) -> dict[str, Report]:
    reports = make_reports_in_every_state(workflow)
    add_kolada_indicator()
    return reports


def add_kolada_indicator():
    """An indicator with Kolada's values, split by gender, and one without any values."""
    indicator = factories.make_indicator(
        source=IndicatorSource.KOLADA,
        code="N00401",
        kolada_kpi="N00401",
        has_gender_split=True,
        higher_is_better=False,
        targets={2030: 1},
    )
    for dimension, category, values in (
        ("", "", {2015: "5.5", 2016: "5.25", 2017: "5"}),
        ("gender", "women", {2015: 5, 2016: 4, 2017: 4}),
        ("gender", "men", {2015: 6, 2016: 6.5, 2017: 6}),
    ):
        factories.add_values(
            indicator, values, dimension=dimension, category=category, origin=ValueOrigin.KOLADA
        )
    factories.make_indicator(code="EGEN1")
    return indicator


def download(client, dataset: str, fmt: str, language: str = "sv"):
    with_prefix = "/en" if language == "en" else ""
    response = client.get(f"{with_prefix}/data/{dataset}.{fmt}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    return response, body


def csv_rows(body: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body)))


def published_at(report: Report) -> str:
    event = report.events.filter(action=ReportAction.PUBLISHED).latest("at")
    return event.at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# The downloads


@override("sv")
def test_the_urls_of_the_downloads_are_the_same_file_names_in_every_language():
    with override("en"):
        assert reverse("opendata:download", args=["assignments", "csv"]) == (
            "/en/data/assignments.csv"
        )
    assert reverse("opendata:download", args=["assignments", "csv"]) == "/data/assignments.csv"
    assert reverse("opendata:download", args=["published-reports", "json"]) == (
        "/data/published-reports.json"
    )
    assert reverse("opendata:datapackage") == "/data/datapackage.json"
    assert reverse("opendata:index") == "/data/"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("dataset", DATASETS)
def test_every_download_streams_with_its_content_type_and_columns(
    client, every_state, dataset, fmt
):
    response = client.get(f"/data/{dataset}.{fmt}")
    assert response.status_code == 200
    assert response.streaming
    columns = opendata.DATASETS[dataset].column_names
    body = b"".join(response.streaming_content).decode("utf-8")
    if fmt == "csv":
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert body.splitlines()[0] == ",".join(columns)
        assert len(csv_rows(body)) >= 1
    else:
        assert response["Content-Type"] == "application/json"
        records = json.loads(body)
        assert records
        assert all(list(record) == columns for record in records)
    assert response["Content-Disposition"] == f'attachment; filename="{dataset}.{fmt}"'
    assert "public" in response["Cache-Control"]
    assert "max-age=" in response["Cache-Control"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_empty_dataset_is_a_header_row_or_an_empty_array(client, fmt):
    _response, body = download(client, "published-reports", fmt)
    if fmt == "csv":
        assert body == ",".join(opendata.DATASETS["published-reports"].column_names) + "\r\n"
    else:
        assert json.loads(body) == []


@pytest.mark.parametrize("path", ["/data/reports.csv", "/data/assignments.xml", "/data/.csv"])
def test_an_unknown_dataset_or_format_is_not_found(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("dataset", DATASETS)
def test_no_export_holds_any_text_that_was_never_published(client, every_state, dataset, fmt):
    _response, body = download(client, dataset, fmt)
    for marker in UNPUBLISHED_MARKERS:
        assert marker not in body


@pytest.mark.parametrize("fmt", FORMATS)
def test_published_reports_are_exported_in_their_published_version(client, every_state, fmt):
    _response, body = download(client, "published-reports", fmt)
    rows = csv_rows(body) if fmt == "csv" else json.loads(body)
    by_id = {int(row["report_id"]): row for row in rows}
    public = ["published", "reopened", "reapproved"]
    assert sorted(by_id) == sorted(every_state[state].pk for state in public)
    for state, marker in zip(public, PUBLISHED_MARKERS, strict=True):
        report = every_state[state]
        row = by_id[report.pk]
        assert row["summary"] == f"{marker} sammanfattning"
        assert row["narrative"] == f"{marker} redogörelse"
        assert row["global_goals_integration"] == f"{marker} integrering"
        assert row["next_steps"] == f"{marker} nästa steg"
        assert row["obstacles"] == f"{marker} hinder"
        assert row["progress"] == "on_track"
        assert row["assignment_code"] == report.assignment.code
        assert row["organisation"] == report.organisation.name
        assert row["period"] == report.period.name
        assert row["published_at"] == published_at(report)
        assert row["url"] == "http://testserver" + reverse("public:report_detail", args=[report.pk])
        if fmt == "csv":
            assert row["percent_complete"] == "50"
            assert row["budget_year"] == "2018"
            assert row["version"] == "1"
            assert row["contributed_targets"] == "11.6"
        else:
            assert row["percent_complete"] == 50
            assert row["budget_year"] == 2018
            assert row["version"] == 1
            assert row["contributed_targets"] == ["11.6"]


def test_a_republished_correction_replaces_the_published_version(client, workflow):
    report = workflow.report("PUBLISHEDFIRST", until="published", targets=["11.6"])
    workflow.correct(report, "PUBLISHEDSECOND", targets=["11.6", "13.1"], until="approved")
    services.publish_report(report=report, by=workflow.reviewer)
    _response, body = download(client, "published-reports", "json")
    [row] = json.loads(body)
    assert row["summary"] == "PUBLISHEDSECOND sammanfattning"
    assert row["percent_complete"] == 90
    assert row["contributed_targets"] == ["11.6", "13.1"]
    assert row["version"] == 2
    assert row["published_at"] == published_at(report)


def test_the_report_page_links_follow_the_language_of_the_download(client, every_state):
    _response, body = download(client, "published-reports", "json", language="en")
    assert all(row["url"].startswith("http://testserver/en/") for row in json.loads(body))


@pytest.fixture
def linked_assignment(budget, organisation, other_organisation):
    council_goal = factories.make_council_goal(budget=budget, number=2, text="Ett hållbart Malmö.")
    assignment = factories.make_assignment(
        budget=budget, organisations=[organisation], code="A1", council_goal=council_goal
    )
    Responsibility.objects.create(
        assignment=assignment,
        organisation=other_organisation,
        role=ResponsibilityRole.PARTICIPANT,
    )
    assignment.global_goals.set(
        [GlobalGoal.objects.get(framework=f, number=n) for f, n in (("sdg", 13), ("sdg", 11))]
        + [GlobalGoal.objects.get(framework="mdg", number=7)]
    )
    assignment.global_targets.set(
        [
            target("11.6"),
            target("11.a"),
            target("11.2"),
            GlobalTarget.objects.get(goal__framework="mdg", code="7.A"),
        ]
    )
    return assignment


def test_assignments_carry_their_council_goal_organisations_and_global_goals(
    client, linked_assignment, organisation, other_organisation
):
    _response, body = download(client, "assignments", "csv")
    [row] = csv_rows(body)
    assert row["budget_year"] == "2018"
    assert row["code"] == "A1"
    assert row["title"] == linked_assignment.title
    assert row["text"] == linked_assignment.text
    assert row["council_goal_code"] == "1.2"
    assert row["council_goal_text"] == "Ett hållbart Malmö."
    assert row["lead_organisations"] == organisation.name
    assert row["participant_organisations"] == other_organisation.name
    assert row["sdg_goals"] == "11;13"
    assert row["sdg_targets"] == "11.2;11.6;11.a"
    assert row["mdg_goals"] == "7"
    assert row["mdg_targets"] == "7.A"

    _response, body = download(client, "assignments", "json")
    [record] = json.loads(body)
    assert record["sdg_goals"] == [11, 13]
    assert record["sdg_targets"] == ["11.2", "11.6", "11.a"]
    assert record["lead_organisations"] == [organisation.name]
    assert record["participant_organisations"] == [other_organisation.name]


def test_an_assignment_without_council_goal_or_links_has_empty_cells(client, assignment):
    _response, body = download(client, "assignments", "csv")
    [row] = csv_rows(body)
    assert row["council_goal_code"] == row["council_goal_text"] == row["sdg_goals"] == ""
    [record] = json.loads(download(client, "assignments", "json")[1])
    assert record["council_goal_code"] is None
    assert record["sdg_goals"] == []


def test_goal_links_are_one_row_per_goal_and_per_target(client, linked_assignment):
    _response, body = download(client, "assignment-goals", "csv")
    rows = [tuple(row.values()) for row in csv_rows(body)]
    assert rows == [
        ("2018", "A1", "mdg", "7", ""),
        ("2018", "A1", "mdg", "7", "7.A"),
        ("2018", "A1", "sdg", "11", ""),
        ("2018", "A1", "sdg", "11", "11.2"),
        ("2018", "A1", "sdg", "11", "11.6"),
        ("2018", "A1", "sdg", "11", "11.a"),
        ("2018", "A1", "sdg", "13", ""),
    ]
    records = json.loads(download(client, "assignment-goals", "json")[1])
    assert records[0] == {
        "budget_year": 2018,
        "assignment_code": "A1",
        "framework": "mdg",
        "goal": 7,
        "target": None,
    }
    assert records[1]["target"] == "7.A"


def test_organisations_carry_their_parent_and_iso_dates(client):
    parent = factories.make_organisation(name="Malmö Stadshus AB", slug="stadshus", kind="bolag")
    factories.make_organisation(
        name="MKB Fastighets AB",
        slug="mkb",
        kind="bolag",
        parent=parent,
        valid_from=datetime.date(1946, 1, 1),
        valid_to=datetime.date(2030, 12, 31),
    )
    _response, body = download(client, "organisations", "csv")
    assert body.splitlines()[1:] == [
        "MKB Fastighets AB,mkb,bolag,Malmö Stadshus AB,1946-01-01,2030-12-31",
        "Malmö Stadshus AB,stadshus,bolag,,,",
    ]
    records = json.loads(download(client, "organisations", "json")[1])
    assert records[1] == {
        "name": "Malmö Stadshus AB",
        "slug": "stadshus",
        "kind": "bolag",
        "parent": None,
        "valid_from": None,
        "valid_to": None,
    }


def test_csv_quotes_commas_quotes_and_line_breaks(client, workflow):
    report = workflow.report("X", until="approved")
    services.reopen_report(report=report, by=workflow.reviewer, note="Fel.")
    services.save_report(
        report=report,
        by=workflow.reporter,
        content={"summary": 'Klart, "nästan".', "narrative": "Rad ett\nrad två"},
    )
    services.submit_report(report=report, by=workflow.reporter)
    services.approve_report(report=report, by=workflow.reviewer)
    services.publish_report(report=report, by=workflow.reviewer)
    [row] = csv_rows(download(client, "published-reports", "csv")[1])
    assert row["summary"] == 'Klart, "nästan".'
    assert row["narrative"] == "Rad ett\nrad två"


# Texts a spreadsheet would run as a formula: each begins one report's texts.
FORMULA_STARTS = [
    '=HYPERLINK("http://evil.example","klicka")',
    "+1+2",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "'=1+1",  # already begins with the escape: must come back with its own apostrophe
    "'s-Hertogenbosch",
]
TEXT_COLUMNS = ("summary", "narrative", "global_goals_integration", "next_steps", "obstacles")


def test_csv_texts_never_begin_like_a_formula_and_the_rule_gives_them_back(client, workflow):
    reports = {marker: workflow.report(marker, until="published") for marker in FORMULA_STARTS}
    rows = {
        int(row["report_id"]): row
        for row in csv_rows(download(client, "published-reports", "csv")[1])
    }
    records = {
        record["report_id"]: record
        for record in json.loads(download(client, "published-reports", "json")[1])
    }
    assert len(rows) == len(records) == len(FORMULA_STARTS)

    for marker, report in reports.items():
        version = report.published_version
        row, record = rows[report.pk], records[report.pk]
        for column in TEXT_COLUMNS:
            original = getattr(version, column)
            assert original.startswith(marker)
            assert row[column] == "'" + original  # neutralised, by exactly one apostrophe
            assert spreadsheets.original_text(row[column]) == original
            assert record[column] == original  # JSON is not read by spreadsheets: unchanged
        # Numbers stay numbers, and texts that begin harmlessly are untouched.
        assert row["percent_complete"] == "50" and record["percent_complete"] == 50
        assert row["version"] == str(version.number)
        assert row["organisation"] == workflow.organisation.name
        assert row["url"].startswith("http://testserver/")


def test_every_csv_text_column_is_escaped_and_no_other(client, assignment, organisation):
    """Names and codes are escaped like report texts; whole numbers and dates never."""
    Assignment.objects.filter(pk=assignment.pk).update(code="+7", title="-1 på listan")
    Organisation.objects.filter(pk=organisation.pk).update(
        name="=Nämnden", valid_from=datetime.date(2018, 1, 1)
    )
    [row] = csv_rows(download(client, "assignments", "csv")[1])
    assert (row["code"], row["title"]) == ("'+7", "'-1 på listan")
    assert row["lead_organisations"] == "'=Nämnden"
    assert row["budget_year"] == str(assignment.budget.year)
    [row] = [
        row
        for row in csv_rows(download(client, "organisations", "csv")[1])
        if row["slug"] == organisation.slug
    ]
    assert (row["name"], row["valid_from"]) == ("'=Nämnden", "2018-01-01")
    reports = opendata.DATASETS["published-reports"]
    assert [column.name for column in reports.columns if not column.is_text] == [
        "report_id",
        "budget_year",
        "percent_complete",
        "version",
        "published_at",
    ]


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_escape_rule_is_said_on_the_data_page_and_in_the_data_package(client, language):
    prefix = "/en" if language == "en" else ""
    with override(language):
        rule = str(opendata.CSV_TEXT_RULE)
    with override("en"):
        assert (rule == str(opendata.CSV_TEXT_RULE)) == (language == "en")  # translated
    assert escape(rule) in client.get(f"{prefix}/data/").content.decode()
    package = client.get(f"{prefix}/data/datapackage.json").json()
    assert rule in package["description"]
    for resource in package["resources"]:
        assert rule in resource["description"]


def test_reading_in_small_chunks_gives_the_same_files(client, every_state, monkeypatch):
    whole = {(d, f): download(client, d, f)[1] for d in DATASETS for f in FORMATS}
    monkeypatch.setattr(opendata, "CHUNK_SIZE", 2)
    for (dataset, fmt), body in whole.items():
        assert download(client, dataset, fmt)[1] == body


def grow(workflow: Workflow, size: int) -> None:
    """Add ``size`` published reports, each on its own assignment with its own links, and
    an indicator for each that the report gives values of (split by gender every other one),
    with values of its own from a file."""
    for n in range(size):
        organisation = factories.make_organisation(parent=workflow.organisation)
        assignment = factories.make_assignment(
            budget=workflow.period.budget,
            organisations=[workflow.organisation, organisation],
            council_goal=factories.make_council_goal(budget=workflow.period.budget),
        )
        assignment.global_goals.set(GlobalGoal.objects.filter(number=n % 8 + 1))
        assignment.global_targets.set([target("11.6"), target("13.1")])
        indicator = factories.make_indicator(
            source=IndicatorSource.ORGANISATION,
            measured_by=workflow.organisation,
            assignments=[assignment],
            targets={2025: 50, 2030: 100},
            baseline_year=2015,
            baseline_value=Decimal(10),
            has_gender_split=n % 2 == 0,
        )
        indicator.council_goals.add(assignment.council_goal)
        indicator.global_targets.set([target("11.6"), target("13.1")])
        factories.add_values(indicator, {2015: 10 + n, 2016: Decimal("12.5") + n})
        values = [
            services.ValueInput(indicator=indicator, value=Decimal(20 + n), note=f"GROWN{n}"),
        ]
        if indicator.has_gender_split:
            values += [
                services.ValueInput(
                    indicator=indicator, value=Decimal(19), dimension="gender", category=category
                )
                for category in ("women", "men")
            ]
        workflow.report(
            f"GROWN{n}",
            until="published",
            targets=["11.6", "13.1"],
            assignment=assignment,
            values=values,
        )


def count_queries(client, dataset: str, fmt: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        download(client, dataset, fmt)
    return len(queries)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("dataset", DATASETS)
def test_the_queries_of_a_download_do_not_grow_with_its_rows(client, workflow, dataset, fmt):
    grow(workflow, 2)
    small = count_queries(client, dataset, fmt)
    grow(workflow, 6)
    assert count_queries(client, dataset, fmt) == small


def test_the_queries_of_a_download_grow_with_its_chunks_only(client, workflow, monkeypatch):
    monkeypatch.setattr(opendata, "CHUNK_SIZE", 4)
    grow(workflow, 4)
    one_chunk = count_queries(client, "assignments", "csv")
    grow(workflow, 4)
    two_chunks = count_queries(client, "assignments", "csv")
    # Each chunk prefetches responsibilities, goals and targets once.
    assert two_chunks - one_chunk == 3


# The data package


def test_the_data_package_describes_every_dataset(client):
    response = client.get("/en/data/datapackage.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    package = response.json()
    assert package["profile"] == "tabular-data-package"
    assert package["licenses"][0]["name"] == "CC0-1.0"
    assert package["homepage"] == "http://testserver/en/data/"
    resources = {resource["name"]: resource for resource in package["resources"]}
    assert list(resources) == DATASETS
    for name, resource in resources.items():
        assert resource["path"] == f"http://testserver/en/data/{name}.csv"
        fields = resource["schema"]["fields"]
        assert [f["name"] for f in fields] == opendata.DATASETS[name].column_names
        assert all(f["description"] for f in fields)
    reports = resources["published-reports"]["schema"]
    assert reports["primaryKey"] == ["report_id"]
    assert {
        "fields": ["budget_year", "assignment_code"],
        "reference": {"resource": "assignments", "fields": ["budget_year", "code"]},
    } in reports["foreignKeys"]
    types = {f["name"]: f["type"] for f in reports["fields"]}
    assert types["published_at"] == "datetime"
    assert types["percent_complete"] == "integer"
    assert types["contributed_targets"] == "list"


def test_the_data_package_is_described_in_the_visitors_language(client):
    swedish = client.get("/data/datapackage.json").json()
    english = client.get("/en/data/datapackage.json").json()
    assert english["resources"][2]["title"] == "Published reports"
    assert swedish["resources"][0]["path"] == "http://testserver/data/assignments.csv"
    assert swedish["name"] == english["name"]


@pytest.mark.django_db(transaction=True)
def test_the_data_package_is_valid_and_every_resource_loads(reference_data, live_server):
    """Validated with frictionless, which fetches every CSV from the running server."""
    import frictionless
    import requests

    workflow = Workflow(
        organisation=factories.make_organisation(),
        period=factories.make_period(budget=factories.make_budget(year=2018)),
        reporter=None,
        reviewer=factories.make_reviewer(),
    )
    workflow.reporter = factories.make_member(workflow.organisation)
    reports = make_reports_in_every_state(workflow)
    grow(workflow, 3)
    factories.make_organisation(parent=workflow.organisation, valid_from=datetime.date(2017, 5, 1))
    linked = reports["published"].assignment
    linked.global_goals.add(GlobalGoal.objects.get(framework="mdg", number=7))
    linked.global_targets.add(GlobalTarget.objects.get(goal__framework="mdg", code="7.A"))
    add_kolada_indicator().global_targets.add(
        GlobalTarget.objects.get(goal__framework="mdg", code="7.A")
    )

    descriptor = requests.get(f"{live_server.url}/data/datapackage.json", timeout=30).json()
    assert all(r["path"].startswith(live_server.url) for r in descriptor["resources"])
    report = frictionless.validate(descriptor)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert len(report.tasks) == len(opendata.DATASETS)
    rows = {task.name: task.stats["rows"] for task in report.tasks}
    assert rows == {
        "assignments": 10,
        "organisations": 5,
        "published-reports": 6,
        "assignment-goals": 21,
        "indicators": 5,
        "indicator-values": 22,
    }


# The open data page


def test_the_data_page_lists_every_dataset_with_formats_columns_size_and_licence(
    client, every_state
):
    response = client.get("/en/data/")
    assert response.status_code == 200
    page = response.content.decode()
    for name, dataset in opendata.DATASETS.items():
        assert f'href="/en/data/{name}.csv"' in page
        assert f'href="/en/data/{name}.json"' in page
        assert escape(str(dataset.description)) in page
        for column in dataset.column_names:
            assert f"<code>{column}</code>" in page
    assert "3 rows" in page  # the published reports: three, whatever their corrections
    assert "CC0 1.0" in page
    assert "https://creativecommons.org/publicdomain/zero/1.0/" in page
    assert "A/RES/70/1" in page
    assert "millenniemalen.nu" in page
    assert 'href="/en/data/datapackage.json"' in page
    assert 'href="/en/data/feed/"' in page
    assert 'href="/en/data/feed/sdg/11/"' in page
    assert 'type="application/atom+xml"' in page


def test_the_data_page_has_swedish_paths(client):
    with override("sv"):
        assert reverse("opendata:index") == "/data/"
    response = client.get("/data/")
    assert response.status_code == 200
    assert 'href="/data/assignments.csv"' in response.content.decode()


def test_the_data_page_is_cached_until_something_is_published(
    client, workflow, django_capture_on_commit_callbacks
):
    report = workflow.report("X", until="approved")
    assert client.get("/en/data/")["X-Cache"] == "miss"
    assert client.get("/en/data/")["X-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_report(report=report, by=workflow.reviewer)
    response = client.get("/en/data/")
    assert response["X-Cache"] == "miss"
    assert "1 row" in response.content.decode()


def test_the_data_page_queries_do_not_grow_with_the_data(
    client, workflow, django_assert_num_queries
):
    from django.core.cache import cache

    grow(workflow, 1)
    with CaptureQueriesContext(connection) as small:
        client.get("/en/data/")
    cache.clear()
    grow(workflow, 4)
    with django_assert_num_queries(len(small)):
        client.get("/en/data/")


# robots.txt


def test_robots_txt_allows_the_public_pages_and_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "User-agent: *",
        "Allow: /",
        "Disallow: /rapportering/",
        "Disallow: /en/reporting/",
        "Disallow: /konto/",
        "Disallow: /en/account/",
        "",
        "Sitemap: http://testserver/sitemap.xml",
    ]
