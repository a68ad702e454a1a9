"""Sustained load: 32 concurrent connections for 60 seconds, and not one failed response."""

import collections
import os
import threading
import time

import pytest
from django.urls import reverse
from django.utils import translation

from .conftest import DEMO_PASSWORD, Server

pytestmark = pytest.mark.system

CONNECTIONS = 32
SECONDS = float(os.environ.get("PORTAL_LOAD_SECONDS", "60"))


def public_paths(sql) -> list[str]:
    published = sql("SELECT id FROM assignments_report WHERE status = 'published'")
    reports = [row[0] for row in published]
    assignments = [row[0] for row in sql("SELECT id FROM assignments_assignment LIMIT 20")]
    paths = ["/", "/en/", reverse("public:assignment_list"), reverse("public:council_goals")]
    paths += [reverse("public:assignment_list") + "?q=milj%C3%B6"]  # a search: never cached
    paths += [reverse("public:report_detail", args=[pk]) for pk in reports]
    paths += [reverse("public:assignment_detail", args=[pk]) for pk in assignments]
    paths += [reverse("goals_public:sdg_detail", args=[n]) for n in (3, 11, 13)]
    with translation.override("en"):
        paths += [reverse("public:organisation_list"), reverse("opendata:index")]
    paths += ["/robots.txt", "/sitemap.xml", "/health/ready"]
    return paths


def test_32_connections_for_60_seconds_get_no_error(portal, sql):
    paths = public_paths(sql)
    staff_paths = [reverse("assignments:my_assignments")]
    results: collections.Counter = collections.Counter()
    failures: list[str] = []
    lock = threading.Lock()

    with Server(portal, workers=5) as server:
        stop_at = time.monotonic() + SECONDS

        def visitor(number: int) -> None:
            client = server.client()
            own = paths
            if number % 4 == 0:  # every fourth connection is a signed-in reporter
                client.login("miljo", DEMO_PASSWORD)
                own = staff_paths + paths[:5]
            index = number
            while time.monotonic() < stop_at:
                path = own[index % len(own)]
                index += 1
                try:
                    status = client.get(path).status
                except OSError as error:
                    status = f"{type(error).__name__}"
                with lock:
                    results[status] += 1
                    if not (isinstance(status, int) and 200 <= status < 400):
                        failures.append(f"{path}: {status}")

        threads = [threading.Thread(target=visitor, args=(n,)) for n in range(CONNECTIONS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    total = sum(results.values())
    print(f"\n{total} requests in {SECONDS:.0f} s on {CONNECTIONS} connections: {dict(results)}")
    assert failures == [], f"{len(failures)} of {total} failed, e.g. {failures[:10]}"
    assert total > CONNECTIONS * SECONDS / 10  # it really ran: well over a request per 10 s
