"""
The property-based tests and the access matrix, sampled, against production: gunicorn with
debug off on PostgreSQL and Redis, over real HTTP (the main suite runs them in-process on
both databases with 200 examples an endpoint; here 40 an endpoint, through the whole stack).
"""

from __future__ import annotations

import sys
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from hypothesis import given, settings

from tests.strategies import fields

from .conftest import DEMO_PASSWORD, Server, run

pytestmark = pytest.mark.system

EXAMPLES = settings(max_examples=40)


@pytest.fixture(scope="module")
def server(portal):
    with Server(portal) as server:
        yield server


# A draft of miljo's organisation of its own, made through the services: the restart test
# submits the shared ones.
MAKE_DRAFT = """
from assignments import services
from assignments.models import (
    Assignment, ReportingPeriod, Responsibility, ResponsibilityRole, User,
)
user = User.objects.get(username="miljo")
organisation = user.memberships.get().organisation
period = ReportingPeriod.objects.open().order_by("-opens_on").first()
assignment = Assignment.objects.create(
    budget=period.budget, code="HARDENING:1", title="Uppdrag för härdningstestet",
    text="Nämnden ges i uppdrag att tåla vad som helst.",
)
Responsibility.objects.create(
    assignment=assignment, organisation=organisation, role=ResponsibilityRole.LEAD
)
report = services.create_report(
    assignment=assignment, organisation=organisation, period=period, by=user
)
print(report.pk)
"""


@pytest.fixture(scope="module")
def draft_id(portal):
    output = run([sys.executable, "manage.py", "shell", "-c", MAKE_DRAFT], portal)
    return int(output.strip().splitlines()[-1])


def signed_in(server, username: str):
    client = server.client()
    client.login(username, DEMO_PASSWORD)
    return client


def send(client, method: str, path: str, data: dict[str, list[str]]):
    pairs = [(name, value) for name, values in data.items() for value in values]
    if method == "GET":
        return client.get(f"{path}?{urlencode(pairs)}")
    # The page with the form first, as a browser has it: its CSRF cookie.
    page = reverse("assignments:my_assignments") if path.endswith("/starta/") else path
    assert client.get(page).status == 200
    response = client.post(path, pairs)
    assert response.status != 403, f"POST {path} was refused (CSRF?): {response.body[:300]}"
    return response


ENDPOINTS = {
    "assignment list": (
        None,
        "GET",
        lambda draft: reverse("public:assignment_list"),
        ["q", "year", "organisation", "council_goal", "goal", "progress", "page"],
    ),
    "council goals": (None, "GET", lambda draft: reverse("public:council_goals"), ["year"]),
    "SDG goal": (
        None,
        "GET",
        lambda draft: reverse("goals_public:sdg_detail", args=[11]),
        ["page", "year"],
    ),
    "password reset": (None, "POST", lambda draft: reverse("password_reset"), ["email"]),
    "start a report": (
        "miljo",
        "POST",
        lambda draft: reverse("assignments:report_start"),
        ["organisation", "assignment", "period"],
    ),
    "report form": (
        "miljo",
        "POST",
        lambda draft: reverse("assignments:report_edit", args=[draft]),
        ["summary", "narrative", "progress", "percent_complete", "edit_version", "targets"],
    ),
    "review queue": (
        "granskare",
        "GET",
        lambda draft: reverse("admin:assignments_report_changelist"),
        ["status__exact", "period__id__exact", "sdg", "submitted_at__year", "q", "o", "p"],
    ),
    "organisations in the admin": (
        "granskare",
        "GET",
        lambda draft: reverse("admin:assignments_organisation_changelist"),
        ["kind__exact", "active", "parent__id__exact", "q"],
    ),
    "publish a period": (
        "granskare",
        "GET",
        lambda draft: reverse("admin:assignments_report_publish_period"),
        ["period", "report"],
    ),
}


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_generated_input_gets_no_server_error_from_production(server, draft_id, endpoint):
    username, method, path_of, names = ENDPOINTS[endpoint]
    client = signed_in(server, username) if username else server.client()
    path = path_of(draft_id)

    @EXAMPLES
    @given(data=fields(names))
    def check(data):
        response = send(client, method, path, data)
        assert response.status < 500, f"{method} {path} {data!r}: {response.status}"

    check()
    assert "Traceback" not in server.log.read_text()


def test_the_access_matrix_holds_in_production(server, draft_id):
    """Another organisation's report is a 404, the admin is for staff, no draft leaks."""
    draft = reverse("assignments:report_detail", args=[draft_id])
    pages = [
        draft,
        reverse("assignments:report_edit", args=[draft_id]),
        reverse("assignments:report_submit", args=[draft_id]),
    ]
    expected = {
        "anonymous": (302, "/konto/login/"),
        "mkb": (404, ""),  # a reporter of another organisation
        "lasare": (200, ""),  # a reader of Miljönämnden: reads, and is led to the report
        "miljo": (200, ""),
        "granskare": (200, ""),
    }
    clients = {
        name: server.client() if name == "anonymous" else signed_in(server, name)
        for name in expected
    }
    for name, client in clients.items():
        status, location = expected[name]
        response = client.get(draft)
        assert response.status == status, f"{name}: {draft} {response.status}"
        assert location in response.location
        for page in pages[1:]:
            response = client.get(page)
            if name in ("anonymous", "mkb"):
                assert response.status == status, f"{name}: {page} {response.status}"
            post = client.post(page, {"summary": "Ändrat utifrån."})
            if name != "miljo":
                assert post.status in (302, 403, 404), f"{name}: POST {page} {post.status}"
        admin = client.get("/admin/assignments/report/")
        if name == "granskare":
            assert admin.status == 302 and "status__exact" in admin.location
        else:
            assert admin.status == 302 and "/admin/login/" in admin.location
    for client in (clients["anonymous"], clients["mkb"]):
        # The public page of an unpublished report does not exist, for anyone.
        assert client.get(reverse("public:report_detail", args=[draft_id])).status == 404
