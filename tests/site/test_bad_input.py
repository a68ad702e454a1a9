"""
The server errors that malformed input caused (issue 18), one test each: every one of these
answered 500 before. tests/site/test_fuzz.py generates such input at large; these name the cases.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from assignments.models import Attachment, DeadlineReminder, Organisation, Report, ReportEvent

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.mark.parametrize("field", ["organisation", "assignment", "period"])
@pytest.mark.parametrize("value", ["abc", "²", "", "99999999999999999999999", "\x00"])
def test_starting_a_report_with_a_value_that_is_no_number_is_not_found(world, field, value):
    data = {
        "organisation": world.organisation.pk,
        "assignment": world.assignment.pk,
        "period": world.period.pk,
        field: value,
    }
    response = signed_in(world.reporter).post(reverse("assignments:report_start"), data)
    assert response.status_code == 404


def test_the_admins_sdg_filter_ignores_a_unicode_digit(world):
    response = signed_in(world.reviewer).get(changelist(Report), {"sdg": "²", "all": ""})
    assert response.status_code == 200


@pytest.mark.parametrize("field", ["period", "report"])
def test_publishing_a_period_ignores_a_unicode_digit(world, field):
    url = reverse("admin:assignments_report_publish_period")
    client = signed_in(world.reviewer)
    assert client.get(url, {field: "²"}).status_code == 200
    response = client.post(url, {"period": world.published.period_id, field: "²"})
    assert response.status_code in (200, 302)


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (Report, "submitted_at"),
        (Attachment, "uploaded_at"),
        (ReportEvent, "at"),
        (DeadlineReminder, "sent_on"),
    ],
)
@pytest.mark.parametrize("year", ["9999", "1", "0", "²"])
def test_a_date_drill_down_out_of_range_shows_the_list_whole_with_a_message(
    world, model, field, year
):
    client = signed_in(world.superuser)
    response = client.get(changelist(model), {f"{field}__year": year})
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")
    page = client.get(response["Location"])
    assert page.status_code == 200
    messages = [str(message) for message in page.context["messages"]]
    assert any("kunde inte filtreras" in message for message in messages)


@pytest.mark.parametrize(
    ("model", "parameter"),
    [
        (Report, "status__exact"),
        (Report, "progress__exact"),
        (Organisation, "kind__exact"),
        (Report, "q"),
    ],
)
def test_a_nul_character_in_an_admin_filter_gets_no_server_error(world, model, parameter):
    """On PostgreSQL, a NUL in a text filter failed inside the query."""
    client = signed_in(world.reviewer)
    response = client.get(changelist(model), {parameter: "sub\x00mitted"}, follow=True)
    assert response.status_code == 200


def test_a_repeated_bad_filter_gets_a_clear_page_with_status_400(world):
    client = signed_in(world.reviewer)
    response = client.get(changelist(Report), {"status__exact": "\x00", "e": "1"})
    assert response.status_code == 400
    assert "Listan kan inte visas med de här filtren" in response.content.decode()


@pytest.mark.parametrize("path", ["/konto/login/", "/admin/login/"])
def test_signing_in_with_a_username_longer_than_any_column_is_a_failed_sign_in(client, db, path):
    """On PostgreSQL, recording the failure of a 256-character username failed (found by
    tests/site/test_fuzz.py)."""
    response = client.post(path, {"username": "0" * 256, "password": "x"})
    assert response.status_code == 200
    assert response.context["form"]["username"].value() == "0" * 256
