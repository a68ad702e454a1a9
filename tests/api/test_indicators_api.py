"""The public API's indicators and their values: what an indicator holds (definition,
baseline, targets, source, progress with its figures, links and values), the filters, paging,
errors, that a reporter's values are public only once published, and the queries as the data
grows."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils.translation import override

from assignments import services
from assignments.indicators import Point, assess
from assignments.models import IndicatorSource, ProgressLevel, Report, ReportStatus, ValueOrigin
from goals.models import GlobalTarget
from tests import factories
from tests.factories import REOPENED
from tests.helpers import target

pytestmark = pytest.mark.django_db


def get(client, path: str, **headers):
    response = client.get(path, headers=headers)
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response


def ok(client, path: str) -> dict:
    response = get(client, path)
    assert response.status_code == 200, response.content
    return response.json()


def codes(client, path: str) -> list[str]:
    return [item["code"] for item in ok(client, path)["items"]]


def public_page(code: str) -> dict | None:
    """The indicator's public page in both languages, where the portal has it (the public
    room's ``public:indicator_detail``); the API gives null until then."""
    pages = {}
    for language in ("sv", "en"):
        with override(language):
            try:
                pages[language] = "http://testserver" + reverse(
                    "public:indicator_detail", kwargs={"code": code}
                )
            except NoReverseMatch:
                return None
    return pages


@pytest.fixture
def measured(db, django_capture_on_commit_callbacks):
    """An indicator a committee measures and reports, split by gender, with a baseline, two
    targets, links to a council goal, an assignment and two targets, values from a file and a
    published report's values."""
    budget = factories.make_budget(year=2018)
    organisation = factories.make_organisation(name="Miljönämnden", slug="miljo")
    goal = factories.make_council_goal(budget=budget, number=3)
    assignment = factories.make_assignment(
        budget=budget, code="2018:1", organisations=[organisation]
    )
    period = factories.make_period(budget=budget, name="Tertial 1")
    indicator = factories.make_indicator(
        source=IndicatorSource.ORGANISATION,
        code="MLM.1",
        title_sv="Andel förnybar energi",
        title_en="Share of renewable energy",
        definition_sv="Förnybar energi delad med all energi.",
        unit="%",
        decimals=1,
        higher_is_better=True,
        baseline_year=2015,
        baseline_value=Decimal(20),
        baseline_note="Första mätningen.",
        measured_by=organisation,
        has_gender_split=True,
        targets={2025: 40, 2030: 60},
        assignments=[assignment],
    )
    indicator.council_goals.add(goal)
    indicator.global_targets.set([target("7.2"), target("11.6")])
    with django_capture_on_commit_callbacks(execute=True):
        factories.add_values(indicator, {2015: 20, 2016: "22.25"})
        factories.add_values(indicator, {2016: 23}, dimension="gender", category="women")
        report = factories.make_report(
            status=ReportStatus.PUBLISHED,
            assignment=assignment,
            organisation=organisation,
            period=period,
            values=[
                services.ValueInput(indicator=indicator, value=Decimal(25), note="Preliminärt."),
                services.ValueInput(
                    indicator=indicator, value=Decimal(24), dimension="gender", category="men"
                ),
            ],
        )
    return indicator, report


@pytest.fixture
def kolada(db, django_capture_on_commit_callbacks):
    """A Kolada indicator where a falling value is better, linked to goal 13."""
    indicator = factories.make_indicator(
        source=IndicatorSource.KOLADA,
        code="N00401",
        kolada_kpi="N00401",
        title_sv="Växthusgasutsläpp",
        title_en="Greenhouse gas emissions",
        unit="ton",
        higher_is_better=False,
        targets={2030: 1},
    )
    indicator.global_targets.set([target("13.2")])
    with django_capture_on_commit_callbacks(execute=True):
        factories.add_values(indicator, {2016: 5, 2017: "4.5", 2018: 4}, origin=ValueOrigin.KOLADA)
    return indicator


# One indicator


