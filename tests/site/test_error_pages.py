"""Friendly error pages in both languages that tell nothing about the portal's insides."""

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.views import defaults

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "heading"),
    [("/finns-inte/", "Sidan hittades inte"), ("/en/does-not-exist/", "Page not found")],
)
def test_a_missing_page_is_a_friendly_404_in_the_visitors_language(client, path, heading):
    response = client.get(path)
    assert response.status_code == 404
    page = response.content.decode()
    assert heading in page
    assert "Traceback" not in page and "urlpatterns" not in page


@pytest.mark.parametrize(
    ("language", "heading"), [("sv", "Något gick fel"), ("en", "Something went wrong")]
)
def test_the_server_error_page_is_self_contained_and_translated(language, heading):
    request = RequestFactory().get("/")
    with translation.override(language):
        response = defaults.server_error(request)
    page = response.content.decode()
    assert response.status_code == 500
    assert heading in page
    assert f'lang="{language}"' in page


@pytest.mark.parametrize(
    ("view", "status", "heading"),
    [
        (defaults.permission_denied, 403, "Not allowed"),
        (defaults.bad_request, 400, "Bad request"),
    ],
)
def test_forbidden_and_bad_request_pages(view, status, heading):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/en/")
    request.user = AnonymousUser()
    with translation.override("en"):
        response = view(request, exception=Exception("secret detail"))
    page = response.content.decode()
    assert response.status_code == status
    assert heading in page
    assert "secret detail" not in page


@pytest.mark.parametrize(
    ("method", "language", "text"),
    [
        ("get", "sv", "Inget som har sparats har gått förlorat"),
        ("post", "en", "your text is still in the form"),
    ],
)
def test_an_unreachable_database_is_a_503_that_asks_to_retry(method, language, text):
    from django.db import OperationalError
    from django.http import HttpResponse

    from malmo_portal.middleware import DatabaseUnavailableMiddleware

    middleware = DatabaseUnavailableMiddleware(lambda request: HttpResponse())
    request = getattr(RequestFactory(), method)("/")
    with translation.override(language):
        response = middleware.process_exception(request, OperationalError("connection refused"))
    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert f'lang="{language}"' in page
    assert "connection refused" not in page
    assert text in page


def test_other_errors_are_left_to_the_500_page():
    from django.http import HttpResponse

    from malmo_portal.middleware import DatabaseUnavailableMiddleware

    middleware = DatabaseUnavailableMiddleware(lambda request: HttpResponse())
    assert middleware.process_exception(RequestFactory().get("/"), ValueError()) is None


def test_a_form_without_its_csrf_token_gets_a_page_that_says_what_to_do():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/en/account/login/", {"username": "x", "password": "y"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "The form could not be sent" in page
    assert "Go back, reload the page" in page
    assert "CSRF" not in page
