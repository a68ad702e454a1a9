"""The benchmarks' floor page (bench/floor.py): the layout around N primary-key queries."""

import pytest
from django.test import override_settings

from bench import settings as bench_settings
from malmo_portal import settings as portal_settings
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor_urls():
    with override_settings(ROOT_URLCONF="bench.urls", TEMPLATES=bench_settings.TEMPLATES):
        yield


@pytest.mark.parametrize("queries", [1, 4])
def test_the_floor_makes_one_query_per_name_in_the_portal_layout(
    client, floor_urls, django_assert_num_queries, queries
):
    names = [factories.make_organisation().name for _ in range(queries + 1)]
    with django_assert_num_queries(queries):
        response = client.get(f"/bench/floor/{queries}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert [t.name for t in response.templates][:2] == ["bench/floor.html", "base.html"]
    assert 'class="site-header"' in page and 'class="site-footer"' in page
    for name in names[:queries]:
        assert f"<li>{name}</li>" in page
    assert f"<li>{names[queries]}</li>" not in page


def test_the_plain_floor_has_no_layout(client, floor_urls, django_assert_num_queries):
    name = factories.make_organisation().name
    with django_assert_num_queries(1):
        response = client.get("/bench/plain/1/")
    assert response.status_code == 200
    assert [t.name for t in response.templates] == ["bench/plain.html"]
    page = response.content.decode()
    assert f"<h1>{name}</h1>" in page and "site-header" not in page


@pytest.mark.parametrize("page", ["floor", "plain"])
@pytest.mark.parametrize("queries", [0, 11])
def test_the_floor_refuses_a_number_of_queries_out_of_range(client, floor_urls, page, queries):
    factories.make_organisation()
    assert client.get(f"/bench/{page}/{queries}/").status_code == 404


def test_the_floor_leaves_the_portal_and_its_settings_as_they_are(client):
    factories.make_organisation()
    assert client.get("/bench/floor/1/").status_code == 404
    assert bench_settings.ROOT_URLCONF == "bench.urls"
    assert portal_settings.ROOT_URLCONF == "malmo_portal.urls"
    assert portal_settings.TEMPLATES[0]["DIRS"] == [portal_settings.BASE_DIR / "templates"]


def test_the_benchmarks_review_queue_measurement_counts_what_the_queue_lists(world):
    """bench/inprocess.py's review queue figure runs against the portal as it is (it once
    read a filter the queue no longer has) and counts the reports the queue shows."""
    from bench import inprocess

    result = inprocess.review_queue(world.reviewer.username)

    assert result["reports"] == 1  # the world's one submitted report, in an open period
    assert result["queries"] > 0 and result["median_s"] > 0
