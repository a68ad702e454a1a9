"""`manage.py seed_demo`: demo accounts and reports in every state, never in production."""

import io

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.management import CommandError, call_command
from django.urls import reverse

from assignments.management.commands.seed_demo import DEMO_PASSWORD
from assignments.models import Report, ReportAction, ReportStatus, User

pytestmark = pytest.mark.django_db


def seed():
    call_command("seed_demo", stdout=io.StringIO())


def test_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        seed()
    assert not User.objects.exists()


def test_creates_reports_in_every_state_through_the_workflow(settings):
    settings.DEBUG = True
    seed()
    statuses = set(Report.objects.values_list("status", flat=True))
    assert statuses == set(ReportStatus.values)
    published = Report.objects.filter(status=ReportStatus.PUBLISHED).first()
    assert published.published_version is not None
    assert published.events.filter(action=ReportAction.PUBLISHED).exists()
    # A published report reopened for a correction keeps its public version.
    reopened = Report.objects.get(events__action=ReportAction.REOPENED)
    assert reopened.status == ReportStatus.RETURNED
    assert reopened.published_version is not None


def test_demo_users_can_sign_in_with_the_documented_password(settings, client):
    settings.DEBUG = True
    seed()
    for username in ["admin", "granskare", "miljo", "kultur"]:
        # Through the real sign-in page: django-axes refuses client.login(), which has no request.
        response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        assert client.session[SESSION_KEY] == str(User.objects.get(username=username).pk)
    assert User.objects.get(username="granskare").has_perm("assignments.review_report")
    assert not User.objects.get(username="miljo").is_staff
    assert User.objects.get(username="kultur").memberships.count() == 2


def test_a_second_run_adds_nothing(settings):
    settings.DEBUG = True
    seed()
    counts = (User.objects.count(), Report.objects.count())
    events = list(Report.objects.values_list("pk", "status", "edit_version"))
    seed()
    assert (User.objects.count(), Report.objects.count()) == counts
    assert list(Report.objects.values_list("pk", "status", "edit_version")) == events
