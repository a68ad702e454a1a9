"""
Memory benchmark of the streamed open data exports (not a test: it asserts nothing).

Fills a throwaway database with published reports at two scales and downloads the published
reports as CSV and JSON through Django's test client, consuming each response chunk by chunk
as a web server would. It prints the peak memory traced by tracemalloc during each download
and the ratio between the scales: a streaming export keeps the ratio close to 1, an export
that builds the file in memory grows with the rows.

    .venv/bin/python bench/export_memory.py                 # a temporary SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/malmo_opendata \\
        .venv/bin/python bench/export_memory.py             # a test database beside it
    .venv/bin/python bench/export_memory.py --sizes 2000 20000

With DATABASE_URL, the data goes into a separate test database (named like Django's test
runner names it, ``test_<name>``), which is created and dropped again: the database the URL
names is not touched.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PERIODS = 4
ORGANISATIONS = 50
REPORTS_PER_ASSIGNMENT = PERIODS * ORGANISATIONS
PARAGRAPH = (
    "Arbetet med de globala målen har under perioden fortsatt enligt plan. Förvaltningen har "
    "tillsammans med andra nämnder och externa aktörer tagit fram nya arbetssätt. "
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[1_000, 10_000], metavar="N")
    args = parser.parse_args()
    small, large = sorted(args.sizes)

    temporary = None
    if "DATABASE_URL" not in os.environ:
        temporary = tempfile.TemporaryDirectory(prefix="export-memory-")
        os.environ["DATABASE_URL"] = f"sqlite:///{temporary.name}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "malmo_portal.settings")
    sys.path.insert(0, str(ROOT))
    # Static files are served by the finders here; there is no collectstatic folder.
    warnings.filterwarnings("ignore", message="No directory at")

    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment(debug=False)
    old_name = None
    if temporary is None:
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    else:
        call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")

    try:
        from assignments.opendata import datasets as opendata

        print(f"chunk size: {opendata.CHUNK_SIZE} rows\n")
        data = BenchData()
        results = {}
        measure("csv")  # warm-up: imports, URL resolvers, translations
        for size in (small, large):
            started = time.perf_counter()
            data.grow_to(size)
            print(f"made {size:,} published reports in {time.perf_counter() - started:.1f} s")
            for fmt in ("csv", "json"):
                results[size, fmt] = measure(fmt)
        print()
        print(f"{'format':<7}{'reports':>9}{'streamed':>12}{'peak traced':>14}{'time':>9}")
        for (size, fmt), (rows, streamed, peak, seconds) in results.items():
            assert rows == size, f"expected {size} rows, got {rows}"
            print(f"{fmt:<7}{rows:>9,}{mib(streamed):>12}{mib(peak):>14}{seconds:>8.2f}s")
        print()
        for fmt in ("csv", "json"):
            ratio = results[large, fmt][2] / results[small, fmt][2]
            data_ratio = results[large, fmt][1] / results[small, fmt][1]
            print(
                f"{fmt}: peak memory ratio {large:,}/{small:,} reports = {ratio:.2f} "
                f"(the data grew {data_ratio:.1f} times)"
            )
    finally:
        if old_name is not None:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        elif temporary is not None:
            connection.close()
            temporary.cleanup()


def mib(size: int) -> str:
    return f"{size / 1024 / 1024:.2f} MiB"


def measure(fmt: str) -> tuple[int, int, int, float]:
    """Download the published reports; return rows, bytes, peak traced memory and seconds."""
    from django.http import StreamingHttpResponse
    from django.test import Client

    client = Client()
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    response = client.get(f"/data/published-reports.{fmt}")
    assert response.status_code == 200 and response.streaming
    chunks = streamed = 0
    assert isinstance(response, StreamingHttpResponse)
    for chunk in response.streaming_content:
        chunks += 1
        streamed += len(chunk)
    response.close()
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # One chunk per row, and one more: the CSV header row, or the JSON array's closing bracket.
    return chunks - 1, streamed, peak, seconds


class BenchData:
    """Published reports made in bulk, as the workflow would leave them."""

    def __init__(self) -> None:
        import datetime

        from assignments.models import Organisation, OrganisationKind, ReportingPeriod
        from goals.models import Budget, GlobalTarget

        self.budget = Budget.objects.create(year=2018, title="Budget 2018")
        self.organisations = Organisation.objects.bulk_create(
            Organisation(name=f"Nämnd {n}", slug=f"namnd-{n}", kind=OrganisationKind.NAMND)
            for n in range(ORGANISATIONS)
        )
        self.periods = ReportingPeriod.objects.bulk_create(
            ReportingPeriod(
                budget=self.budget,
                name=f"Tertial {n + 1}",
                opens_on=datetime.date(2018, 1, 1),
                deadline=datetime.date(2018, 3 * (n + 1), 28),
            )
            for n in range(PERIODS)
        )
        self.targets = list(GlobalTarget.objects.filter(goal__framework="sdg")[:2])
        self.assignments: list = []
        self.count = 0

    def grow_to(self, size: int) -> None:
        from django.db import transaction

        with transaction.atomic():
            for start in range(self.count, size, 1_000):
                self._make(range(start, min(start + 1_000, size)))
        self.count = max(self.count, size)

    def _assignment(self, number: int):
        from assignments.models import Assignment, Responsibility

        while len(self.assignments) <= number:
            assignment = Assignment.objects.create(
                budget=self.budget,
                code=f"B{len(self.assignments) + 1}",
                title=f"Uppdrag {len(self.assignments) + 1}",
                text=PARAGRAPH,
            )
            Responsibility.objects.bulk_create(
                Responsibility(assignment=assignment, organisation=organisation)
                for organisation in self.organisations
            )
            self.assignments.append(assignment)
        return self.assignments[number]

    def _make(self, numbers: range) -> None:
        from django.utils import timezone

        from assignments.models import (
            Report,
            ReportAction,
            ReportEvent,
            ReportStatus,
            ReportVersion,
        )

        content = {
            "progress": "on_track",
            "percent_complete": 60,
            "summary": PARAGRAPH[:300],
            "narrative": PARAGRAPH * 8,
            "global_goals_integration": PARAGRAPH * 3,
            "next_steps": PARAGRAPH,
            "obstacles": PARAGRAPH,
        }
        reports = Report.objects.bulk_create(
            Report(
                assignment=self._assignment(n // REPORTS_PER_ASSIGNMENT),
                organisation=self.organisations[n // PERIODS % ORGANISATIONS],
                period=self.periods[n % PERIODS],
                status=ReportStatus.PUBLISHED,
                **content,
            )
            for n in numbers
        )
        versions = ReportVersion.objects.bulk_create(
            ReportVersion(report=report, number=1, **content) for report in reports
        )
        for report, version in zip(reports, versions, strict=True):
            report.current_version = report.published_version = version
        Report.objects.bulk_update(reports, ["current_version", "published_version"])
        now = timezone.now()
        ReportEvent.objects.bulk_create(
            ReportEvent(
                report=report,
                action=ReportAction.PUBLISHED,
                from_status=ReportStatus.APPROVED,
                to_status=ReportStatus.PUBLISHED,
                at=now,
                version=report.published_version,
            )
            for report in reports
        )
        through = ReportVersion.contributed_targets.through
        through.objects.bulk_create(
            through(reportversion=version, globaltarget=target)
            for version in versions
            for target in self.targets
        )
        # What the publish service stores about each publication, for every report of these
        # reports' assignments (whole pairs of assignment and organisation).
        assignments = {report.assignment_id for report in reports}
        Report.objects.filter(assignment__in=assignments).refresh_publication()


if __name__ == "__main__":
    main()
