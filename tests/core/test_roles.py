"""The roles: the reviewer group holds what roles.py lists, and no one grants themselves a right."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from assignments import services
from assignments.models import Membership, MembershipRole, Report, ReportStatus
from assignments.roles import REVIEWERS_GROUP, reviewer_codenames
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_reviewer_group_has_exactly_the_permissions_of_roles_py():
    group = Group.objects.get(name=REVIEWERS_GROUP)
    held = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert held == set(reviewer_codenames())


def test_reviewers_cannot_change_a_reporters_text():
    held = set(
        Group.objects.get(name=REVIEWERS_GROUP).permissions.values_list("codename", flat=True)
    )
    assert "change_report" not in held
    assert "change_reportversion" not in held
    assert {"review_report", "publish_report", "view_report"} <= held


# No one grants themselves a right (assignments.roles): each case below was possible before.


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def membership_add_url() -> str:
    return reverse("admin:assignments_membership_add")


def user_change_url(user) -> str:
    return reverse("admin:assignments_user_change", args=[user.pk])


def user_form_data(user, **extra) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": "2018-01-01",
        "date_joined_1": "08:00:00",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    data.update(extra)
    return data


def test_a_reviewer_cannot_make_themselves_a_reporter(reviewer, organisation):
    response = signed_in(reviewer).post(
        membership_add_url(),
        {"user": reviewer.pk, "organisation": organisation.pk, "role": MembershipRole.REPORTER},
    )
    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors
    assert not Membership.objects.filter(user=reviewer).exists()


def test_a_reviewer_cannot_make_another_reviewer_a_reporter(reviewer, organisation):
    colleague = factories.make_reviewer()
    signed_in(reviewer).post(
        membership_add_url(),
        {"user": colleague.pk, "organisation": organisation.pk, "role": MembershipRole.REPORTER},
    )
    assert not Membership.objects.filter(user=colleague).exists()


def test_a_reviewer_gives_a_reporter_account_a_membership(reviewer, organisation):
    person = factories.make_user()
    response = signed_in(reviewer).post(
        membership_add_url(),
        {"user": person.pk, "organisation": organisation.pk, "role": MembershipRole.REPORTER},
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=person, organisation=organisation).exists()


def test_a_reviewer_cannot_turn_a_reporters_membership_into_their_own(
    reviewer, organisation, reporter
):
    membership = Membership.objects.get(user=reporter)
    signed_in(reviewer).post(
        reverse("admin:assignments_membership_change", args=[membership.pk]),
        {"user": reviewer.pk, "organisation": organisation.pk, "role": MembershipRole.REPORTER},
    )
    membership.refresh_from_db()
    assert membership.user == reporter


def test_a_reviewer_cannot_change_or_delete_an_administrators_membership(reviewer, organisation):
    administrator = factories.make_user(is_superuser=True, is_staff=True)
    membership = Membership.objects.create(
        user=administrator, organisation=organisation, role=MembershipRole.READER
    )
    client = signed_in(reviewer)
    change = reverse("admin:assignments_membership_change", args=[membership.pk])
    response = client.post(change, {"user": administrator.pk, "organisation": organisation.pk})
    assert response.status_code == 403
    response = client.post(
        reverse("admin:assignments_membership_delete", args=[membership.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_the_organisation_page_keeps_a_membership_the_reviewer_may_not_change(
    reviewer, organisation
):
    administrator = factories.make_user(is_superuser=True, is_staff=True)
    membership = Membership.objects.create(
        user=administrator, organisation=organisation, role=MembershipRole.READER
    )
    url = reverse("admin:assignments_organisation_change", args=[organisation.pk])
    data = {
        "name": organisation.name,
        "slug": organisation.slug,
        "kind": organisation.kind,
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": membership.pk,
        "memberships-0-organisation": organisation.pk,
        "memberships-0-user": reviewer.pk,
        "memberships-0-role": MembershipRole.REPORTER,
    }
    client = signed_in(reviewer)
    client.post(url, data)
    membership.refresh_from_db()
    assert (membership.user, membership.role) == (administrator, MembershipRole.READER)
    response = client.post(url, {**data, "memberships-0-DELETE": "on"})
    assert response.status_code == 200
    assert "Bara en administratör kan ta bort" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_reviewer_with_a_reporter_membership_still_cannot_write_a_report(
    reviewer, organisation, reporter, assignment, period
):
    report = services.create_report(
        assignment=assignment, organisation=organisation, period=period, by=reporter
    )
    services.save_report(report=report, by=reporter, content={"summary": "Reporterns text."})
    Membership.objects.create(
        user=reviewer, organisation=organisation, role=MembershipRole.REPORTER
    )
    assert not services.is_reporter(reviewer, organisation)
    response = signed_in(reviewer).post(
        reverse("assignments:report_edit", args=[report.pk]),
        {"progress": "on_track", "summary": "Granskarens text.", "edit_version": 2},
    )
    assert response.status_code in (302, 403)
    report.refresh_from_db()
    assert report.summary == "Reporterns text."


def test_a_reviewer_cannot_make_themselves_superuser(reviewer):
    response = signed_in(reviewer).post(
        user_change_url(reviewer),
        user_form_data(reviewer, is_superuser="on", is_staff="on"),
    )
    assert response.status_code == 403
    reviewer.refresh_from_db()
    assert not reviewer.is_superuser


def test_a_reviewer_gives_no_rights_when_changing_a_reporters_account(reviewer, reporter):
    reviewers = Group.objects.get(name=REVIEWERS_GROUP)
    response = signed_in(reviewer).post(
        user_change_url(reporter),
        user_form_data(
            reporter,
            first_name="Anna",
            is_superuser="on",
            is_staff="on",
            groups=[reviewers.pk],
            **{
                "memberships-TOTAL_FORMS": "1",
                "memberships-INITIAL_FORMS": "1",
                "memberships-0-id": Membership.objects.get(user=reporter).pk,
                "memberships-0-user": reporter.pk,
                "memberships-0-organisation": Membership.objects.get(user=reporter).organisation_id,
                "memberships-0-role": MembershipRole.REPORTER,
            },
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    reporter.refresh_from_db()
    assert reporter.first_name == "Anna"
    assert not (reporter.is_superuser or reporter.is_staff or reporter.groups.exists())


def test_the_reviewers_user_form_shows_no_rights_fields_and_no_password(reviewer, reporter):
    response = signed_in(reviewer).get(user_change_url(reporter))
    form = response.context["adminform"].form
    assert set(form.fields).isdisjoint({"is_superuser", "is_staff", "groups", "user_permissions"})
    assert "password" not in form.fields


def test_a_reviewer_cannot_change_another_reviewers_account_or_any_password(reviewer, reporter):
    colleague = factories.make_reviewer()
    client = signed_in(reviewer)
    response = client.post(user_change_url(colleague), user_form_data(colleague, first_name="X"))
    assert response.status_code == 403
    for person in (colleague, reporter, reviewer):
        url = reverse("admin:auth_user_password_change", args=[person.pk])
        response = client.post(url, {"password1": "new-pass-1234!", "password2": "new-pass-1234!"})
        assert response.status_code == 403
        person.refresh_from_db()
        assert person.check_password(factories.PASSWORD)


def test_a_superuser_gives_reviewer_rights(reviewer):
    administrator = factories.make_user(is_superuser=True, is_staff=True)
    person = factories.make_user()
    reviewers = Group.objects.get(name=REVIEWERS_GROUP)
    response = signed_in(administrator).post(
        user_change_url(person),
        user_form_data(person, is_staff="on", groups=[reviewers.pk]),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.is_staff and person.groups.filter(pk=reviewers.pk).exists()


def test_a_reviewer_invites_a_new_reporter_who_chooses_their_own_password(
    reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(reviewer).post(
            reverse("admin:assignments_user_add"),
            {
                "username": "nyreporter",
                "first_name": "Nora",
                "last_name": "Ny",
                "email": "nora@malmo.example",
                "password1": "known-to-the-reviewer-123",
                "password2": "known-to-the-reviewer-123",
                "is_superuser": "on",
                "memberships-TOTAL_FORMS": "0",
                "memberships-INITIAL_FORMS": "0",
            },
        )
    assert response.status_code == 302
    person = get_user_model().objects.get(username="nyreporter")
    assert not person.has_usable_password()
    assert not person.is_superuser
    assert [message.to for message in mail.outbox] == [["nora@malmo.example"]]
    link = next(line for line in mail.outbox[0].body.splitlines() if "://" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    landing = Client().get("/" + path, follow=True)
    assert "new_password1" in landing.context["form"].fields


def test_a_reviewer_cannot_approve_a_version_they_wrote(organisation, assignment, period, reviewer):
    author = factories.make_member(organisation)
    report = services.create_report(
        assignment=assignment, organisation=organisation, period=period, by=author
    )
    report = services.save_report(report=report, by=author, content={"summary": "Klart."})
    services.submit_report(report=report, by=factories.make_member(organisation))
    # The author later joins the sustainability office.
    author.is_staff = True
    author.save()
    author.groups.add(Group.objects.get(name=REVIEWERS_GROUP))
    author = get_user_model().objects.get(pk=author.pk)
    report = Report.objects.get(pk=report.pk)
    with pytest.raises(ValidationError) as error:
        services.approve_report(report=report, by=author)
    assert error.value.code == "own_version"
    services.approve_report(report=report, by=reviewer)
    assert Report.objects.get(pk=report.pk).status == ReportStatus.APPROVED


@pytest.mark.django_db
def test_a_users_permissions_are_read_in_one_query_and_are_djangos(django_assert_num_queries):
    """User.has_perm reads the user's own and their groups' permissions together: the set is
    the one Django's ModelBackend reads in two queries, for every kind of user."""
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.auth.models import Permission

    User = get_user_model()
    own = Permission.objects.get(codename="add_report")
    group = Group.objects.create(name="Some group")
    group.permissions.add(Permission.objects.get(codename="change_report"), own)
    users = {
        "none": User.objects.create_user("none"),
        "own": User.objects.create_user("own"),
        "group": User.objects.create_user("group"),
        "both": User.objects.create_user("both"),
        "inactive": User.objects.create_user("inactive", is_active=False),
        "super": User.objects.create_superuser("super"),
        "reviewer": factories.make_reviewer(),
    }
    users["own"].user_permissions.add(own)
    users["both"].user_permissions.add(own, Permission.objects.get(codename="delete_report"))
    for name in ("group", "both", "inactive"):
        users[name].groups.add(group)
    perms = [
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.select_related("content_type")
    ]
    for name, user in users.items():
        fresh = User.objects.get(pk=user.pk)
        django_user = User.objects.get(pk=user.pk)
        expected = {perm for perm in perms if ModelBackend().has_perm(django_user, perm)}
        with django_assert_num_queries(0 if name in ("inactive", "super") else 1):
            got = {perm for perm in perms if fresh.has_perm(perm)}
        assert got == expected, name
    assert User.objects.get(username="both").has_perm("assignments.delete_report")
    assert User.objects.get(pk=users["reviewer"].pk).is_reviewer
    assert not User.objects.get(username="group").is_reviewer