def test_an_indicator_holds_its_definition_targets_source_progress_links_and_values(
    client, measured
):
    _indicator, report = measured
    found = ok(client, "/api/v1/indicators/MLM.1")
    assert found["url"] == "http://testserver/api/v1/indicators/MLM.1"
    assert found["page"] == public_page("MLM.1")
    assert found["title"] == {"sv": "Andel förnybar energi", "en": "Share of renewable energy"}
    assert found["definition"] == {"sv": "Förnybar energi delad med all energi.", "en": None}
    assert (found["unit"], found["higher_is_better"], found["decimals"]) == ("%", True, 1)
    assert found["baseline"] == {
        "year": 2015,
        "value": 20.0,
        "note": {"sv": "Första mätningen.", "en": None},
    }
    assert [(t["year"], t["value"]) for t in found["targets"]] == [(2025, 40.0), (2030, 60.0)]
    source = found["source"]
    assert source["kind"]["code"] == "organisation"
    assert source["organisation"]["slug"] == "miljo"
    assert source["kolada_kpi"] is None
    assert found["breakdowns"][0]["dimension"]["code"] == "gender"
    assert [c["code"] for c in found["breakdowns"][0]["categories"]] == ["women", "men"]
    # The latest total is the published report's, for its period.
    assert found["latest"]["year"] == 2018
    assert found["latest"]["period"]["name"]["sv"] == "Tertial 1"
    assert found["latest"]["formatted"] == {"sv": "25,0", "en": "25.0"}
    assert found["trend"] == "better"
    expected = assess(
        series=[Point(2015, Decimal(20)), Point(2016, Decimal("22.25")), Point(2018, Decimal(25))],
        higher_is_better=True,
        baseline=Point(2015, Decimal(20)),
        targets=[Point(2025, Decimal(40)), Point(2030, Decimal(60))],
    )
    progress = found["progress"]
    assert progress["level"]["code"] == expected.level
    assert progress["overridden"] is False
    assert progress["baseline"] == {"year": 2015, "value": 20.0}
    assert progress["latest"] == {"year": 2018, "value": 25.0}
    assert progress["target"] == {"year": 2025, "value": 40.0}
    assert progress["observed_rate"] == pytest.approx(expected.observed_rate)
    assert progress["needed_rate"] == pytest.approx(expected.needed_rate)
    assert progress["ratio"] == pytest.approx(expected.ratio)
    assert [g["code"] for g in found["council_goals"]] == ["1.3"]
    assert [a["code"] for a in found["assignments"]] == ["2018:1"]
    assert [t["code"] for t in found["global_targets"]] == ["7.2", "11.6"]
    # Its values, in time order, the total before the categories.
    series = [
        (
            v["year"],
            v["period"] and v["period"]["name"]["sv"],
            v["category"] and v["category"]["code"],
            v["value"],
        )
        for v in found["series"]
    ]
    assert series == [
        (2015, None, None, 20.0),
        (2016, None, None, 22.25),
        (2016, None, "women", 23.0),
        (2018, "Tertial 1", None, 25.0),
        (2018, "Tertial 1", "men", 24.0),
    ]
    reported = found["series"][3]
    assert reported["origin"]["code"] == "report"
    assert reported["source"] == "Miljönämnden"
    assert reported["note"] == {"sv": "Preliminärt.", "en": None}
    assert reported["report"] == f"http://testserver/api/v1/reports/{report.pk}"
    assert found["series"][0]["report"] is None
    assert found["series"][2]["breakdown"]["code"] == "gender"
    # Every link to the API answers.
    for url in (
        found["values"],
        reported["report"],
        source["organisation"]["url"],
        found["council_goals"][0]["url"],
        found["assignments"][0]["url"],
        found["global_targets"][0]["url"],
    ):
        assert get(client, url).status_code == 200, url
    assert [v["value"] for v in ok(client, found["values"])["items"]] == [
        v["value"] for v in found["series"]
    ]


def test_a_kolada_indicator_names_kolada_as_the_source_of_its_values(client, kolada):
    found = ok(client, "/api/v1/indicators/N00401")
    assert found["source"]["kolada_kpi"] == "N00401"
    assert found["source"]["organisation"] is None
    assert {v["source"] for v in found["series"]} == {"Kolada"}
    assert {v["origin"]["code"] for v in found["series"]} == {"kolada"}
    # Falling is better: from 5 towards 1 by 2030.
    assert found["trend"] == "better"
    assert found["progress"]["needed_rate"] < 0
    values = ok(client, "/api/v1/indicator-values?indicator=N00401")["items"]
    assert {v["source"] for v in values} == {"Kolada"}
    assert values[0]["indicator"]["title"]["en"] == "Greenhouse gas emissions"
    assert values[0]["unit"] == "ton"


