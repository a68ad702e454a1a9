"""Two gunicorn servers on different ports share one PostgreSQL and one Redis."""

import pytest
from django.urls import reverse

from .conftest import DEMO_PASSWORD, Server

pytestmark = pytest.mark.system


def test_a_session_started_on_one_server_works_on_the_other(portal):
    with Server(portal) as first, Server(portal) as second:
        my_assignments = reverse("assignments:my_assignments")
        assert second.client().get(my_assignments).status == 302  # not signed in there

        visitor = first.client()
        visitor.login("miljo", DEMO_PASSWORD)
        elsewhere = second.client()
        elsewhere.cookies = dict(visitor.cookies)
        page = elsewhere.get(my_assignments)
        assert page.status == 200
        assert "Miljönämnden" in page.body


def test_a_report_published_on_one_server_shows_on_the_other_at_once(portal, sql):
    (report_id,) = sql(
        "SELECT r.id FROM assignments_report r WHERE r.status = 'approved' ORDER BY r.id LIMIT 1"
    )[0]
    public_page = reverse("public:report_detail", args=[report_id])
    with Server(portal) as first, Server(portal) as second:
        public = second.client()
        assert public.get(public_page).status == 404
        # The public list is cached on the second server before the publication.
        listing = reverse("public:assignment_list")
        public.get(listing)  # cached now, if an earlier test has not cached it already
        assert public.get(listing).headers["x-cache"] == "hit"

        reviewer = first.client()
        reviewer.login("granskare", DEMO_PASSWORD, path=reverse("admin:login"))
        decided = reviewer.submit(
            reverse("admin:assignments_report_change", args=[report_id]), action="/publish/"
        )
        assert decided.status == 302
        assert sql("SELECT status FROM assignments_report WHERE id = %s", report_id) == [
            ("published",)
        ]

        shown = public.get(public_page)
        assert shown.status == 200
        # The publication cleared the cache both servers share: no page published before it
        # is served any more.
        assert public.get(listing).headers["x-cache"] == "miss"
