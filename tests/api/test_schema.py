"""
The API tested against its own description: schemathesis reads ``/api/v1/openapi.json`` and
generates requests for every operation from it (valid and invalid parameters alike), runs
them through the WSGI application, and checks each answer: never a server error, always a
status, content type, headers and body that the description allows. Besides, no answer
holds anything of a report that was not published: the data has reports in every state,
whose unpublished texts carry a marker no answer may contain.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from assignments.models import IndicatorSource, ReportStatus, ValueOrigin
from assignments.services import ValueInput
from tests import factories
from tests.factories import REOPENED

# Examples per operation: the floor, the same on every machine.
EXAMPLES = 100
UNPUBLISHED = "OPUBLICERAD-TEXT"
# schemathesis's WSGI transport sends the Accept-Encoding of requests (gzip) but does not
# decompress: ask for the answers as they are, as a client that cannot decompress does (a
# page from the cache is sent gzipped otherwise; tests/core/test_caching.py covers that).
PLAIN = {"Accept-Encoding": "identity"}


@pytest.fixture
def api_data(db, django_capture_on_commit_callbacks):
    """A budget with goals, assignments, organisations and periods, and reports in every
    state: the published ones' texts are public, every other text carries the marker."""
    from goals.models import GlobalGoal, GlobalTarget

    budget = factories.make_budget(year=2018)
    goal = factories.make_council_goal(budget=budget)
    goal.global_goals.add(*GlobalGoal.objects.sdg().filter(number__in=[11, 13]))
    organisation = factories.make_organisation()
    other = factories.make_organisation()
    assignment = factories.make_assignment(
        budget=budget, council_goal=goal, organisations=[organisation, other]
    )
    assignment.global_goals.add(*GlobalGoal.objects.filter(number__in=[11, 13]))
    assignment.global_targets.add(*GlobalTarget.objects.filter(code__in=["11.6", "13.2", "7.F"]))
    period = factories.make_period(budget=budget)
    unpublished = [factories.make_organisation() for _ in range(4)]
    quiet = factories.make_assignment(budget=budget, council_goal=goal, organisations=unpublished)
    # An indicator the first organisation measures, split by gender, and one of Kolada's; the
    # organisations of the unpublished reports measure one each.
    measured = factories.make_indicator(
        source=IndicatorSource.ORGANISATION,
        code="MLM.1",
        measured_by=organisation,
        assignments=[assignment],
        has_gender_split=True,
        targets={2030: 100},
    )
    measured.council_goals.add(goal)
    measured.global_targets.add(*GlobalTarget.objects.filter(code__in=["13.2", "7.F"]))
    kolada = factories.make_indicator(
        source=IndicatorSource.KOLADA, code="N00401", kolada_kpi="N00401", targets={2030: 1}
    )
    kolada.global_targets.add(GlobalTarget.objects.get(goal__framework="sdg", code="13.2"))
    secret = {
        reporting: factories.make_indicator(
            source=IndicatorSource.ORGANISATION, measured_by=reporting, assignments=[quiet]
        )
        for reporting in unpublished
    }
    with django_capture_on_commit_callbacks(execute=True):
        factories.add_values(measured, {2016: 10, 2017: "12.5"})
        factories.add_values(measured, {2017: 12}, dimension="gender", category="women")
        factories.add_values(kolada, {2016: 5, 2017: 4}, origin=ValueOrigin.KOLADA)
        factories.make_report(
            status=ReportStatus.PUBLISHED,
            assignment=assignment,
            organisation=organisation,
            period=period,
            content={"summary": "Publicerad sammanfattning.", "narrative": "Publicerat."},
            targets=["11.6"],
            attachments=["plan.pdf"],
            values=[ValueInput(indicator=measured, value=Decimal(15), note="Publicerat värde.")],
        )
        factories.make_report(
            status=REOPENED,
            assignment=assignment,
            organisation=other,
            period=period,
            content={"summary": "Publicerad först.", "narrative": "Publicerat först."},
            targets=["13.2"],
        )
        for status, reporting in zip(
            (
                ReportStatus.DRAFT,
                ReportStatus.SUBMITTED,
                ReportStatus.RETURNED,
                ReportStatus.APPROVED,
            ),
            unpublished,
            strict=True,
        ):
            factories.make_report(
                status=status,
                assignment=quiet,
                organisation=reporting,
                period=period,
                content={"summary": f"{UNPUBLISHED} {status}", "narrative": UNPUBLISHED},
                values=[
                    ValueInput(indicator=secret[reporting], value=Decimal(7), note=UNPUBLISHED)
                ],
            )
    # The reopened report's correction, saved but not published.
    from assignments import services
    from assignments.models import Report

    reopened = Report.objects.get(organisation=other, period=period)
    services.save_report(
        report=reopened,
        by=factories.make_member(other),
        content={"summary": f"{UNPUBLISHED} rättelse", "narrative": UNPUBLISHED},
    )
    return {
        "year": budget.year,
        "id": {
            "council-goals": goal.pk,
            "assignments": assignment.pk,
            "periods": period.pk,
            "reports": reopened.pk,
        },
        "slug": organisation.slug,
        "number": 11,
        "code": "11.6",
        "indicator": measured.code,
        # The indicators' own filters where a name means something else for reports.
        "indicator query": {"progress": "substantial", "source": "organisation"},
        "query": {
            "budget": budget.year,
            "organisation": other.slug,
            "council_goal": goal.pk,
            "assignment": assignment.pk,
            "period": period.pk,
            "sdg": 13,
            "sdg_target": "13.2",
            "progress": "on_track",
            "latest": "true",
            "goal": 7,
            "kind": organisation.kind,
            "indicator": measured.code,
            "year": 2017,
            "breakdown": "gender",
            "category": "women",
            "origin": "import",
        },
    }