def test_a_progress_set_by_the_office_is_marked_with_its_note(client, kolada):
    kolada.progress_override = ProgressLevel.MOVING_AWAY
    kolada.progress_override_note = "Utsläppen räknas om."
    kolada.save()
    progress = ok(client, "/api/v1/indicators/N00401")["progress"]
    assert progress["level"]["code"] == "moving_away"
    assert progress["overridden"] is True
    assert progress["note"] == {"sv": "Utsläppen räknas om.", "en": None}
    assert progress["observed_rate"] is not None  # the figures stay for the reader


def test_an_indicator_without_values_has_not_enough_data(client):
    factories.make_indicator(code="TOM", baseline_year=None)
    found = ok(client, "/api/v1/indicators/TOM")
    assert found["latest"] is None and found["trend"] is None and found["series"] == []
    assert found["progress"]["level"]["code"] == "not_enough_data"
    assert found["progress"]["baseline"] is None


# What the public sees of reported values


STATES = [ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.APPROVED]


@pytest.fixture
def reported_in_every_state(db, django_capture_on_commit_callbacks):
    """One indicator per report, its value given in the report; the unpublished ones carry
    a marker in their note, and the reopened report's correction another value."""
    budget = factories.make_budget(year=2018)
    period = factories.make_period(budget=budget)
    organisation = factories.make_organisation()
    reporter = factories.make_member(organisation)

    def report(status: str, value: int):
        assignment = factories.make_assignment(budget=budget, organisations=[organisation])
        indicator = factories.make_indicator(
            source=IndicatorSource.ORGANISATION,
            code=f"R-{status}",
            measured_by=organisation,
            assignments=[assignment],
        )
        marker = "PUBLICERAT" if status in (ReportStatus.PUBLISHED, REOPENED) else "OPUBLICERAT"
        return factories.make_report(
            status=status,
            assignment=assignment,
            organisation=organisation,
            period=period,
            reporter=reporter,
            values=[services.ValueInput(indicator=indicator, value=Decimal(value), note=marker)],
        ), indicator

    with django_capture_on_commit_callbacks(execute=True):
        for n, status in enumerate(STATES):
            report(status, 100 + n)
        report(ReportStatus.PUBLISHED, 200)
        reopened, indicator = report(REOPENED, 300)
        services.save_report(
            report=reopened,
            by=reporter,
            content={"summary": "Rättelse."},
            values=[
                services.ValueInput(indicator=indicator, value=Decimal(301), note="OPUBLICERAT")
            ],
        )


def test_a_reported_value_is_public_only_once_its_report_is_published(
    client, reported_in_every_state
):
    values = ok(client, "/api/v1/indicator-values")["items"]
    assert {(v["indicator"]["code"], v["value"]) for v in values} == {
        ("R-published", 200.0),
        ("R-reopened", 300.0),
    }
    for path in ("/api/v1/indicator-values", "/api/v1/indicators", "/api/v1/indicators?limit=100"):
        assert "OPUBLICERAT" not in get(client, path).content.decode()
    for status in [*STATES, REOPENED, ReportStatus.PUBLISHED]:
        body = get(client, f"/api/v1/indicators/R-{status}").content.decode()
        assert "OPUBLICERAT" not in body
        found = json.loads(body)
        if status in STATES:
            assert found["series"] == [] and found["latest"] is None
    assert ok(client, "/api/v1/indicators/R-reopened")["latest"]["value"] == 300.0


# Filters


@pytest.fixture
def several(measured, kolada):
    """Besides those two: an indicator of another source with no values, linked to nothing."""
    factories.make_indicator(code="SCB1", source=IndicatorSource.OTHER, source_name="SCB")
    return measured[0], kolada


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["MLM.1", "N00401", "SCB1"]),
        ("?source=kolada", ["N00401"]),
        ("?source=organisation", ["MLM.1"]),
        ("?sdg=7", ["MLM.1"]),
        ("?sdg=13", ["N00401"]),
        ("?sdg=1", []),
        ("?sdg_target=11.6", ["MLM.1"]),
        ("?sdg_target=13.1", []),
        ("?progress=not_enough_data", ["SCB1"]),
        ("?progress=reached", []),
        ("?progress=substantial&source=kolada", ["N00401"]),
        ("?source=other&sdg=7", []),
    ],
)
def test_indicator_filters(client, several, query, expected):
    assert codes(client, f"/api/v1/indicators{query}") == expected


