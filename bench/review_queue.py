"""
How the review queue (the admin's report list) grows with the number of reports.

    .venv/bin/python bench/review_queue.py [--sizes 1000 10000] [--runs 7]

It works in a throwaway database of its own: a temporary SQLite file, or, when DATABASE_URL
points at PostgreSQL, a new database on that server (dropped afterwards). It makes the
reports in bulk, signs a reviewer in through Django's test client and requests the queue
(the default filters: the open period's submitted reports) and a search in the reports'
texts, several times at each size. It prints the median and fastest time and the number of
queries at each size, and the ratio of the largest size to the smallest.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def throwaway_database() -> tuple[str, Callable[[], None]]:
    """A database URL nobody else uses, and how to remove the database afterwards."""
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(given)
        name = f"malmo_bench_{uuid.uuid4().hex[:10]}"
        admin_url = urlunsplit(parts._replace(scheme="postgresql"))
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin_url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        return urlunsplit(parts._replace(path=f"/{name}")), drop

    folder = tempfile.TemporaryDirectory(prefix="malmo-bench-")
    return f"sqlite:///{folder.name}/bench.sqlite3", folder.cleanup


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "malmo_portal.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # The test client's host, in-memory e-mail.
    call_command("migrate", verbosity=0, stdout=io.StringIO())


class Data:
    """A budget with one open period, and reports in it made in bulk (no service calls)."""

    ORGANISATIONS = 100
    ASSIGNMENTS = 150

    def __init__(self) -> None:
        from django.contrib.auth.models import Group

        from assignments.models import (
            Assignment,
            Organisation,
            OrganisationKind,
            ReportingPeriod,
            User,
        )
        from assignments.roles import REVIEWERS_GROUP
        from goals.models import Budget, CouncilGoal, GlobalGoal, GoalArea

        budget = Budget.objects.create(year=2018, title="Budget 2018")
        area = GoalArea.objects.create(budget=budget, number=1, name="En hållbar stad")
        goals = CouncilGoal.objects.bulk_create(
            CouncilGoal(area=area, number=n, text=f"Kommunfullmäktigemål {n}") for n in range(1, 6)
        )
        self.period = ReportingPeriod.objects.create(
            budget=budget,
            name="Tertial 2",
            opens_on=datetime.date(2000, 1, 1),
            deadline=datetime.date(2099, 12, 31),
        )
        self.organisations = Organisation.objects.bulk_create(
            Organisation(
                name=f"Nämnd {n:03}",
                slug=f"namnd-{n:03}",
                kind=OrganisationKind.BOLAG if n % 5 == 0 else OrganisationKind.NAMND,
            )
            for n in range(self.ORGANISATIONS)
        )
        self.assignments = Assignment.objects.bulk_create(
            Assignment(
                budget=budget,
                council_goal=goals[n % len(goals)],
                code=f"2018:{n + 1}",
                title=f"Uppdrag nummer {n + 1} om hållbar utveckling",
                text="Nämnden ges i uppdrag att integrera de globala målen.",
            )
            for n in range(self.ASSIGNMENTS)
        )
        sdgs = list(GlobalGoal.objects.sdg())
        Assignment.global_goals.through.objects.bulk_create(
            Assignment.global_goals.through(assignment=a, globalgoal=sdgs[n % len(sdgs)])
            for n, a in enumerate(self.assignments)
        )
        self.reporter = User.objects.create_user("rapportor", email="rapportor@malmo.example")
        self.reviewer = User.objects.create_user(
            "granskare", email="granskare@malmo.example", is_staff=True
        )
        self.reviewer.groups.add(Group.objects.get(name=REVIEWERS_GROUP))
        self.count = 0

    def grow_to(self, total: int) -> None:
        from django.utils import timezone

        from assignments.models import Progress, Report, ReportStatus

        pairs = [(a, o) for a in self.assignments for o in self.organisations]
        if total > len(pairs):
            raise SystemExit(f"At most {len(pairs)} reports: one per assignment and organisation.")
        start = timezone.now() - datetime.timedelta(days=30)
        progress = list(Progress.values)
        Report.objects.bulk_create(
            (
                Report(
                    assignment=assignment,
                    organisation=organisation,
                    period=self.period,
                    status=ReportStatus.SUBMITTED,
                    progress=progress[n % len(progress)],
                    percent_complete=n % 101,
                    summary=f"Sammanfattning {n}: arbetet med uppdraget går framåt enligt plan.",
                    narrative=(
                        f"Berättelse {n}. Förvaltningen har kartlagt vilka av de globala målen "
                        "som verksamheten påverkar mest, tillsammans med föreningar och "
                        "näringsliv. " * 4
                    ),
                    submitted_at=start + datetime.timedelta(minutes=n),
                    submitted_by=self.reporter,
                )
                for n, (assignment, organisation) in enumerate(
                    pairs[self.count : total], start=self.count
                )
            ),
            batch_size=1000,
        )
        self.count = total
        # As autovacuum would: fresh statistics, and the GIN indexes' pending rows merged.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "VACUUM ANALYZE assignments_report"
                if connection.vendor == "postgresql"
                else "ANALYZE assignments_report"
            )


def measure(client, url: str, runs: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # Warm caches (content types, the session, templates).
    assert response.status_code == 200, response.status_code
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return times, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=7, help="timed requests per size")
    args = parser.parse_args()
    sizes = sorted(args.sizes)

    database_url, remove_database = throwaway_database()
    try:
        setup_django(database_url)
        from django.db import connection
        from django.test import Client
        from django.urls import reverse
        from django.utils import translation

        from assignments.review.reports import queue_filters

        data = Data()
        client = Client()
        client.force_login(data.reviewer)
        with translation.override("en"):
            changelist = reverse("admin:assignments_report_changelist")
        urls = {
            "queue": f"{changelist}?{urlencode(queue_filters())}",
            "search": f"{changelist}?{urlencode({'q': 'Sammanfattning 777:'})}",
        }
        print(f"database: {connection.vendor}, {args.runs} timed requests per size")
        print(f"{'page':8} {'reports':>8} {'median ms':>10} {'fastest ms':>11} {'queries':>8}")
        results: dict[tuple[str, int], tuple[float, int]] = {}
        for size in sizes:
            data.grow_to(size)
            for page, url in urls.items():
                times, queries = measure(client, url, args.runs)
                median = statistics.median(times) * 1000
                results[page, size] = (median, queries)
                print(f"{page:8} {size:>8} {median:>10.1f} {min(times) * 1000:>11.1f} {queries:>8}")
        if len(sizes) > 1:
            small, large = sizes[0], sizes[-1]
            print(f"ratio {large}/{small} reports ({large / small:g}x the rows):")
            for page in urls:
                (t_small, q_small), (t_large, q_large) = results[page, small], results[page, large]
                print(f"  {page:8} time {t_large / t_small:.2f}x, queries {q_large / q_small:.2f}x")
    finally:
        remove_database()


if __name__ == "__main__":
    main()
