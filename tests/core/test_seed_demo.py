"""`manage.py seed_demo`: demo accounts and reports in every state, never in production."""

import io
from decimal import Decimal

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.management import CommandError, call_command
from django.urls import reverse

from assignments.management.commands.seed_demo import DEMO_PASSWORD
from assignments.models import (
    Indicator,
    IndicatorSource,
    IndicatorValue,
    Organisation,
    Report,
    ReportAction,
    ReportedValue,
    ReportStatus,
    User,
    ValueOrigin,
)
from assignments.selectors.indicators import summaries

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
    counts = (User.objects.count(), Report.objects.count(), Indicator.objects.count())
    events = list(Report.objects.values_list("pk", "status", "edit_version"))
    values = list(IndicatorValue.objects.values_list("pk", "value", "published_at"))
    reported = list(ReportedValue.objects.values_list("pk", "value", "note"))
    seed()
    assert (User.objects.count(), Report.objects.count(), Indicator.objects.count()) == counts
    assert list(Report.objects.values_list("pk", "status", "edit_version")) == events
    assert list(IndicatorValue.objects.values_list("pk", "value", "published_at")) == values
    assert list(ReportedValue.objects.values_list("pk", "value", "note")) == reported


def test_demo_organisations_measure_indicators_their_reports_ask_for(settings):
    settings.DEBUG = True
    seed()
    miljo = Organisation.objects.get(name="Miljönämnden")
    report = Report.objects.get(organisation=miljo, period__name="Årsanalys")
    asked = Indicator.objects.reported_by(report.organisation, report.assignment)
    assert [indicator.code for indicator in asked] == ["DEMO-MN1"]
    indicator = asked.get()
    assert indicator.source == IndicatorSource.ORGANISATION
    assert indicator.targets.exists() and indicator.baseline_year == 2014
    assert indicator.global_targets.exists() and indicator.council_goals.exists()
    # The draft holds its values for the reporter to go on with.
    assert report.status == ReportStatus.DRAFT
    assert list(report.reported_values.values_list("value", flat=True)) == [Decimal(57)]
    split = Indicator.objects.get(code="DEMO-KN1")
    assert split.has_gender_split and split.measured_by.name == "Kulturnämnden"


def test_published_demo_reports_made_their_values_public_through_the_workflow(settings):
    settings.DEBUG = True
    seed()
    mn1 = Indicator.objects.get(code="DEMO-MN1")
    published = IndicatorValue.objects.get(indicator=mn1, origin=ValueOrigin.REPORT)
    report = published.report
    assert report.status == ReportStatus.PUBLISHED
    assert (published.period.name, published.value) == ("Tertial 1", Decimal(38))
    frozen = report.published_version.reported_values.get()
    assert (frozen.value, frozen.note) == (published.value, published.note)
    # The next period's values are submitted, not public.
    submitted = Report.objects.get(organisation=report.organisation, period__name="Tertial 2")
    assert submitted.status == ReportStatus.SUBMITTED
    assert submitted.current_version.reported_values.get().value == Decimal(52)
    assert not IndicatorValue.objects.filter(indicator=mn1, period=submitted.period).exists()
    kn1 = IndicatorValue.objects.filter(indicator__code="DEMO-KN1", origin=ValueOrigin.REPORT)
    assert sorted(kn1.values_list("category", flat=True)) == ["", "men", "women"]


def test_the_demo_indicators_have_a_history_to_chart(settings):
    settings.DEBUG = True
    seed()
    imported = IndicatorValue.objects.filter(origin=ValueOrigin.IMPORT, period__isnull=True)
    assert set(imported.values_list("indicator__code", flat=True)) == {"DEMO-MN1", "DEMO-KN1"}
    for summary in summaries(Indicator.objects.filter(code__startswith="DEMO-")):
        # The whole headline series, as the indicator's page charts it (a summary reads
        # only its ends).
        years = list(
            IndicatorValue.objects.headline()
            .filter(indicator=summary.indicator)
            .in_order()
            .values_list("year", flat=True)
        )
        assert len(years) >= 4 and years == sorted(years), summary.indicator.code
        assert summary.latest.origin == ValueOrigin.REPORT  # the published report's, last
