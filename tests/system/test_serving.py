"""What `make serve` sets up: hashed, compressed static files with far-future caching,
reused database connections and the security headers, seen over real HTTP."""

import re

import pytest
from django.urls import reverse

from .conftest import Server

pytestmark = pytest.mark.system


def test_static_files_are_hashed_compressed_and_cached_for_a_year(portal):
    with Server(portal) as server:
        client = server.client()
        home = client.get("/")
        stylesheet = re.search(r'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', home.body)
        assert stylesheet, "the page links the hashed file name"
        response = client.request("GET", stylesheet.group(1), headers={"Accept-Encoding": "gzip"})
        assert response.status == 200
        assert response.headers["content-encoding"] == "gzip"
        assert response.headers["cache-control"] == "max-age=315360000, public, immutable"
        assert response.headers["x-content-type-options"] == "nosniff"


def test_database_connections_are_reused_across_requests(portal, sql):
    name = portal["DATABASE_URL"].rsplit("/", 1)[1]
    with Server(portal, workers=2, CACHE_URL="dummycache://") as server:
        client = server.client()
        for _ in range(60):
            assert client.get(reverse("public:assignment_list")).status == 200
        (connections,) = sql(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            name,
        )[0]
        assert 1 <= connections <= 2  # one per worker, kept open, not one per request


def test_the_security_headers_reach_the_browser(portal):
    with Server(portal) as server:
        response = server.client().get("/")
        headers = response.headers
        policy = headers["content-security-policy"]
        assert "default-src 'self'" in policy and "'unsafe-inline'" not in policy
        assert "frame-ancestors 'none'" in policy
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert headers["cross-origin-opener-policy"] == "same-origin"


def test_production_error_pages_are_friendly_and_leak_nothing(portal):
    with Server(portal) as server:
        client = server.client()
        missing = client.get("/finns-inte/")
        assert missing.status == 404
        assert "Sidan hittades inte" in missing.body
        assert "Traceback" not in missing.body and "urlpatterns" not in missing.body
        english = client.get("/en/does-not-exist/")
        assert english.status == 404 and "Page not found" in english.body
        bad_host = client.request("GET", "/", headers={"Host": "evil.example"})
        assert bad_host.status == 400
        assert "evil.example" not in bad_host.body and "ALLOWED_HOSTS" not in bad_host.body
        forged = client.request(
            "POST",
            reverse("login"),
            body=b"username=x&password=y",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert forged.status == 403  # no CSRF token
        assert "Formuläret kunde inte skickas" in forged.body
        assert "CSRF" not in forged.body
