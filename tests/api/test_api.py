"""The public API's behaviour: what it shows of reports, its filters, paging, errors, both
languages, conditional requests, CORS, and its queries as the data grows."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assignments.models import Progress, ReportStatus
from tests import factories
from tests.factories import REOPENED

pytestmark = pytest.mark.django_db


def get(client, path, **headers):
    response = client.get(path, headers=headers)
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response


def items(client, path):
    response = get(client, path)
    assert response.status_code == 200, response.content
    return response.json()["items"]


# What the public sees of reports


def test_reports_are_their_published_version_only(world, client):
    """Drafts, submitted reports and a correction under way never leave the portal; a
    reopened report is shown as it was published."""
    published = items(client, "/api/v1/reports")
    assert [r["id"] for r in published] == [world.published.pk]
    assert published[0]["summary"] == {"sv": "Publicerad text.", "en": None}

    from assignments import services

    services.reopen_report(report=world.published, by=world.reviewer, note="Rätta.")
    world.published.refresh_from_db()
    services.save_report(
        report=world.published, by=world.reporter, content={"summary": "Hemlig rättelse."}
    )
    body = get(client, "/api/v1/reports").content.decode()
    assert "Publicerad text." in body
    for secret in ("Hemlig rättelse.", "Utkastets text.", "Inskickad text.", "Annans utkast."):
        assert secret not in body
        for path in ("/api/v1/assignments", f"/api/v1/reports/{world.published.pk}"):
            assert secret not in get(client, path).content.decode()


@pytest.mark.parametrize("name", ["draft", "submitted", "others_draft"])
def test_an_unpublished_report_is_a_404(world, client, name):
    response = get(client, f"/api/v1/reports/{getattr(world, name).pk}")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_a_report_links_to_its_pages_and_related_objects(world, client):
    report = get(client, f"/api/v1/reports/{world.published.pk}").json()
    assert report["page"] == {
        "sv": f"http://testserver/rapporter/{world.published.pk}/",
        "en": f"http://testserver/en/reports/{world.published.pk}/",
    }
    assert report["organisation"]["url"].endswith(
        f"/api/v1/organisations/{world.organisation.slug}"
    )
    assert report["assignment"]["url"].endswith(f"/api/v1/assignments/{world.assignment.pk}")
    [attachment] = report["attachments"]
    assert attachment["name"] == "plan.pdf"
    # The attachment of the published version downloads for anyone.
    assert client.get(attachment["download"]).status_code == 200
    # Every link to the API answers.
    for url in (report["url"], report["assignment"]["url"], report["period"]["url"]):
        assert client.get(url).status_code == 200


# Filters


@pytest.fixture
def two_budgets(db, django_capture_on_commit_callbacks):
    """Published reports in two budget years, with different progress and targets."""
    reports = {}
    with django_capture_on_commit_callbacks(execute=True):
        for year, progress, target in ((2018, "on_track", "11.6"), (2019, "at_risk", "13.2")):
            budget = factories.make_budget(year=year)
            period = factories.make_period(budget=budget)
            reports[year] = factories.make_report(
                status=ReportStatus.PUBLISHED,
                period=period,
                content={"summary": f"År {year}.", "progress": progress},
                targets=[target],
            )
    return reports


@pytest.mark.parametrize(
    ("query", "years"),
    [
        ("", [2019, 2018]),
        ("?budget=2018", [2018]),
        ("?progress=at_risk", [2019]),
        ("?sdg=11", [2018]),
        ("?sdg_target=13.2", [2019]),
        ("?sdg=5", []),
        ("?latest=true", [2019, 2018]),
        ("?budget=2019&progress=on_track", []),
    ],
)
def test_report_filters(two_budgets, client, query, years):
    found = items(client, f"/api/v1/reports{query}")
    assert [r["summary"]["sv"] for r in found] == [f"År {year}." for year in years]


def test_filters_by_organisation_period_and_assignment(two_budgets, client):
    report = two_budgets[2018]
    for query in (
        f"organisation={report.organisation.slug}",
        f"period={report.period_id}",
        f"assignment={report.assignment_id}",
    ):
        assert [r["id"] for r in items(client, f"/api/v1/reports?{query}")] == [report.pk]
    assignments = items(client, f"/api/v1/assignments?organisation={report.organisation.slug}")
    assert [a["id"] for a in assignments] == [report.assignment_id]
    assert [a["budget"]["year"] for a in items(client, "/api/v1/assignments?budget=2019")] == [2019]


@pytest.mark.parametrize(
    ("query", "status", "says"),
    [
        ("?budget=2031", 404, "There is no budget for 2031"),
        ("?organisation=ingen-sadan", 404, "There is no organisation ingen-sadan"),
        ("?sdg_target=11.99", 404, "There is no Agenda 2030 target 11.99"),
        ("?progress=great", 400, "progress"),
        ("?sdg=18", 400, "sdg"),
        ("?limit=101", 400, "limit"),
        ("?limit=0", 400, "limit"),
        ("?offset=-1", 400, "offset"),
        ("?period=abc", 400, "period"),
        ("?latest=perhaps", 400, "latest"),
        ("?offset=20", 404, "There is no page at offset 20"),
        ("?title=x", 400, "Unknown parameter: title"),
        ("?order_by=-pk", 400, "Unknown parameter: order_by"),
    ],
)
def test_bad_parameters_answer_400_or_404_in_json(two_budgets, client, query, status, says):
    response = get(client, f"/api/v1/reports{query}")
    assert response.status_code == status
    assert says in json.dumps(response.json()["detail"])


def test_an_object_takes_no_query_parameters(db, client):
    response = get(client, "/api/v1/sdg/goals/11?limit=3")
    assert response.status_code == 400
    assert response.json()["detail"] == "Unknown parameter: limit. This address takes none."
    listed = get(client, "/api/v1/sdg/targets?goal=3&gaol=4")
    assert listed.status_code == 400
    assert listed.json()["detail"] == (
        "Unknown parameter: gaol. This address takes: goal, limit, offset."
    )


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/reports/999999",
        "/api/v1/assignments/999999",
        "/api/v1/budgets/2031",
        "/api/v1/organisations/ingen-sadan",
        "/api/v1/sdg/goals/18",
        "/api/v1/sdg/targets/99.9",
        "/api/v1/mdg/targets/11.6",
        "/api/v1/nothing/here",
    ],
)
def test_unknown_objects_are_404_in_json(db, client, path):
    response = get(client, path)
    assert response.status_code in (400, 404)
    assert response.json()["detail"]


def test_only_reading_is_allowed(db, client):
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)("/api/v1/reports")
        assert response.status_code == 405
    assert client.head("/api/v1/reports").status_code == 200


# Paging


def test_pages_link_to_each_other_and_keep_the_filters(db, client):
    budget = factories.make_budget(year=2018)
    for _ in range(5):
        factories.make_assignment(budget=budget)
    first = get(client, "/api/v1/assignments?budget=2018&limit=2").json()
    assert (first["count"], len(first["items"]), first["previous"]) == (5, 2, None)
    second = get(client, first["next"]).json()
    assert second["offset"] == 2
    assert "budget=2018" in first["next"]
    last = get(client, second["next"]).json()
    assert (len(last["items"]), last["next"]) == (1, None)
    seen = [a["id"] for page in (first, second, last) for a in page["items"]]
    assert len(set(seen)) == 5


# Both languages


def test_texts_come_in_both_languages_and_missing_ones_are_null(db, client):
    from goals.models import GlobalTarget

    target = GlobalTarget.objects.filter(goal__framework="sdg", text_sv="").first()
    assert target is not None  # some targets have no official Swedish text yet
    found = get(client, f"/api/v1/sdg/targets/{target.code}").json()
    assert found["text"] == {"sv": None, "en": target.text_en}
    goal = get(client, "/api/v1/sdg/goals/11").json()
    assert goal["title"] == {"sv": "Hållbara städer och samhällen", "en": goal["title"]["en"]}
    assert goal["title"]["en"]
    # The answer is the same whatever language the client prefers.
    english = get(client, "/api/v1/sdg/goals/11", **{"Accept-Language": "en"}).json()
    assert english == goal


def test_coded_values_carry_both_labels(two_budgets, client):
    report = items(client, "/api/v1/reports?budget=2019")[0]
    assert report["progress"] == {
        "code": "at_risk",
        "label": {"sv": "Risk för avvikelse", "en": "At risk"},
    }


# HTTP caching


def test_conditional_requests_are_answered_304_until_something_is_published(
    world, client, django_assert_num_queries
):
    first = client.get("/api/v1/reports")
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag and modified and "public" in first["Cache-Control"]
    with django_assert_num_queries(0):  # from the cache
        again = client.get("/api/v1/reports", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again["ETag"] == etag and not again.content
    assert client.get("/api/v1/reports", headers={"If-Modified-Since": modified}).status_code == 304

    from django.test import TestCase

    from assignments import services

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.approve_report(report=world.submitted, by=world.reviewer)
        services.publish_report(report=world.submitted, by=world.reviewer)
    fresh = client.get("/api/v1/reports", headers={"If-None-Match": etag})
    assert fresh.status_code == 200
    assert fresh["ETag"] != etag
    assert "Inskickad text." in fresh.content.decode()


def test_html_pages_answer_conditional_requests_too(world, client):
    first = client.get("/en/assignments/")
    assert (
        client.get("/en/assignments/", headers={"If-None-Match": first["ETag"]}).status_code == 304
    )


# CORS


def test_cors_is_open_for_reading_only(db, client):
    origin = {"Origin": "https://example.org"}
    response = client.get("/api/v1/sdg/goals", headers=origin)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in response
    preflight = client.options(
        "/api/v1/sdg/goals",
        headers={**origin, "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 200
    allowed = {m.strip() for m in preflight["Access-Control-Allow-Methods"].split(",")}
    assert allowed == {"GET", "HEAD", "OPTIONS"}
    # Nothing of the rest of the portal is open to other sites.
    assert "Access-Control-Allow-Origin" not in client.get("/", headers=origin)


# The description


def test_the_description_is_openapi_3_1_with_errors_documented(db, client):
    description = get(client, "/api/v1/openapi.json").json()
    assert description["openapi"] == "3.1.0"
    operations = [op for path in description["paths"].values() for op in path.values()]
    assert len(operations) == 24
    for operation in operations:
        assert set(operation["responses"]) == {"200", "400", "404"}
        assert operation["summary"]


# Queries: as many for a page of any length, at any size of the data


def _queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(queries)


def _grow(times, django_capture_on_commit_callbacks):
    from goals.models import Budget, GlobalGoal, GlobalTarget

    budget = Budget.objects.filter(year=2018).first() or factories.make_budget(year=2018)
    goal = factories.make_council_goal(budget=budget)
    goals = list(GlobalGoal.objects.sdg()[:3])
    targets = list(GlobalTarget.objects.filter(goal__in=goals)[:4])
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(times):
            organisations = [factories.make_organisation() for _ in range(2)]
            assignment = factories.make_assignment(
                budget=budget, council_goal=goal, organisations=organisations
            )
            assignment.global_goals.add(*goals)
            assignment.global_targets.add(*targets)
            factories.make_report(
                status=ReportStatus.PUBLISHED,
                assignment=assignment,
                organisation=organisations[0],
                period=factories.make_period(budget=budget),
                targets=targets[:2],
                attachments=["a.pdf"],
            )
            factories.make_report(
                status=REOPENED,
                assignment=assignment,
                organisation=organisations[1],
                period=factories.make_period(budget=budget),
                content={"summary": "x", "progress": Progress.AT_RISK},
            )


LISTS = [
    "/api/v1/reports",
    "/api/v1/assignments",
    "/api/v1/organisations",
    "/api/v1/council-goals",
    "/api/v1/periods",
    "/api/v1/budgets",
    "/api/v1/sdg/goals",
    "/api/v1/sdg/targets",
    "/api/v1/reports?sdg_target=11.1&budget=2018&progress=at_risk",
    "/api/v1/assignments?organisation={org}&sdg=1",
]


def test_queries_do_not_grow_with_the_data_or_the_page(
    db, client, django_capture_on_commit_callbacks
):
    from assignments.models import Organisation

    _grow(3, django_capture_on_commit_callbacks)
    org = Organisation.objects.order_by("pk").first().slug
    small = {
        path: _queries(client, f"{path.format(org=org)}{'&' if '?' in path else '?'}limit=20")
        for path in LISTS
    }
    _grow(30, django_capture_on_commit_callbacks)
    for path in LISTS:
        url = f"{path.format(org=org)}{'&' if '?' in path else '?'}"
        assert _queries(client, f"{url}limit=20") == small[path], path
        assert _queries(client, f"{url}limit=100") == small[path], path


# Links to the public pages


@pytest.mark.parametrize(
    ("framework", "path", "swedish", "english"),
    [
        (
            "sdg",
            "/api/v1/sdg/targets/11.a",
            "/agenda-2030/mal/11/delmal/11.a/",
            "/en/agenda-2030/goals/11/targets/11.a/",
        ),
        (
            "mdg",
            "/api/v1/mdg/targets/7.A",
            "/millenniemalen/mal/7/delmal/7.A/",
            "/en/millennium-goals/goals/7/targets/7.A/",
        ),
    ],
)
def test_a_target_links_to_its_own_page_in_both_languages(
    db, client, framework, path, swedish, english
):
    found = get(client, path).json()
    assert found["page"] == {
        "sv": f"http://testserver{swedish}",
        "en": f"http://testserver{english}",
    }
    for address in found["page"].values():
        assert client.get(address.removeprefix("http://testserver")).status_code == 200
