"""
Security headers and settings: each is checked on real responses.

In-process tests crawl the portal (public side, reporter's side and the admin) for the
Content-Security-Policy and for inline code it would block. Production settings are read from
the environment at start-up, so those tests start a Python process of their own with the
production values of .env.example and make real requests through Django's full stack there.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from assignments.models import User
from tests.helpers import ROOT, production_environment

pytestmark = pytest.mark.django_db

CSP = "Content-Security-Policy"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""href=["']\s*javascript:""", re.IGNORECASE)


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_strict_policy(header: str) -> None:
    policy = directives(header)
    assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]


@pytest.fixture
def demo(db):
    with override_settings(DEBUG=True):
        call_command("load_malmo_2018", stdout=io.StringIO())
        call_command("seed_demo", stdout=io.StringIO())


def crawl(client, start: list[str], *, skip: tuple[str, ...] = (), limit: int = 400):
    """Every HTML page reachable from the start pages by links, with its response."""
    queue, seen, visited = deque(start), set(start), 0
    while queue and visited < limit:
        path = queue.popleft()
        visited += 1
        response = client.get(path)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        yield path, response
        for href in re.findall(r'href="([^"#]+)', response.content.decode()):
            url = urlsplit(href.replace("&amp;", "&"))
            if url.scheme or url.netloc or not url.path.startswith("/"):
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            if target in seen or target.startswith((*skip, "/static/")) or "logout" in target:
                continue
            if target.endswith((".csv", ".json", ".xml", ".xlsx", ".txt")):
                continue
            seen.add(target)
            queue.append(target)


def assert_no_inline_code(path: str, html: str) -> None:
    for pattern, what in [
        (INLINE_SCRIPT, "an inline script"),
        (INLINE_STYLE, "an inline style"),
        (INLINE_HANDLER, "an inline event handler"),
        (JAVASCRIPT_URL, "a javascript: link"),
    ]:
        match = pattern.search(html)
        assert match is None, f"{path} has {what}: {match.group(0)[:120] if match else ''}"


def check_pages(pages) -> int:
    count = 0
    for path, response in pages:
        assert CSP in response, f"{path} has no Content-Security-Policy"
        assert_strict_policy(response[CSP])
        assert_no_inline_code(path, response.content.decode())
        count += 1
    return count


def test_public_pages_have_a_strict_policy_and_no_inline_code(client, demo):
    admin_prefixes = (reverse("admin:index"), "/en" + reverse("admin:index"))
    pages = crawl(client, ["/", "/en/"], skip=admin_prefixes, limit=250)
    assert check_pages(pages) > 50


def test_reporters_pages_have_a_strict_policy_and_no_inline_code(client, demo):
    client.force_login(User.objects.get(username="miljo"))
    start = [reverse("assignments:my_assignments")]
    pages = crawl(client, start, skip=("/admin", "/en/admin"), limit=120)
    assert check_pages(pages) > 5


def test_admin_pages_have_a_strict_policy_and_no_inline_code(client, demo):
    """The review console runs under the same policy: Django's admin needs no inline code."""
    client.force_login(User.objects.get(username="granskare"))
    admin = reverse("admin:index")
    start = [admin, reverse("admin:assignments_report_changelist") + "?all=1"]
    pages = crawl(client, start, limit=80)
    paths = [path for path, _response in pages if path.startswith(admin)]
    assert len(paths) > 20
    for path in paths:
        response = client.get(path)
        assert_strict_policy(response[CSP])
        assert_no_inline_code(path, response.content.decode())


def test_error_pages_have_the_policy_too(client):
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    assert_strict_policy(response[CSP])


@pytest.mark.parametrize("path", ["/", "/en/", "/konto/login/", "/health/live"])
def test_every_response_forbids_sniffing_framing_and_leaking_the_referrer(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


# Production configuration, in a process of its own


PROBE = r"""
import json
import django
django.setup()
from django.conf import settings
from django.test import Client
from django.urls import reverse

result = {}
plain = Client(HTTP_HOST="hallbarhet.malmo.example")
response = plain.get("/en/")
result["http"] = [response.status_code, response.get("Location")]
response = plain.get("/health/live")
result["health_over_http"] = response.status_code

tls = Client(HTTP_HOST="hallbarhet.malmo.example", HTTP_X_FORWARDED_PROTO="https")
response = tls.get("/konto/login/")
result["status"] = response.status_code
result["headers"] = dict(response.headers)
result["cookies"] = {
    name: {key: str(morsel[key]) for key in ("secure", "httponly", "samesite", "max-age")}
    for name, morsel in response.cookies.items()
}
result["admin_index"] = reverse("admin:index")
result["default_admin"] = tls.get("/admin/").status_code
result["custom_admin"] = [tls.get(result["admin_index"]).status_code,
                          tls.get(result["admin_index"]).get("Location")]
result["robots"] = tls.get("/robots.txt").content.decode()
result["settings"] = {
    name: getattr(settings, name)
    for name in (
        "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_AGE", "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    )
}
print(json.dumps(result))
"""


@pytest.fixture(scope="module")
def production():
    """What a request sees with the production values of .env.example (DEBUG off)."""
    env = production_environment() | {
        "DJANGO_SETTINGS_MODULE": "malmo_portal.settings",
        "DATABASE_URL": "sqlite://:memory:",
        # No collectstatic here: plain static storage instead of the hashed manifest.
        "DJANGO_STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_redirects_plain_http_to_https(production):
    status, location = production["http"]
    assert status == 301
    assert location == "https://hallbarhet.malmo.example/en/"


def test_production_serves_health_checks_over_plain_http_for_load_balancers(production):
    assert production["health_over_http"] == 200


def test_production_trusts_the_proxys_protocol_header(production):
    assert production["settings"]["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert production["status"] == 200  # not redirected: the proxy said https


def test_production_sends_hsts_with_subdomains_and_preload(production):
    assert (
        production["headers"]["Strict-Transport-Security"]
        == "max-age=31536000; includeSubDomains; preload"
    )


def test_production_sends_the_strict_policy_and_the_other_headers(production):
    headers = production["headers"]
    assert_strict_policy(headers[CSP])
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_production_cookies_are_secure(production):
    csrf = production["cookies"]["csrftoken"]
    assert csrf["secure"] == "True"
    assert csrf["samesite"] == "Lax"
    settings = production["settings"]
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["CSRF_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True


def test_production_sessions_expire(production):
    assert production["settings"]["SESSION_COOKIE_AGE"] == 8 * 60 * 60
    assert production["settings"]["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True


def test_the_admin_lives_at_the_path_from_the_environment(production):
    assert production["admin_index"] == "/granskning-7f3k/"
    assert production["default_admin"] == 404
    status, location = production["custom_admin"]
    assert status == 302 and location.startswith("/granskning-7f3k/login/")


def test_robots_txt_does_not_give_the_admin_path_away(production):
    assert "granskning" not in production["robots"]
    assert "admin" not in production["robots"]