def _schema():
    """The description as the API serves it (read without the database)."""
    from django.test.utils import override_settings

    from malmo_portal.wsgi import application

    with override_settings(ALLOWED_HOSTS=["localhost"]):
        return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


schema = _schema()


@pytest.fixture(autouse=True)
def _wsgi_in_test_transaction(settings):
    """The WSGI application called directly, as Django's test client calls it: without
    closing the database connection at the end of each request, which would end the test's
    transaction (and on PostgreSQL close its connection)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    settings.ALLOWED_HOSTS = ["localhost"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_every_operation_answers_for_objects_that_exist(api_data):
    """Generated identifiers rarely name an object that exists: each operation is called
    for existing ones as well, with every filter it takes set, and its answer checked."""
    answered = 0
    for path, methods in schema.raw_schema["paths"].items():
        operation = schema[path]["GET"]
        names = {p["name"]: p["in"] for p in methods["get"].get("parameters", [])}
        path_parameters, query = {}, {}
        for name, where in names.items():
            if where == "path":
                value = api_data["id"][path.split("/")[3]] if name == "id" else api_data[name]
                if name == "number" and path.startswith("/api/v1/mdg/"):
                    value = 7
                if name == "code" and path.startswith("/api/v1/mdg/"):
                    value = "7.A"
                if name == "code" and path.startswith("/api/v1/indicators/"):
                    value = api_data["indicator"]
                path_parameters[name] = value
            elif name in api_data["query"]:
                query[name] = api_data["query"][name]
        if "goal" in query and path.startswith("/api/v1/sdg/"):
            query["goal"] = 13
        if path.startswith("/api/v1/indicators"):
            query |= {k: v for k, v in api_data["indicator query"].items() if k in names}
        case = operation.Case(path_parameters=path_parameters, query=query)
        response = case.call_and_validate(headers=PLAIN)
        assert response.status_code == 200, (path, query, response.text)
        assert UNPUBLISHED not in response.text
        answered += 1
    assert answered == len(schema.raw_schema["paths"]) == 24


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_to_its_description(case, api_data):
    response = case.call_and_validate(headers=PLAIN)
    assert UNPUBLISHED not in response.text
