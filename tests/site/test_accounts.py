"""Signing in and out, changing and resetting a password, and the throttling of failed sign-ins."""

from __future__ import annotations

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.cache import cache
from django.shortcuts import resolve_url
from django.template import Context, Template
from django.urls import resolve, reverse
from django.utils import timezone, translation
from django.utils.html import escape

from assignments.models import User
from malmo_portal import throttling
from tests import factories

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-Malmo-password-2018"


def url(name: str, language: str = "sv", **kwargs) -> str:
    """The address of ``name`` in ``language``: the account pages' paths are translated."""
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def gettext_in(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


def log_in(client, username: str, password: str, *, language: str = "sv", **extra):
    return client.post(
        url("login", language), {"username": username, "password": password}, **extra
    )


def lock_out(client, username: str, *, language: str = "sv"):
    """Fails to sign in as ``username`` as many times as django-axes allows."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = log_in(client, username, "wrong password", language=language)
    return response


def signed_in_user_pk(client) -> str | None:
    return client.session.get(SESSION_KEY)


def cooloff_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


@pytest.fixture
def user(db):
    return factories.make_user(username="anna", email="anna@malmo.example")


# Signing in


@pytest.mark.parametrize(
    ("language", "username_label", "password_label"),
    [("sv", "Användarnamn", "Lösenord"), ("en", "Username", "Password")],
)
def test_login_page_is_in_the_portal_look_in_both_languages(
    client, language, username_label, password_label
):
    response = client.get(url("login", language))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert 'class="site-header"' in html  # base.html: the portal's header and footer
    assert html.count("<h1") == 1
    required = gettext_in(language, "required")
    for field, label in [("username", username_label), ("password", password_label)]:
        assert (
            f'<label class="field__label" for="id_{field}">{label}</label> '
            f'<span class="field__required">({required})</span>'
        ) in html
    assert f'action="{url("login", language)}"' in html
    assert f'href="{url("password_reset", language)}"' in html
    title = gettext_in(language, "Log in")
    assert re.search(rf"<title>{title} \| .+ \| Malmö stad</title>", html)


def test_the_account_pages_have_swedish_and_english_addresses():
    """The prefix is translated (msgid "account/" in locale/); Django names the rest."""
    assert url("login", "sv") == "/konto/login/"
    assert url("login", "en") == "/en/account/login/"


def test_the_right_password_signs_in_and_redirects(client, user):
    response = log_in(client, "anna", factories.PASSWORD)

    assert response.status_code == 302
    assert response.url == resolve_url(settings.LOGIN_REDIRECT_URL)
    assert signed_in_user_pk(client) == str(user.pk)


def test_signing_in_goes_on_to_the_page_asked_for(client, user):
    response = client.post(
        url("login", "en"),
        {"username": "anna", "password": factories.PASSWORD, "next": "/en/"},
    )
    assert response.status_code == 302
    assert response.url == "/en/"


@pytest.mark.parametrize("page", ["/", "/uppdrag/", "/en/agenda-2030/"])
def test_signing_in_from_the_header_leads_a_reporter_to_their_assignments(client, page):
    reporter = factories.make_member(factories.make_organisation(), username="rita")
    link = re.search(r'href="([^"]*login/[^"]*)"', client.get(page).content.decode())[1]
    assert "next=" not in link
    response = client.post(link, {"username": "rita", "password": factories.PASSWORD})
    assert response.url == reverse("assignments:my_assignments")
    assert signed_in_user_pk(client) == str(reporter.pk)


def test_signing_in_leads_a_reviewer_to_the_review_queue(client):
    factories.make_reviewer(username="greta")
    response = log_in(client, "greta", factories.PASSWORD)
    assert response.url == reverse("admin:assignments_report_changelist")


def test_a_deep_link_still_wins_over_the_landing_page(client):
    factories.make_reviewer(username="greta")
    response = client.post(
        url("login"),
        {"username": "greta", "password": factories.PASSWORD, "next": "/rapportering/"},
    )
    assert response.url == "/rapportering/"


def test_the_sign_in_page_keeps_next_in_the_form(client):
    response = client.get(url("login"), {"next": "/en/"})
    assert '<input type="hidden" name="next" value="/en/">' in response.content.decode()


@pytest.mark.parametrize(
    ("language", "error"),
    [
        ("sv", "Ange ett korrekt användarnamn och lösenord."),
        ("en", "Please enter a correct username and password."),
    ],
)
def test_a_wrong_password_shows_a_translated_error_and_keeps_the_username(
    client, user, language, error
):
    response = log_in(client, "anna", "not the password", language=language)

    assert response.status_code == 200
    html = response.content.decode()
    assert error in html
    assert 'class="error-summary" role="alert"' in html
    assert re.search(r'<input type="text" name="username" value="anna"[^>]*id="id_username"', html)
    assert 'name="password"' in html and 'value="not the password"' not in html
    assert f"<title>{gettext_in(language, 'Error:')} " in html
    assert signed_in_user_pk(client) is None


# Throttling of failed sign-ins (django-axes)


def test_after_five_failures_even_the_right_password_is_refused(client, user):
    assert settings.AXES_FAILURE_LIMIT == 5
    lock_out(client, "anna", language="en")

    response = log_in(client, "anna", factories.PASSWORD, language="en")

    assert response.status_code == 429
    assert signed_in_user_pk(client) is None
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "<h1>Too many failed attempts</h1>" in html
    assert "autofocus" not in html  # the message comes first, not the form
    assert "The wrong password was given for the username <strong>anna</strong>" in html
    assert f"Try again in {cooloff_minutes()} minutes." in html
    assert f'href="{url("password_reset", "en")}"' in html
    # The sign-in form is there again, with the typed username kept.
    assert re.search(r'<input type="text" name="username" value="anna"[^>]*id="id_username"', html)
    assert f'action="{url("login", "en")}"' in html


def test_the_lockout_page_is_in_swedish_too(client, user):
    lock_out(client, "anna")

    response = log_in(client, "anna", factories.PASSWORD)

    assert response.status_code == 429
    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert f"<h1>{escape(gettext_in('sv', 'Too many failed attempts'))}</h1>" in html
    with translation.override("sv"):
        minutes = cooloff_minutes()
        wait = translation.ngettext(
            "Try again in %(minutes)s minute.", "Try again in %(minutes)s minutes.", minutes
        ) % {"minutes": minutes}
    assert escape(wait) in html
    assert 'value="anna"' in html
    assert f'href="{url("password_reset", "sv")}"' in html


def test_the_lockout_starts_with_the_fifth_failure(client, user):
    for attempt in range(1, settings.AXES_FAILURE_LIMIT + 1):
        response = log_in(client, "anna", "wrong password")
        assert response.status_code == (429 if attempt == settings.AXES_FAILURE_LIMIT else 200)
    assert AccessAttempt.objects.get(username="anna").failures_since_start == 5


def test_another_username_from_the_same_address_is_not_locked(client, user):
    other = factories.make_user(username="bertil")
    lock_out(client, "anna")

    response = log_in(client, "bertil", factories.PASSWORD)

    assert response.status_code == 302
    assert signed_in_user_pk(client) == str(other.pk)


def test_the_same_username_from_another_address_is_not_locked(client, user):
    """Locking per username and address: someone elsewhere cannot lock a colleague out."""
    lock_out(client, "anna")

    response = log_in(client, "anna", factories.PASSWORD, REMOTE_ADDR="10.1.2.3")

    assert response.status_code == 302
    assert signed_in_user_pk(client) == str(user.pk)


def test_after_the_cool_off_the_right_password_works_again(client, user):
    lock_out(client, "anna")
    assert log_in(client, "anna", factories.PASSWORD).status_code == 429

    AccessAttempt.objects.filter(username="anna").update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1)
    )
    response = log_in(client, "anna", factories.PASSWORD)

    assert response.status_code == 302
    assert signed_in_user_pk(client) == str(user.pk)
    assert not AccessAttempt.objects.filter(username="anna").exists()


def test_an_attempt_during_the_lockout_starts_the_wait_over(client, user):
    """What the lockout page says: django-axes' AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT."""
    lock_out(client, "anna")
    earlier = timezone.now() - datetime.timedelta(minutes=10)
    AccessAttempt.objects.filter(username="anna").update(attempt_time=earlier)

    assert log_in(client, "anna", factories.PASSWORD).status_code == 429

    assert AccessAttempt.objects.get(username="anna").attempt_time > earlier


def test_the_lockout_page_keeps_where_the_user_was_going(client, user):
    lock_out(client, "anna")
    response = client.post(
        url("login"), {"username": "anna", "password": factories.PASSWORD, "next": "/en/"}
    )
    assert response.status_code == 429
    assert '<input type="hidden" name="next" value="/en/">' in response.content.decode()


def test_a_short_cool_off_is_announced_as_at_least_a_minute(client, user, settings):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(seconds=20)
    response = lock_out(client, "anna", language="en")
    assert response.status_code == 429
    assert "Try again in 1 minute." in response.content.decode()


def test_the_lockout_helpers():
    rendered = Template(
        "{{ short|in_minutes }} {{ long|in_minutes }} {{ none|in_minutes }}"
        "{% login_form 'anna' as form %} {{ form.username.value }}"
    ).render(
        Context(
            {
                "short": datetime.timedelta(seconds=61),
                "long": datetime.timedelta(hours=2),
                "none": None,
            }
        )
    )
    assert rendered == "2 120 0 anna"


# Signing out


def test_logging_out_takes_a_post_and_ends_the_session(client, user):
    client.force_login(user)

    assert client.get(url("logout")).status_code == 405
    assert signed_in_user_pk(client) == str(user.pk)

    response = client.post(url("logout"))
    assert response.status_code == 302
    assert response.url == resolve_url(settings.LOGOUT_REDIRECT_URL)
    assert signed_in_user_pk(client) is None


def test_the_header_logs_out_with_a_form(client, user):
    client.force_login(user)
    html = client.get(url("home")).content.decode()
    assert f'<form class="site-nav__logout" action="{url("logout")}" method="post">' in html


# Changing the password


def test_changing_the_password_needs_a_signed_in_user(client):
    response = client.get(url("password_change"))
    assert response.status_code == 302
    assert response.url.startswith(url("login"))


def test_changing_the_password_requires_the_old_one(client, user):
    client.force_login(user)
    page = client.get(url("password_change"))
    assert page.status_code == 200
    assert page.content.decode().count("<h1") == 1

    response = client.post(
        url("password_change"),
        {
            "old_password": "not my password",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ditt gamla lösenord var felaktigt ifyllt." in html
    assert re.search(r'<input type="password" name="old_password"[^>]*aria-invalid="true"', html)
    user.refresh_from_db()
    assert user.check_password(factories.PASSWORD)

    response = client.post(
        url("password_change"),
        {
            "old_password": factories.PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.url == url("password_change_done")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # Still signed in: the session follows the new password.
    assert client.get(response.url).status_code == 200
    assert signed_in_user_pk(client) == str(user.pk)


def test_the_admin_password_change_page_works_with_the_portal_template(admin_client):
    response = admin_client.get(reverse("admin:password_change"))
    assert response.status_code == 200
    assert 'name="old_password"' in response.content.decode()


# Resetting a forgotten password by e-mail


def reset_link(message) -> str:
    match = re.search(r"https?://testserver(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_forgotten_password_is_reset_through_the_emailed_link(client, user, language):
    response = client.post(url("password_reset", language), {"email": "ANNA@malmo.example"})
    assert response.status_code == 302
    assert response.url == url("password_reset_done", language)
    assert client.get(response.url).status_code == 200

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna@malmo.example"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert "\n" not in message.subject
    assert message.subject == gettext_in(
        language, "Choose a new password for the sustainability portal of %(organisation)s"
    ) % {"organisation": "Malmö stad"}
    assert message.content_subtype == "plain" and not message.alternatives
    assert "anna" in message.body
    assert "&#x27;" not in message.body and "&amp;" not in message.body  # plain text
    link = reset_link(message)
    with translation.override(language):
        assert resolve(link).url_name == "password_reset_confirm"

    response = client.get(link)  # Django swaps the token for a session and redirects.
    assert response.status_code == 302
    form_page = client.get(response.url)
    assert form_page.status_code == 200
    assert form_page.context["validlink"]

    response = client.post(
        response.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == url("password_reset_complete", language)
    assert client.get(response.url).status_code == 200

    assert log_in(client, "anna", factories.PASSWORD).status_code == 200
    response = log_in(client, "anna", NEW_PASSWORD)
    assert response.status_code == 302
    assert signed_in_user_pk(client) == str(user.pk)


def test_the_reset_link_works_only_once(client, user):
    client.post(url("password_reset"), {"email": user.email})
    link = reset_link(mail.outbox[0])
    set_password_url = client.get(link).url
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    response = client.get(link, follow=True)

    assert response.status_code == 200
    assert not response.context["validlink"]
    assert f'href="{url("password_reset")}"' in response.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, user):
    known = client.post(url("password_reset"), {"email": user.email})
    mail.outbox.clear()

    response = client.post(url("password_reset"), {"email": "nobody@malmo.example"})

    assert response.status_code == 302
    assert response.url == known.url
    assert mail.outbox == []


# Throttling of password reset requests


def request_reset(client, email: str, *, language: str = "sv", **extra):
    return client.post(url("password_reset", language), {"email": email}, **extra)


def exhaust_reset_limit(client, email: str, *, language: str = "sv", **extra) -> None:
    """As many requests for ``email`` as are answered as usual."""
    for _ in range(settings.PORTAL_PASSWORD_RESET_LIMIT_PER_EMAIL):
        assert request_reset(client, email, language=language, **extra).status_code == 302


def throttled_notice(response) -> str:
    match = re.search(
        r'<div class="notice notice--error" role="alert">(.*?)</div>',
        response.content.decode(),
        re.S,
    )
    assert match, response.content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


@pytest.mark.parametrize("language", ["sv", "en"])
def test_resets_beyond_the_limit_for_an_address_are_refused_and_send_no_mail(
    client, user, language, settings
):
    settings.PORTAL_PASSWORD_RESET_WINDOW = datetime.timedelta(hours=1)
    exhaust_reset_limit(client, "anna@malmo.example", language=language)
    assert len(mail.outbox) == settings.PORTAL_PASSWORD_RESET_LIMIT_PER_EMAIL
    mail.outbox.clear()

    response = request_reset(client, " ANNA@Malmo.Example", language=language)  # any case

    assert response.status_code == 429
    assert mail.outbox == []
    assert 1 <= int(response["Retry-After"]) <= 3600
    notice = throttled_notice(response)
    # The wait is what is left of the hour: at most 60 minutes, whole minutes rounded up.
    minutes = -(-int(response["Retry-After"]) // 60)
    with translation.override(language):
        wait = translation.ngettext(
            "Try again in %(minutes)s minute.", "Try again in %(minutes)s minutes.", minutes
        ) % {"minutes": minutes}
    assert notice.endswith(wait)
    assert ("Försök igen om" in wait) == (language == "sv")
    assert gettext_in(language, "Reset your password") in response.content.decode()
    assert notice.startswith(
        gettext_in(
            language,
            "Too many password reset requests have been made for this e-mail address or from "
            "your network, so no e-mail was sent.",
        )
    )
    assert ("För många" in notice) == (language == "sv")
    assert 'name="email"' in response.content.decode()  # the form, to try again later


def test_a_throttled_unknown_address_gets_exactly_the_answer_of_a_known_one(client, user):
    """Throttling tells nothing about which addresses have an account."""
    answers = {}
    for email in ["anna@malmo.example", "nobody@malmo.example"]:
        exhaust_reset_limit(client, email)
        response = request_reset(client, email)
        page = response.content.decode().replace(email, "EMAIL")
        answers[email] = (
            response.status_code,
            throttled_notice(response),
            re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page),
        )
    assert answers["anna@malmo.example"][0] == 429
    assert answers["anna@malmo.example"] == answers["nobody@malmo.example"]
    assert len(mail.outbox) == settings.PORTAL_PASSWORD_RESET_LIMIT_PER_EMAIL  # anna's only


def test_other_addresses_from_one_client_are_refused_after_its_limit(client, user, settings):
    settings.PORTAL_PASSWORD_RESET_LIMIT_PER_IP = 3
    for n in range(3):
        response = request_reset(client, f"person{n}@malmo.example", REMOTE_ADDR="10.9.8.7")
        assert response.status_code == 302

    refused = request_reset(client, "anna@malmo.example", REMOTE_ADDR="10.9.8.7")
    elsewhere = request_reset(client, "anna@malmo.example", REMOTE_ADDR="10.1.2.3")

    assert refused.status_code == 429
    assert elsewhere.status_code == 302
    assert [message.to for message in mail.outbox] == [["anna@malmo.example"]]


def test_the_client_address_is_the_one_django_axes_reads(client, user, settings):
    """Sign-in and reset throttling count the same client, however axes is told to find it."""
    settings.AXES_CLIENT_IP_CALLABLE = lambda request: request.META["HTTP_X_TEST_CLIENT"]
    settings.PORTAL_PASSWORD_RESET_LIMIT_PER_IP = 1
    answers = [
        request_reset(client, email, HTTP_X_TEST_CLIENT=address).status_code
        for email, address in [("a@m.example", "c1"), ("b@m.example", "c2"), ("c@m.example", "c1")]
    ]
    assert answers == [302, 302, 429]


def test_a_new_window_allows_resets_again(client, user):
    exhaust_reset_limit(client, user.email)
    assert request_reset(client, user.email).status_code == 429
    mail.outbox.clear()

    cache.clear()  # what the end of the window does: the counts expire

    assert request_reset(client, user.email).status_code == 302
    assert len(mail.outbox) == 1


def test_the_counts_start_over_with_each_window():
    hour = 3600
    start = 1_800_000_000 // hour * hour  # the start of some hour
    limits = [("email:anna@malmo.example", 2)]
    assert throttling.hit("test", limits, window=hour, now=start + 10) == 0
    assert throttling.hit("test", limits, window=hour, now=start + 20) == 0
    assert throttling.hit("test", limits, window=hour, now=start + 600.5) == hour - 600
    assert throttling.hit("test", limits, window=hour, now=start + hour) == 0
    # Each key has its own count.
    assert (
        throttling.hit("test", [("email:bertil@malmo.example", 2)], window=hour, now=start + 600)
        == 0
    )


def test_an_unreachable_cache_leaves_resets_working_unthrottled(client, user, unreachable_cache):
    for _ in range(settings.PORTAL_PASSWORD_RESET_LIMIT_PER_EMAIL + 1):
        assert request_reset(client, user.email).status_code == 302
    assert len(mail.outbox) == settings.PORTAL_PASSWORD_RESET_LIMIT_PER_EMAIL + 1


def test_a_new_password_must_be_typed_the_same_twice(client, user):
    client.post(url("password_reset", "en"), {"email": user.email})
    set_password_url = client.get(reset_link(mail.outbox[0])).url

    response = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": "something else"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "The two password fields didn’t match." in html
    assert 'href="#id_new_password2"' in html  # the error summary links to the field
    assert User.objects.get(pk=user.pk).check_password(factories.PASSWORD)
