"""
Who reaches what: every URL pattern of the URL conf, tried as each role.

The patterns are enumerated from the resolver, not from a list kept by hand: a new URL that
no rule below covers fails ``test_every_url_pattern_has_a_rule``, so it cannot ship without
saying who may use it. Each pattern is then requested (GET, and POST where it changes
state) as anonymous, another organisation's reporter, the owner (the organisation's
reporter), the organisation's reader and a reviewer, and the answer must be the one the
rule gives. No answer to anyone who may not read a report holds its unpublished text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assignments.models import DeadlineReminder
from assignments.roles import REVIEWER_PERMISSIONS
from tests import factories

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "owner", "reader", "reviewer"]
# Texts of reports that are not published: none may reach anyone outside the organisation
# and the office. ("Utkastets text." is the owner's draft, the others are the other
# organisation's.)
OWN_DRAFT = "Utkastets text."
OTHERS_UNPUBLISHED = ("Inskickad text.", "Annans utkast.")


@dataclass(frozen=True)
class Pattern:
    name: str
    route: str
    converters: tuple[str, ...]


def walk(patterns, prefix: str = "", namespace: str | None = None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace
            ns = namespace if inner is None else (f"{namespace}:{inner}" if namespace else inner)
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else (entry.name or "")
            route = prefix + str(entry.pattern)
            yield Pattern(name, route, tuple(re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)))


PATTERNS = sorted(set(walk(get_resolver().url_patterns)), key=lambda p: (p.name, p.route))


# The rules. Outcomes: "ok" 200, "login" a redirect to the sign-in page, "admin login" a
# redirect to the admin's, "404", "403", "405", "redirect" any other redirect.

PUBLIC = re.compile(
    r"^(home|sitemap|robots_txt|health_live|health_ready|login|password_reset"
    r"|password_reset_done|password_reset_complete|password_reset_confirm|public:.*"
    r"|goals_public:.*|opendata:.*)$"
)
SIGNED_IN = re.compile(r"^(password_change|password_change_done|logout)$")
REPORTING = re.compile(r"^assignments:")
ADMIN = re.compile(r"^admin:")
LANGUAGE = re.compile(r"^set_language$")
# The public API and its documentation: the same public data for everyone, signed in or not.
API = re.compile(r"^(api:.*|api_docs)$")


def rule_for(pattern: Pattern) -> str | None:
    for kind, regex in [
        ("public", PUBLIC),
        ("signed in", SIGNED_IN),
        ("reporting", REPORTING),
        ("admin", ADMIN),
        ("language", LANGUAGE),
        ("api", API),
    ]:
        if regex.match(pattern.name):
            return kind
    return None


def test_every_url_pattern_has_a_rule():
    missing = [f"{p.name or '(no name)'} {p.route}" for p in PATTERNS if rule_for(p) is None]
    assert not missing, "URL patterns without an access rule in this test:\n" + "\n".join(missing)


# Concrete URLs


def admin_model(route: str):
    match = re.search(r"admin/(\w+)/(\w+)/", route)
    if not match:
        return None
    for model in admin.site._registry:
        if (model._meta.app_label, model._meta.model_name) == match.groups():
            return model
    return None


def council_goal(world):
    """The council goal of the world's assignment (made for the API's page of it)."""
    from tests.factories import make_council_goal

    if world.assignment.council_goal is None:
        world.assignment.council_goal = make_council_goal(budget=world.budget)
        world.assignment.save()
    return world.assignment.council_goal


def indicator(world):
    """An indicator of the world's assignment, with a value (made for its API object and
    its feed of values)."""
    from assignments.models import Indicator
    from tests.factories import add_values, make_indicator

    found = Indicator.objects.filter(code="MATRIX1").first()
    if found is None:
        found = make_indicator(code="MATRIX1", assignments=[world.assignment])
        add_values(found, {2018: 1})
    return found


def concrete_url(pattern: Pattern, world) -> str | None:
    """The pattern filled in with the world's objects; None where no object fits."""
    values = {
        "pk": world.draft.pk,
        "number": 1,
        "attachment_pk": world.attachment.pk,
        "slug": world.organisation.slug,
        "uidb64": "MQ",
        "token": "set-password",
        "dataset": "published-reports",
        "fmt": "csv",
    }
    if pattern.name.startswith(("public:", "goals_public:", "opendata:")):
        values["pk"] = {
            "public:assignment_detail": world.assignment.pk,
            "public:report_detail": world.published.pk,
            "public:period_compilation": world.published.period_id,
        }.get(pattern.name, world.draft.pk)
        values["number"] = 7 if pattern.name.startswith("goals_public:mdg_") else 11
        if pattern.name.startswith("goals_public:"):
            values["code"] = "7.A" if pattern.name.startswith("goals_public:mdg_") else "11.6"
        if pattern.name == "opendata:feed_indicator":
            values["code"] = indicator(world).code
    if pattern.name in ("public:indicator_detail", "public:indicator_values"):
        values["code"] = indicator(world).code
    if pattern.name == "assignments:report_version":
        values["pk"] = world.published.pk
    if pattern.name.startswith("api:"):
        values.update(
            {
                "id": {
                    "api:report": world.published.pk,
                    "api:assignment": world.assignment.pk,
                    "api:period": world.period.pk,
                    "api:council_goal": council_goal(world).pk,
                }.get(pattern.name),
                "year": world.budget.year,
                "number": 7 if pattern.name.startswith("api:mdg") else 11,
                "code": "7.A" if pattern.name.startswith("api:mdg") else "11.6",
            }
        )
        if pattern.name == "api:indicator":
            values["code"] = indicator(world).code
        if pattern.name == "api:not_found":
            return "/api/v1/no-such-resource"
    if pattern.route.startswith("admin/"):
        model = admin_model(pattern.route)
        if "object_id" in pattern.route:
            if model is None:
                return None
            obj = model._default_manager.order_by("pk").first()
            if obj is None:
                return None
            path = pattern.route.replace("<path:object_id>", str(obj.pk))
            return "/" + path.replace("<path:content_type_id>/", "")
        if "<id>" in pattern.route:
            return "/" + pattern.route.replace("<id>", str(world.reporter.pk))
        if "(?P<app_label>" in pattern.route:
            return "/admin/assignments/"
        if "(?P<url>" in pattern.route:
            return "/admin/no-such-page/"
        if "<path:content_type_id>" in pattern.route:
            return None
        return "/" + pattern.route
    route = pattern.route
    for name, value in values.items():
        route = re.sub(rf"<(?:\w+:)?{name}>", str(value), route)
    assert "<" not in route, f"no value for {route}"
    return "/" + route


