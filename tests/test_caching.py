"""Public pages are cached for anonymous visitors and all refreshed when something is published."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

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


def get(path="/uppdrag/", user=None):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get(path)
    request.user = user or AnonymousUser()
    return counting_view(request)


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