def test_indicator_filters_by_council_goal_assignment_and_progress(client, several):
    measured, kolada = several
    goal = measured.council_goals.get()
    assignment = measured.assignments.get()
    assert codes(client, f"/api/v1/indicators?council_goal={goal.pk}") == ["MLM.1"]
    assert codes(client, f"/api/v1/indicators?assignment={assignment.pk}") == ["MLM.1"]
    level = ok(client, "/api/v1/indicators/MLM.1")["progress"]["level"]["code"]
    assert "MLM.1" in codes(client, f"/api/v1/indicators?progress={level}")
    # A level set by the office is the one filtered by.
    kolada.progress_override = ProgressLevel.REACHED
    kolada.progress_override_note = "Nått enligt ny mätning."
    kolada.save()
    assert codes(client, "/api/v1/indicators?progress=reached") == ["N00401"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?indicator=N00401", [("N00401", 2016), ("N00401", 2017), ("N00401", 2018)]),
        ("?indicator=MLM.1&year=2016", [("MLM.1", 2016), ("MLM.1", 2016)]),
        ("?year=2018&origin=kolada", [("N00401", 2018)]),
        ("?origin=report", [("MLM.1", 2018), ("MLM.1", 2018)]),
        ("?breakdown=gender", [("MLM.1", 2016), ("MLM.1", 2018)]),
        ("?category=men", [("MLM.1", 2018)]),
        ("?breakdown=total&indicator=MLM.1", [("MLM.1", 2015), ("MLM.1", 2016), ("MLM.1", 2018)]),
        ("?breakdown=total&category=women", []),
        ("?year=2031", []),
    ],
)
def test_value_filters(client, several, query, expected):
    items = ok(client, f"/api/v1/indicator-values{query}")["items"]
    assert [(v["indicator"]["code"], v["year"]) for v in items] == expected


def test_values_come_by_indicator_in_time_order_with_the_total_first(client, several):
    items = ok(client, "/api/v1/indicator-values?limit=100")["items"]
    keys = [
        (v["indicator"]["code"], v["year"], v["period"] is not None, v["breakdown"] is not None)
        for v in items
    ]
    assert keys == sorted(keys)
    assert len(items) == 8


@pytest.mark.parametrize(
    ("path", "status", "says"),
    [
        ("/api/v1/indicators?council_goal=999999", 404, "There is no council goal 999999"),
        ("/api/v1/indicators?assignment=999999", 404, "There is no assignment 999999"),
        ("/api/v1/indicators?sdg_target=11.99", 404, "There is no Agenda 2030 target 11.99"),
        ("/api/v1/indicators?sdg=18", 400, "sdg"),
        ("/api/v1/indicators?source=scb", 400, "source"),
        ("/api/v1/indicators?progress=great", 400, "progress"),
        ("/api/v1/indicators?council_goal=abc", 400, "council_goal"),
        ("/api/v1/indicators?code=N00401", 400, "Unknown parameter: code"),
        ("/api/v1/indicators?offset=3", 404, "There is no page at offset 3"),
        ("/api/v1/indicators?progress=reached&offset=1", 404, "There is no page at offset 1"),
        ("/api/v1/indicators/NOSUCH", 404, "There is no indicator NOSUCH"),
        ("/api/v1/indicators/N00401?year=2018", 400, "Unknown parameter: year"),
        ("/api/v1/indicators/%C3%A5%C3%A4", 400, "code"),
        ("/api/v1/indicators/-x", 400, "code"),
        ("/api/v1/indicator-values?indicator=NOSUCH", 404, "There is no indicator NOSUCH"),
        ("/api/v1/indicator-values?indicator=a%20b", 400, "indicator"),
        ("/api/v1/indicator-values?year=1949", 400, "year"),
        ("/api/v1/indicator-values?year=twenty", 400, "year"),
        ("/api/v1/indicator-values?breakdown=age", 400, "breakdown"),
        ("/api/v1/indicator-values?category=girls", 400, "category"),
        ("/api/v1/indicator-values?origin=guess", 400, "origin"),
        ("/api/v1/indicator-values?limit=101", 400, "limit"),
        ("/api/v1/indicator-values?dimension=gender", 400, "Unknown parameter: dimension"),
        ("/api/v1/indicator-values?offset=100", 404, "There is no page at offset 100"),
    ],
)
def test_bad_parameters_answer_400_or_404_in_json(client, several, path, status, says):
    response = get(client, path)
    assert response.status_code == status, response.content
    assert says in json.dumps(response.json()["detail"])


# Paging