# Expected outcomes


def reviewer_may(model, action: str) -> bool:
    label = model._meta.app_label
    actions = REVIEWER_PERMISSIONS.get(label, {}).get(model._meta.model_name, [])
    if action == "view":
        return "view" in actions or "change" in actions
    return action in actions


ADMIN_SITE_PAGES = {
    "admin:index": "ok",
    "admin:login": "redirect",  # a signed-in reviewer goes on to the index
    "admin:logout": "405",
    "admin:password_change": "ok",
    "admin:password_change_done": "ok",
    "admin:jsi18n": "ok",
    "admin:autocomplete": "403",  # without the field it autocompletes for
    "admin:app_list": "ok",
    "admin:None": "redirect",  # an object's address leads on to its change page
}


def admin_expected(pattern: Pattern) -> str:
    """What a reviewer gets from an admin page (GET)."""
    model = admin_model(pattern.route)
    view = pattern.name.rsplit("_", 1)[-1] if model else ""
    if pattern.name in ADMIN_SITE_PAGES and (model is None or pattern.name == "admin:None"):
        if "(?P<url>" in pattern.route:
            return "404"
        return ADMIN_SITE_PAGES[pattern.name]
    assert model is not None, pattern
    tool = pattern.name.removeprefix(f"admin:{model._meta.app_label}_{model._meta.model_name}_")
    if tool in ("approve", "send_back", "publish", "reopen"):
        return "405"  # decisions are POSTs
    if tool == "publish_period":
        return "ok"
    if tool in ("status", "status_csv"):
        return "ok"
    if tool == "process_import":
        return "405"  # the confirmation of an import is a POST
    if tool == "import_values":
        actions = REVIEWER_PERMISSIONS["assignments"].get("indicatorvalue", [])
        return "ok" if "import_indicator_values" in actions else "403"
    if tool == "export_values":
        return "ok" if reviewer_may(model, "view") else "403"
    if pattern.route.endswith("/password/"):
        return "403"  # only superusers set a password; its owner resets it by e-mail
    if tool == "changelist" and model._meta.model_name == "report":
        return "redirect"  # the report list opens on the review queue
    if tool == "import":
        return "ok" if reviewer_may(model, "add") and reviewer_may(model, "change") else "403"
    if tool == "export":
        return "ok" if reviewer_may(model, "view") else "403"
    if view in ("changelist", "history", "change"):
        return "ok" if reviewer_may(model, "view") else "403"
    if view == "add":
        return "ok" if reviewer_may(model, "add") else "403"
    if view == "delete":
        return "ok" if reviewer_may(model, "delete") else "403"
    raise AssertionError(f"no expectation for {pattern}")


