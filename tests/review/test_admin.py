"""The admin: every registered model opens, reports stay read-only, lists keep constant queries."""

from __future__ import annotations

import datetime
import json

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assignments import services
from assignments.models import (
    Assignment,
    Attachment,
    DeadlineReminder,
    Membership,
    Organisation,
    OrganisationKind,
    Report,
    ReportEvent,
    ReportStatus,
    ReportVersion,
    Responsibility,
    User,
)
from goals.models import Framework, GlobalGoal, GlobalTarget
from tests import factories

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label_lower)


# What the reports of these tests say: written as the reporters' pages write them.
CONTENT = {"summary": "Arbetet går framåt.", "progress": "on_track", "percent_complete": 40}


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def admin_data(budget, organisation, reporter, assignment, period, reviewer, settings):
    """At least one object of every model registered in the admin."""
    council_goal = factories.make_council_goal(budget=budget)
    council_goal.global_goals.add(GlobalGoal.objects.sdg().get(number=11))
    assignment.council_goal = council_goal
    assignment.save()
    assignment.global_targets.add(GlobalTarget.objects.get(goal__number=11, code="11.6"))
    factories.make_organisation(name="Dotterbolaget AB", kind=OrganisationKind.BOLAG)
    Organisation.objects.filter(name="Dotterbolaget AB").update(parent=organisation)
    DeadlineReminder.objects.create(
        organisation=organisation, period=period, sent_on=period.deadline, recipients=1
    )
    indicator = factories.make_indicator(
        code="N00401", title_sv="Växthusgaser", targets={2030: 1}, assignments=[assignment]
    )
    factories.add_values(indicator, {2016: 4, 2017: 3})

    report = services.create_report(
        assignment=assignment, organisation=organisation, period=period, by=reporter
    )
    Attachment.objects.create(
        report=report,
        file=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
        original_name="Handlingsplan.pdf",
        content_type="application/pdf",
        size=13,
        uploaded_by=reporter,
    )
    report = factories.make_report(
        status=ReportStatus.PUBLISHED,
        assignment=assignment,
        organisation=organisation,
        period=period,
        reporter=reporter,
        reviewer=reviewer,
        content=CONTENT,
        targets=["11.6"],
    )

    # django-axes' records, made the way real sign-ins make them: a successful sign-in
    # (AccessLog), then a failed one (AccessAttempt, and AccessFailureLog, which axes only
    # writes with AXES_ENABLE_ACCESS_FAILURE_LOG on).
    settings.AXES_ENABLE_ACCESS_FAILURE_LOG = True
    browser = Client()
    login_url = reverse("login")
    signed_in = {"username": reviewer.username, "password": factories.PASSWORD}
    assert browser.post(login_url, signed_in).status_code == 302
    failed = {"username": reporter.username, "password": "not the password"}
    assert browser.post(login_url, failed).status_code == 200
    return report


