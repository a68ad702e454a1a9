"""The assignment lists, HTML and API, page through every assignment in their order (the
newest budget first, then by code), each page found on the assignments' keys alone
(``selectors.assignments.read_page``)."""

from __future__ import annotations

import random

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assignments.public.views import ASSIGNMENTS_PER_PAGE
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def codes() -> list[str]:
    """45 assignments in three budgets, created in no particular order; their list order."""
    budgets = [factories.make_budget(year=year) for year in (2024, 2026, 2025)]
    made = [(budget.year, f"{budget.year}:{n:02d}") for budget in budgets for n in range(15)]
    random.Random(7).shuffle(made)
    for year, code in made:
        factories.make_assignment(budget=next(b for b in budgets if b.year == year), code=code)
    return [code for _year, code in sorted(made, key=lambda m: (-m[0], m[1]))]


def test_the_html_list_pages_through_every_assignment_in_order(client, codes):
    shown = []
    for page in (1, 2, 3):
        response = client.get(reverse("public:assignment_list"), {"page": page})
        shown += [a.code for a in response.context["assignments"]]
        assert response.context["page_obj"].paginator.count == len(codes)
    assert shown == codes
    assert len(codes) > 2 * ASSIGNMENTS_PER_PAGE


def test_a_filtered_html_list_pages_in_order_too(client, codes):
    response = client.get(reverse("public:assignment_list"), {"year": 2025, "page": 1})
    assert [a.code for a in response.context["assignments"]] == [
        c for c in codes if c.startswith("2025:")
    ]


def test_the_api_list_pages_through_every_assignment_in_order(client, codes):
    shown = []
    for offset in (0, 20, 40):
        data = client.get(reverse("api:assignments"), {"offset": offset}).json()
        assert data["count"] == len(codes)
        shown += [item["code"] for item in data["items"]]
    assert shown == codes
    data = client.get(reverse("api:assignments"), {"budget": 2024, "limit": 5}).json()
    assert [item["code"] for item in data["items"]] == [c for c in codes if c < "2025"][:5]


@pytest.mark.parametrize("name", ["public:assignment_list", "api:assignments"])
def test_a_page_is_chosen_by_key_before_its_rows_are_read(client, codes, name):
    """The sorted and limited query selects the keys only; the full rows (and their joins)
    are read for the page alone."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse(name))
    (page,) = [q["sql"] for q in queries if '"assignments_assignment"."title"' in q["sql"]]
    outer, inner = page.split(" IN (SELECT ", 1)
    assert "LIMIT" not in outer.rpartition(")")[2]
    assert "LIMIT 20" in inner
    assert '"title"' not in inner and "councilgoal" not in inner