def expected(pattern: Pattern, role: str, world) -> str:
    kind = rule_for(pattern)
    if kind == "public":
        return "ok"
    if kind == "language":
        return "redirect"
    if kind == "api":
        return "404" if pattern.name == "api:not_found" else "ok"
    if kind == "signed in":
        if pattern.name == "logout":
            return "405"  # signing out is a POST
        return "login" if role == "anonymous" else "ok"
    if kind == "reporting":
        if role == "anonymous":
            return "login"
        name = pattern.name.split(":")[1]
        if name in ("report_start", "attachment_remove"):
            return "405"  # POSTs only
        if name == "my_assignments":
            return "ok"
        if role == "outsider":
            return "404"
        if name in ("report_edit", "report_submit") and role in ("reader", "reviewer"):
            return "redirect"  # to the report, which they may read but not change
        return "ok"
    assert kind == "admin"
    if role != "reviewer":
        # No one else is staff: every admin page sends them to the admin's sign-in.
        return {"admin:login": "ok", "admin:logout": "redirect"}.get(pattern.name, "admin login")
    return admin_expected(pattern)


def outcome(response) -> str:
    status = response.status_code
    if status in (301, 302):
        location = response["Location"]
        if "/admin/login/" in location:
            return "admin login"
        if re.search(r"/(konto|account)/login/", location):
            return "login"
        return "redirect"
    return {200: "ok", 403: "403", 404: "404", 405: "405"}.get(status, str(status))


@pytest.fixture
def clients(world) -> dict[str, Client]:
    DeadlineReminder.objects.create(
        organisation=world.organisation, period=world.period, sent_on=world.period.deadline
    )
    # An indicator with a value, so that their admin pages are tried with an object.
    factories.add_values(factories.make_indicator(targets={2030: 1}), {2018: 1})
    people = {
        "outsider": world.outsider,
        "owner": world.reporter,
        "reader": world.reader,
        "reviewer": world.reviewer,
    }
    clients = {"anonymous": Client()}
    for role, user in people.items():
        clients[role] = Client()
        clients[role].force_login(user)
    return clients


def assert_no_leak(response, role: str) -> None:
    if response.get("Content-Type", "").startswith(("text/", "application/")):
        content = b"".join(response.streaming_content) if response.streaming else response.content
        body = content.decode(errors="replace")
        if role in ("anonymous", "outsider"):
            assert OWN_DRAFT not in body, "an unpublished report's text reached " + role
        if role in ("anonymous", "owner", "reader"):
            for text in OTHERS_UNPUBLISHED:
                assert text not in body, "another organisation's unpublished text reached " + role


@pytest.mark.parametrize("pattern", PATTERNS, ids=[f"{p.name}|{p.route}" for p in PATTERNS])
def test_each_url_answers_each_role_as_its_rule_says(world, clients, pattern):
    url = concrete_url(pattern, world)
    if url is None:
        # Patterns that need an object of a model nobody has (axes' logs) or Django's
        # content-type redirect: they are covered by their model's other pages.
        assert pattern.route.startswith("admin/")
        return
    for role in ROLES:
        response = clients[role].get(url)
        assert outcome(response) == expected(pattern, role, world), (
            f"GET {url} as {role}: {response.status_code} {response.get('Location', '')}"
        )
        assert_no_leak(response, role)


# State-changing requests: only the owner gets through.

POSTS = [
    ("assignments:report_edit", {"summary": "Ändrat av någon.", "progress": "on_track"}),
    ("assignments:report_submit", {"edit_version": "1"}),
    ("assignments:attachment_remove", {}),
]


@pytest.mark.parametrize(("name", "data"), POSTS, ids=[name for name, _ in POSTS])
def test_only_the_owner_changes_a_report(world, clients, name, data):
    args = [world.draft.pk] + ([world.attachment.pk] if "attachment" in name else [])
    url = reverse(name, args=args)
    expected_outcomes = {
        "anonymous": "login",
        "outsider": "404",
        "reader": "403",
        "reviewer": "403",
    }
    for role, wanted in expected_outcomes.items():
        response = clients[role].post(url, {**data, "edit_version": world.draft.edit_version})
        assert outcome(response) == wanted, f"POST {url} as {role}: {response.status_code}"
        world.draft.refresh_from_db()
        assert world.draft.summary == OWN_DRAFT
        assert world.draft.attachments.filter(detached=False).exists()


def test_only_the_organisations_reporters_start_its_reports(world, clients):
    url = reverse("assignments:report_start")
    data = {
        "organisation": world.organisation.pk,
        "assignment": world.assignment.pk,
        "period": world.published.period_id,
    }
    outcomes = {role: outcome(clients[role].post(url, data)) for role in ROLES}
    assert outcomes == {
        "anonymous": "login",
        "outsider": "404",
        "owner": "redirect",
        "reader": "404",
        "reviewer": "404",
    }