@pytest.fixture
def superuser_request(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    return request


def test_every_model_of_both_apps_is_registered():
    registered = {model._meta.label for model, _ in REGISTERED}
    assert {
        "goals.Budget",
        "goals.GoalArea",
        "goals.CouncilGoal",
        "goals.GlobalGoal",
        "goals.GlobalTarget",
        "assignments.User",
        "assignments.Organisation",
        "assignments.Membership",
        "assignments.Assignment",
        "assignments.Responsibility",
        "assignments.ReportingPeriod",
        "assignments.Report",
        "assignments.ReportVersion",
        "assignments.Attachment",
        "assignments.ReportEvent",
        "assignments.Indicator",
        "assignments.IndicatorValue",
    } <= registered


@pytest.mark.parametrize(
    ("model", "model_admin"),
    REGISTERED,
    ids=[model._meta.label_lower for model, _ in REGISTERED],
)
def test_superuser_opens_changelist_add_and_change_pages(
    admin_client, admin_data, superuser_request, model, model_admin
):
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"admin_data creates no {model._meta.label}"

    assert admin_client.get(admin_url(model, "changelist"), follow=True).status_code == 200
    expected = 200 if model_admin.has_add_permission(superuser_request) else 403
    assert admin_client.get(admin_url(model, "add")).status_code == expected
    assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize(
    ("model", "model_admin"),
    [(model, model_admin) for model, model_admin in REGISTERED if model_admin.search_fields],
    ids=[model._meta.label_lower for model, ma in REGISTERED if ma.search_fields],
)
def test_changelist_search_works(admin_client, admin_data, model, model_admin):
    response = admin_client.get(admin_url(model, "changelist"), {"q": "2018 Malmö 11.6"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("model", "model_admin"),
    [(model, model_admin) for model, model_admin in REGISTERED if model_admin.search_fields],
    ids=[model._meta.label_lower for model, ma in REGISTERED if ma.search_fields],
)
def test_a_search_of_hundreds_of_words_looks_for_the_first_and_says_so(
    admin_client, admin_data, model, model_admin
):
    """Hundreds of words overflowed SQLite's expression depth (a 503): the first twenty are
    looked for, the page says so, and the search box keeps all that was typed."""
    from django.utils import translation

    typed = " ".join(["00"] * 500)
    response = admin_client.get(admin_url(model, "changelist"), {"q": typed})
    assert response.status_code == 200
    with translation.override("sv"):
        said = translation.gettext("Only the first %(count)d words of the search were looked for.")
    assert said % {"count": 20} in [str(m) for m in response.context["messages"]]
    assert response.context["cl"].query == typed


PORTAL_SEARCHABLE = [
    (model, model_admin)
    for model, model_admin in REGISTERED
    if model_admin.search_fields and model._meta.app_label in {"assignments", "goals"}
]


@pytest.fixture
def other_data(budget, reviewer):
    """Objects of every portal model that have nothing in common with admin_data's."""
    culture = factories.make_organisation(
        name="Kulturförvaltningen", slug="kulturforvaltningen", email="kultur@malmo.example"
    )
    librarian = factories.make_member(
        culture, username="bibliotekarie", first_name="Berit", last_name="Boksson"
    )
    next_year = factories.make_budget(year=2019, title="Budgetår nitton")
    factories.make_council_goal(budget=next_year, text="Kulturen når alla.")
    annual = factories.make_period(budget=budget, name="Årsanalys")
    libraries = factories.make_assignment(
        budget=budget, organisations=[culture], code="KUL9", title="Bibliotek för alla"
    )
    report = factories.make_report(
        status=ReportStatus.SUBMITTED,
        assignment=libraries,
        organisation=culture,
        period=annual,
        reporter=librarian,
        content={"summary": "Böckerna lånas ut.", "narrative": "Bokbussen rullar."},
        attachments=["Bokplan.pdf"],
    )
    services.return_report(report=report, by=reviewer, note="Nämn bokbussens turer.")
    DeadlineReminder.objects.create(
        organisation=culture, period=annual, sent_on=annual.deadline, recipients=1
    )
    loans = factories.make_indicator(
        code="KUL-LAN", title_sv="Boklån per invånare", title_en="Loans", source_name="KB"
    )
    factories.add_values(loans, {2018: 7})


def search_values(obj, field: str) -> tuple[list[str], bool]:
    """The values that the admin's search compares a search field with, and whether exactly."""
    parts = field.split("__")
    exact = parts[-1] == "exact"
    objects = [obj]
    for part in parts[:-1] if exact else parts:
        reached = []
        for current in objects:
            value = getattr(current, part, None)
            if hasattr(value, "all"):  # a to-many relation
                reached.extend(value.all())
            elif value is not None:
                reached.append(value)
        objects = reached
    return [str(value) for value in objects if str(value)], exact


def found_by(obj, search_fields, term: str) -> bool:
    """Whether the admin's search for ``term`` must find ``obj``: each word in some field."""
    for word in term.split():
        for field in search_fields:
            values, exact = search_values(obj, field)
            if any(v == word if exact else word.casefold() in v.casefold() for v in values):
                break
        else:
            return False
    return True


@pytest.mark.parametrize(
    ("model", "model_admin"),
    PORTAL_SEARCHABLE,
    ids=[model._meta.label_lower for model, _ in PORTAL_SEARCHABLE],
)
def test_changelist_search_finds_an_object_by_its_term_and_not_an_unrelated_one(
    admin_client, admin_data, other_data, model, model_admin
):
    """
    For each of the portal's models: an object is found by the value of one of its search
    fields, and an object of the same model that has that value in none of them is not.
    """
    fields = model_admin.search_fields
    known = model._default_manager.order_by("pk").first()
    candidates = [
        (term, unrelated)
        for field in fields
        for term in search_values(known, field)[0][:1]
        for unrelated in model._default_manager.order_by("pk")
        if term.strip() and not found_by(unrelated, fields, term)
    ]
    assert candidates, f"no object of {model._meta.label} is unrelated to {known}"
    term, unrelated = candidates[0]

    response = admin_client.get(admin_url(model, "changelist"), {"q": term}, follow=True)

    assert response.status_code == 200
    found = response.context["cl"].queryset
    assert found.filter(pk=known.pk).exists(), f"{term!r} does not find {known!r}"
    assert not found.filter(pk=unrelated.pk).exists(), f"{term!r} finds {unrelated!r}"


def test_report_search_and_filters_find_the_report(admin_client, admin_data):
    url = admin_url(Report, "changelist")
    response = admin_client.get(url, {"q": admin_data.assignment.code})
    assert list(response.context["cl"].result_list) == [admin_data]

    response = admin_client.get(
        url, {"status__exact": ReportStatus.PUBLISHED, "period__id__exact": admin_data.period_id}
    )
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [admin_data]

    response = admin_client.get(url, {"status__exact": ReportStatus.DRAFT})
    assert list(response.context["cl"].result_list) == []


def test_target_filters_find_targets_without_swedish_text(admin_client):
    url = admin_url(GlobalTarget, "changelist")
    missing = GlobalTarget.objects.filter(goal__framework=Framework.SDG, text_sv="")
    assert missing.exists()

    response = admin_client.get(url, {"goal__framework__exact": "sdg", "swedish_missing": "yes"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == missing.count()

    response = admin_client.get(url, {"goal__framework__exact": "sdg", "swedish_missing": "no"})
    assert response.context["cl"].result_count == (
        GlobalTarget.objects.filter(goal__framework=Framework.SDG).exclude(text_sv="").count()
    )


def test_target_search_covers_code_and_both_texts(admin_client):
    target = GlobalTarget.objects.get(goal__framework=Framework.SDG, code="11.6")
    url = admin_url(GlobalTarget, "changelist")
    for term in ["11.6", target.text_en[:30]]:
        response = admin_client.get(url, {"q": term})
        assert target in response.context["cl"].result_list
    GlobalTarget.objects.filter(pk=target.pk).update(text_sv="Minska städernas miljöpåverkan")
    response = admin_client.get(url, {"q": "städernas miljöpåverkan"})
    assert list(response.context["cl"].result_list) == [target]


def test_global_goal_list_shows_colour_and_annotated_target_count(admin_client):
    goal = GlobalGoal.objects.sdg().get(number=1)
    response = admin_client.get(admin_url(GlobalGoal, "changelist"), {"framework__exact": "sdg"})
    assert f'fill="{goal.colour}"' in response.content.decode()
    counts = {g.pk: g.target_count for g in response.context["cl"].result_list}
    assert counts[goal.pk] == goal.targets.count()


def test_organisation_active_filter(admin_client, budget):
    closed = factories.make_organisation(
        valid_from=datetime.date(2010, 1, 1), valid_to=datetime.date(2017, 12, 31)
    )
    current = factories.make_organisation(valid_from=datetime.date(2018, 6, 1))
    url = admin_url(Organisation, "changelist")

    response = admin_client.get(url, {"active": "2018"})
    assert list(response.context["cl"].result_list) == [current]
    response = admin_client.get(url, {"active": "2017"})
    assert list(response.context["cl"].result_list) == [closed]
    response = admin_client.get(url, {"active": "now"})
    assert list(response.context["cl"].result_list) == [current]
    response = admin_client.get(url, {"kind__exact": OrganisationKind.BOLAG})
    assert list(response.context["cl"].result_list) == []


def test_autocomplete_finds_targets_and_organisations(admin_client, admin_data):
    url = reverse("admin:autocomplete")
    params = {"app_label": "assignments", "model_name": "assignment"}
    response = admin_client.get(url, {**params, "field_name": "global_targets", "term": "11.6"})
    assert response.status_code == 200
    assert any(r["text"].startswith("11.6") for r in json.loads(response.content)["results"])

    response = admin_client.get(
        url,
        {
            "app_label": "assignments",
            "model_name": "responsibility",
            "field_name": "organisation",
            "term": admin_data.organisation.name,
        },
    )
    assert [r["text"] for r in json.loads(response.content)["results"]] == [
        admin_data.organisation.name
    ]


def test_report_change_page_has_no_editable_field(admin_client, admin_data):
    response = admin_client.get(admin_url(Report, "change", admin_data.pk))
    assert response.status_code == 200
    assert response.context["adminform"].form.fields == {}
    assert admin_data.summary in response.content.decode()


def test_saving_the_report_change_page_writes_nothing(admin_client, admin_data):
    """A superuser's save cannot overwrite the report, e.g. with what a reporter just saved."""
    url = admin_url(Report, "change", admin_data.pk)
    response = admin_client.get(url)
    data = {"summary": "Ändrad av granskaren", "status": ReportStatus.DRAFT, "_save": "Save"}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value

    with CaptureQueriesContext(connection) as queries:
        response = admin_client.post(url, data)

    assert response.status_code == 302
    report_table = Report._meta.db_table
    assert not [
        q["sql"] for q in queries if q["sql"].startswith("UPDATE") and report_table in q["sql"]
    ]
    report = Report.objects.get(pk=admin_data.pk)
    assert report.summary == admin_data.summary
    assert report.status == ReportStatus.PUBLISHED


def test_versions_and_events_are_immutable_in_admin(admin_client, admin_data, superuser_request):
    for model in (ReportVersion, ReportEvent):
        model_admin = admin.site._registry[model]
        obj = model.objects.filter(report=admin_data).first()
        assert not model_admin.has_add_permission(superuser_request)
        assert not model_admin.has_change_permission(superuser_request, obj)
        assert not model_admin.has_delete_permission(superuser_request, obj)
        assert admin_client.get(admin_url(model, "delete", obj.pk)).status_code == 403


def test_reports_cannot_be_deleted_in_admin(admin_client, admin_data):
    response = admin_client.post(admin_url(Report, "delete", admin_data.pk), {"post": "yes"})
    assert response.status_code == 403
    assert Report.objects.filter(pk=admin_data.pk).exists()


def test_reviewer_reads_reports_but_cannot_add_or_change_them(
    client, reviewer, admin_data, organisation, reporter, period
):
    # Beside admin_data's published report, a submitted one and a draft of the open period.
    submitted, draft = (
        factories.make_report(
            status=status,
            assignment=factories.make_assignment(
                budget=period.budget, organisations=[organisation]
            ),
            organisation=organisation,
            period=period,
            reporter=reporter,
        )
        for status in (ReportStatus.SUBMITTED, ReportStatus.DRAFT)
    )
    client.force_login(reviewer)
    assert client.get(reverse("admin:index")).status_code == 200
    queue = client.get(admin_url(Report, "changelist"), follow=True)
    assert queue.status_code == 200
    # The bare report list is the review queue: the open period's submitted reports only.
    assert period.is_open()
    listed = list(queue.context["cl"].result_list)
    assert submitted in listed
    assert draft not in listed
    assert admin_data not in listed
    assert listed == [submitted]
    assert client.get(admin_url(Report, "add")).status_code == 403
    response = client.get(admin_url(Report, "change", admin_data.pk))
    assert response.status_code == 200
    assert response.context["adminform"].form.fields == {}


def test_reviewer_manages_organisations(client, reviewer, organisation):
    client.force_login(reviewer)
    assert client.get(admin_url(Organisation, "add")).status_code == 200
    assert client.get(admin_url(Organisation, "change", organisation.pk)).status_code == 200


def test_reporter_without_staff_status_is_sent_to_the_admin_login(client, reporter):
    client.force_login(reporter)
    for url in [reverse("admin:index"), admin_url(Report, "changelist")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_superuser_creates_a_user_with_a_membership(admin_client, organisation):
    response = admin_client.post(
        admin_url(User, "add"),
        {
            "username": "ny.rapportor",
            "usable_password": "true",
            "password1": factories.PASSWORD,
            "password2": factories.PASSWORD,
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-organisation": organisation.pk,
            "memberships-0-role": "reporter",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    membership = Membership.objects.get(user__username="ny.rapportor")
    assert membership.organisation == organisation


def test_admin_site_header_names_the_portal(admin_client):
    response = admin_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Malmö stad" in response.content.decode()


# Constant queries: every changelist row comes with the page's queries, not its own.


def add_reports(n: int, *, period, organisation, reporter) -> None:
    for _ in range(n):
        assignment = factories.make_assignment(budget=period.budget, organisations=[organisation])
        factories.make_report(
            status=ReportStatus.SUBMITTED,
            assignment=assignment,
            organisation=organisation,
            period=period,
            reporter=reporter,
            content=CONTENT,
            targets=["11.6"],
        )


def add_organisations(n: int, **_) -> None:
    parent = factories.make_organisation(kind=OrganisationKind.BOLAG)
    for _ in range(n - 1):
        factories.make_organisation(parent=parent, valid_from=datetime.date(2018, 1, 1))


def add_assignments(n: int, *, period, organisation, **_) -> None:
    budget = period.budget
    goal = factories.make_council_goal(budget=budget)
    other = factories.make_organisation()
    for _ in range(n):
        assignment = factories.make_assignment(
            budget=budget, council_goal=goal, organisations=[organisation]
        )
        Responsibility.objects.create(assignment=assignment, organisation=other, role="participant")


def add_users(n: int, *, organisation, **_) -> None:
    for _ in range(n):
        factories.make_member(organisation)


@pytest.mark.parametrize(
    ("model", "add_rows"),
    [
        (Report, add_reports),
        (Organisation, add_organisations),
        (Assignment, add_assignments),
        (User, add_users),
    ],
    ids=["report", "organisation", "assignment", "user"],
)
def test_changelist_queries_do_not_grow_with_rows(
    admin_client, django_assert_num_queries, period, organisation, reporter, model, add_rows
):
    # Every row, not the review queue the bare report list opens on.
    url = admin_url(model, "changelist") + ("?all=1" if model is Report else "")
    rows = {"period": period, "organisation": organisation, "reporter": reporter}
    add_rows(2, **rows)
    admin_client.get(url)  # Warm caches (content types, the session) outside the count.

    with CaptureQueriesContext(connection) as small:
        response = admin_client.get(url)
    small_count = response.context["cl"].result_count

    add_rows(18, **rows)
    with django_assert_num_queries(len(small)):
        response = admin_client.get(url)
    assert response.context["cl"].result_count == small_count + 18


def test_admin_data_has_a_full_report_history(admin_data):
    assert admin_data.published_version is not None
    assert admin_data.events.count() == 5  # created, saved, submitted, approved, published
    assert admin_data.attachments.get().versions.exists()