def test_pages_link_to_each_other_with_the_filters_and_a_filtered_progress(client, several):
    first = ok(client, "/api/v1/indicator-values?indicator=MLM.1&limit=2")
    assert (first["count"], len(first["items"]), first["previous"]) == (5, 2, None)
    assert "indicator=MLM.1" in first["next"]
    second = ok(client, first["next"])
    last = ok(client, second["next"])
    assert (len(last["items"]), last["next"]) == (1, None)
    assert ok(client, last["previous"])["offset"] == 2
    # A list filtered by the computed progress is paged the same way.
    factories.make_indicator(code="SCB2")
    paged = ok(client, "/api/v1/indicators?progress=not_enough_data&limit=1")
    assert (paged["count"], [i["code"] for i in paged["items"]]) == (2, ["SCB1"])
    assert [i["code"] for i in ok(client, paged["next"])["items"]] == ["SCB2"]


# The starting point, and caching until something is published


def test_the_index_lists_the_indicator_resources(client):
    resources = ok(client, "/api/v1/")["resources"]
    assert resources["indicators"] == "http://testserver/api/v1/indicators"
    assert resources["indicator_values"] == "http://testserver/api/v1/indicator-values"


def test_new_values_are_answered_at_once(client, kolada, django_capture_on_commit_callbacks):
    first = get(client, "/api/v1/indicator-values")
    etag = first["ETag"]
    again = client.get("/api/v1/indicator-values", headers={"If-None-Match": etag})
    assert again.status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        factories.add_values(kolada, {2019: "3.5"}, origin=ValueOrigin.KOLADA)
    fresh = get(client, "/api/v1/indicator-values", **{"If-None-Match": etag})
    assert fresh.status_code == 200
    assert fresh.json()["count"] == 4


# Queries: as many for a page of any length, at any size of the data


def grow(times: int) -> None:
    budget = factories.make_budget()
    organisation = factories.make_organisation()
    period = factories.make_period(budget=budget)
    targets = list(GlobalTarget.objects.filter(goal__framework="sdg", goal__number=11)[:3])
    for n in range(times):
        assignment = factories.make_assignment(budget=budget, organisations=[organisation])
        indicator = factories.make_indicator(
            source=IndicatorSource.ORGANISATION,
            measured_by=organisation,
            assignments=[assignment],
            has_gender_split=True,
            targets={2025: 50, 2030: 100},
            baseline_year=2015,
            baseline_value=Decimal(10),
        )
        indicator.council_goals.add(factories.make_council_goal(budget=budget))
        indicator.global_targets.set(targets)
        factories.add_values(indicator, {2015 + year: 10 + n + year for year in range(3)})
        factories.add_values(indicator, {2016: 9}, dimension="gender", category="women")
        factories.make_report(
            status=ReportStatus.PUBLISHED,
            assignment=assignment,
            organisation=organisation,
            period=period,
            values=[services.ValueInput(indicator=indicator, value=Decimal(40))],
        )


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(captured)


LISTS = [
    "/api/v1/indicators",
    "/api/v1/indicators?progress=substantial",
    "/api/v1/indicators?sdg=11&source=organisation",
    "/api/v1/indicator-values",
    "/api/v1/indicator-values?breakdown=total&origin=import",
    "/api/v1/indicator-values?indicator={code}",
]


def test_queries_do_not_grow_with_the_data_or_the_page(client, django_capture_on_commit_callbacks):
    from assignments.models import Indicator

    with django_capture_on_commit_callbacks(execute=True):
        grow(3)
    code = Indicator.objects.order_by("code").first().code
    paths = [path.format(code=code) for path in LISTS] + [f"/api/v1/indicators/{code}"]

    def sep(path: str) -> str:
        return "&" if "?" in path else "?"

    small = {
        path: queries(client, path if "/indicators/" in path else f"{path}{sep(path)}limit=20")
        for path in paths
    }
    with django_capture_on_commit_callbacks(execute=True):
        grow(30)
        # The detail's indicator gets many more values, too.
        indicator = Indicator.objects.get(code=code)
        factories.add_values(indicator, {year: year - 1990 for year in range(1990, 2015)})
    for path in paths:
        if "/indicators/" in path:
            assert queries(client, path) == small[path], path
            continue
        assert queries(client, f"{path}{sep(path)}limit=20") == small[path], path
        assert queries(client, f"{path}{sep(path)}limit=100") == small[path], path
    assert Report.objects.public().count() == 33
