"""Public pages are cached for anonymous visitors and all refreshed when something is published."""

import gzip
import time

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import URLResolver, reverse

from assignments import caching
from assignments.models import User
from goals.models import GlobalGoal
from tests import factories

pytestmark = pytest.mark.django_db

calls = []


@caching.public_page
def counting_view(request):
    calls.append(request.path)
    return HttpResponse(f"page {len(calls)}")


def get(path="/uppdrag/", user=None, cookies=None, method="get"):
    """``counting_view`` behind the cache middleware, as the portal serves its pages."""
    request = getattr(RequestFactory(), method)(path)
    request.COOKIES.update(cookies or {})
    request.user = user or AnonymousUser()
    return caching.PublicPageCacheMiddleware(counting_view)(request)


def test_an_anonymous_page_is_rendered_once_until_something_is_published():
    calls.clear()
    assert get().content == b"page 1"
    assert get()["X-Cache"] == "hit"
    assert get().content == b"page 1"
    caching.public_content_changed()
    assert get().content == b"page 2"
    assert len(calls) == 2


def test_signed_in_users_are_never_served_from_the_cache():
    calls.clear()
    user: User = factories.make_user()
    get(user=user)
    get(user=user)
    assert len(calls) == 2


def test_publishing_a_report_refreshes_the_public_pages(
    assignment, organisation, period, reporter, reviewer, django_capture_on_commit_callbacks
):
    from assignments import services

    calls.clear()
    get()
    report = services.create_report(
        assignment=assignment, organisation=organisation, period=period, by=reporter
    )
    services.save_report(report=report, by=reporter, content={"summary": "Klart."})
    services.submit_report(report=report, by=reporter)
    services.approve_report(report=report, by=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_report(report=report, by=reviewer)
    assert get().content == b"page 2"


def test_changing_an_assignment_refreshes_the_public_pages(
    assignment, django_capture_on_commit_callbacks
):
    calls.clear()
    get()
    with django_capture_on_commit_callbacks(execute=True):
        assignment.title = "Ny rubrik"
        assignment.save()
    assert get().content == b"page 2"
    with django_capture_on_commit_callbacks(execute=True):
        assignment.global_goals.add(GlobalGoal.objects.sdg().get(number=11))
    assert get().content == b"page 3"


def test_changing_an_indicator_or_importing_its_values_refreshes_the_public_pages(
    assignment, django_capture_on_commit_callbacks
):
    calls.clear()
    get()
    with django_capture_on_commit_callbacks(execute=True):
        indicator = factories.make_indicator(targets={2030: 5})
    assert get().content == b"page 2"
    with django_capture_on_commit_callbacks(execute=True):
        indicator.assignments.add(assignment)
    assert get().content == b"page 3"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        factories.add_values(indicator, {year: year - 2000 for year in range(2001, 2021)})
    assert get().content == b"page 4"
    assert len(callbacks) == 1  # one refresh for twenty values
    with django_capture_on_commit_callbacks(execute=True):
        factories.add_values(indicator, {2001: 1})  # unchanged: nothing to refresh
    assert get().content == b"page 4"


def test_only_successful_answers_to_reading_requests_are_stored():
    calls.clear()

    @caching.public_page
    def missing(request):
        calls.append(request.path)
        return HttpResponse("not here", status=404)

    middleware = caching.PublicPageCacheMiddleware(missing)
    for _ in range(2):
        request = RequestFactory().get("/uppdrag/999/")
        request.user = AnonymousUser()
        assert middleware(request)["X-Cache"] == "miss"
    assert get(method="post").content == b"page 3"
    assert get(method="post").content == b"page 4"
    assert "X-Cache" not in get(method="post")
    assert len(calls) == 5


def test_a_visitor_with_a_session_cookie_gets_a_fresh_page():
    calls.clear()
    get()
    response = get(cookies={settings.SESSION_COOKIE_NAME: "abc"})
    assert response.content == b"page 2" and "X-Cache" not in response
    assert get().content == b"page 1"


def test_a_cached_page_is_served_before_its_url_is_resolved(
    client, monkeypatch, django_assert_num_queries
):
    resolved = []
    resolve = URLResolver.resolve

    def counting_resolve(self, path):
        resolved.append(path)
        return resolve(self, path)

    monkeypatch.setattr(URLResolver, "resolve", counting_resolve)
    path = reverse("public:accessibility")
    first = client.get(path)
    assert first["X-Cache"] == "miss" and resolved and first.templates
    resolved.clear()
    with django_assert_num_queries(0):
        response = client.get(path)
    assert response["X-Cache"] == "hit"
    # No URL was resolved and no template rendered; the middleware outside the cache still
    # set its headers.
    assert resolved == [] and response.templates == []
    assert response.content == first.content
    assert response["Content-Security-Policy"] and response["X-Frame-Options"] == "DENY"
    assert response["Content-Language"] == "sv"
    assert response["Cache-Control"] == "public, max-age=60"
    assert response["Vary"] == "Accept-Language, Accept-Encoding, Cookie"


@caching.public_page
def long_view(request):
    calls.append(request.path)
    return HttpResponse(f"<p>Sida {len(calls)}: Malmö stads hållbarhetsportal.</p>\n" * 200)


def get_long(path="/uppdrag/", **headers):
    request = RequestFactory().get(path, headers=headers)
    request.user = AnonymousUser()
    return caching.PublicPageCacheMiddleware(long_view)(request)


GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def test_a_browser_that_accepts_gzip_is_sent_the_cached_page_compressed_once(monkeypatch):
    calls.clear()
    compressed = []
    compress = caching.compress_string
    monkeypatch.setattr(
        caching, "compress_string", lambda content: compressed.append(1) or compress(content)
    )
    first = get_long(**GZIP)
    # Rendered afresh: sent as it is, never compressed on the way (a miss pays no gzip).
    assert first["X-Cache"] == "miss" and "Content-Encoding" not in first
    assert "Accept-Encoding" in first["Vary"]
    hits = [get_long(**GZIP) for _ in range(3)]
    assert len(compressed) == 1 and len(calls) == 1
    for hit in hits:
        assert hit["X-Cache"] == "hit" and hit["Content-Encoding"] == "gzip"
        assert gzip.decompress(hit.content) == first.content
        assert len(hit.content) < len(first.content) / 5
        assert hit["ETag"] == f"W/{first['ETag']}"
        assert hit["Vary"] == "Accept-Language, Accept-Encoding, Cookie"
    # A client that does not accept gzip is still sent the page as it is.
    plain = get_long()
    assert plain["X-Cache"] == "hit" and "Content-Encoding" not in plain
    assert plain.content == first.content and plain["ETag"] == first["ETag"]
    assert get_long(**{"Accept-Encoding": "identity"}).content == first.content


def test_a_compressed_page_answers_its_etag_and_the_plain_one_with_not_modified():
    calls.clear()
    first = get_long()
    compressed = get_long(**GZIP)
    for etag in (first["ETag"], compressed["ETag"]):
        response = get_long(**GZIP, **{"If-None-Match": etag})
        assert response.status_code == 304 and not response.content


def test_the_compressed_page_is_stored_for_the_time_the_page_had_left(monkeypatch, settings):
    settings.PORTAL_PUBLIC_CACHE_SECONDS = 600
    calls.clear()
    get_long()
    timeouts = []
    store = caching.cache.set
    monkeypatch.setattr(
        caching.cache,
        "set",
        lambda *args, timeout: timeouts.append(timeout) or store(*args, timeout=timeout),
    )
    later = time.time() + 100
    monkeypatch.setattr(caching.time, "time", lambda: later)
    assert get_long(**GZIP)["Content-Encoding"] == "gzip"
    assert len(timeouts) == 1 and 490 < timeouts[0] <= 500


def test_a_page_too_short_to_gain_by_compression_is_sent_as_it_is():
    calls.clear()
    get()
    request = RequestFactory().get("/uppdrag/", headers=GZIP)
    request.user = AnonymousUser()
    response = caching.PublicPageCacheMiddleware(counting_view)(request)
    assert response["X-Cache"] == "hit" and "Content-Encoding" not in response
    assert response.content == b"page 1"


def test_the_health_checks_never_touch_the_cache(client, unreachable_cache):
    response = client.get(reverse("health_live"))
    assert response.status_code == 200 and "X-Cache" not in response


def test_public_pages_are_served_uncached_while_the_cache_cannot_be_reached(
    client, unreachable_cache, caplog
):
    for path in (reverse("public:accessibility"), reverse("login")):
        response = client.get(path)
        assert response.status_code == 200
        assert response.get("X-Cache") in (None, "miss")
    assert "The cache cannot be read" in caplog.text


def test_publishing_succeeds_while_the_cache_cannot_be_reached(
    assignment,
    organisation,
    period,
    reporter,
    reviewer,
    request,
    caplog,
    django_capture_on_commit_callbacks,
):
    from assignments import services
    from assignments.models import Report, ReportStatus

    report = services.create_report(
        assignment=assignment, organisation=organisation, period=period, by=reporter
    )
    services.save_report(report=report, by=reporter, content={"summary": "Klart."})
    services.submit_report(report=report, by=reporter)
    services.approve_report(report=report, by=reviewer)
    request.getfixturevalue("unreachable_cache")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.publish_report(report=report, by=reviewer)
    assert caching.public_content_changed in callbacks
    assert Report.objects.get(pk=report.pk).status == ReportStatus.PUBLISHED
    assert "the public pages were not refreshed" in caplog.text


def test_a_page_that_shows_a_visitors_messages_is_never_stored(client):
    """A message left for one visitor (say, from before their session ended) is theirs: the
    page that shows it must not be served to anyone else."""
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage

    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(constants.SUCCESS, "Utkastet sparades.")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies[storage.cookie_name] = carrier.cookies[storage.cookie_name].value

    path = reverse("public:accessibility")
    first = client.get(path)
    assert "Utkastet sparades." in first.content.decode()
    assert "X-Cache" not in first and "public" not in first.get("Cache-Control", "")
    del client.cookies[storage.cookie_name]
    response = client.get(path)
    assert response["X-Cache"] == "miss"
    assert "Utkastet sparades." not in response.content.decode()
    assert client.get(path)["X-Cache"] == "hit"
