"""
PostgreSQL restarted while visitors read and reporters submit: errors only while it is down,
recovery without anyone touching the portal, and no acknowledged submission lost.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from .conftest import DEMO_PASSWORD, Server, unavailable

pytestmark = pytest.mark.system

GRACE_SECONDS = 3.0  # after PostgreSQL accepts connections again


def restart_command(database_url: str) -> list[str]:
    """PORTAL_PG_RESTART_COMMAND, or the Debian cluster that serves DATABASE_URL's port."""
    if os.environ.get("PORTAL_PG_RESTART_COMMAND"):
        return shlex.split(os.environ["PORTAL_PG_RESTART_COMMAND"])
    if not shutil.which("pg_lsclusters") or os.geteuid() != 0:
        unavailable(
            "restarting PostgreSQL needs root and pg_ctlcluster, or set PORTAL_PG_RESTART_COMMAND"
        )
    port = str(urlsplit(database_url).port or 5432)
    listing = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True
    ).stdout
    for line in listing.splitlines():
        version, cluster, cluster_port, *_ = line.split()
        if cluster_port == port:
            return [
                "pg_ctlcluster",
                "--skip-systemctl-redirect",
                "--mode",
                "fast",
                version,
                cluster,
                "restart",
            ]
    unavailable(f"no local PostgreSQL cluster listens on port {port}")
    raise AssertionError  # not reached


@dataclass
class Outcome:
    started: float
    ended: float
    what: str
    status: int | str


def test_requests_survive_a_postgresql_restart_and_no_submission_is_lost(portal, sql):
    command = restart_command(portal["DATABASE_URL"])
    drafts = [
        row[0]
        for row in sql(
            "SELECT r.id FROM assignments_report r JOIN assignments_assignment a"
            " ON a.id = r.assignment_id WHERE a.code LIKE 'SYS:%%' AND r.status = 'draft'"
            " ORDER BY r.id"
        )
    ]
    assert len(drafts) >= 40
    started_before = sql("SELECT pg_postmaster_start_time()")[0][0]
    outcomes: list[Outcome] = []
    acknowledged: dict[int, str] = {}
    not_sent: list[int] = []
    stop = threading.Event()
    lock = threading.Lock()

    # No page cache: every request needs the database.
    with Server(portal, workers=3, CACHE_URL="dummycache://") as server:
        reads = [
            reverse("public:assignment_list"),
            reverse("public:council_goals"),
            reverse("goals_public:sdg_detail", args=[11]),
            "/health/ready",
        ]

        def reader(number: int) -> None:
            client = server.client()
            index = number
            while not stop.is_set():
                path = reads[index % len(reads)]
                index += 1
                began = time.monotonic()
                try:
                    status = client.get(path).status
                except OSError as error:
                    status = type(error).__name__
                with lock:
                    outcomes.append(Outcome(began, time.monotonic(), path, status))
                time.sleep(0.02)

        def reporter() -> None:
            client = server.client()
            client.login("miljo", DEMO_PASSWORD)
            for report_id in drafts:
                if stop.is_set():
                    with lock:
                        not_sent.append(report_id)
                    continue
                summary = f"Lägesrapport för systemtest {report_id}: arbetet går enligt plan."
                began = time.monotonic()
                try:
                    status = submit(client, report_id, summary)
                except OSError as error:
                    status = type(error).__name__
                with lock:
                    outcomes.append(Outcome(began, time.monotonic(), f"submit {report_id}", status))
                    if status == "submitted":
                        acknowledged[report_id] = summary
                    else:
                        not_sent.append(report_id)
                time.sleep(0.1)

        threads = [threading.Thread(target=reader, args=(n,)) for n in range(3)]
        threads.append(threading.Thread(target=reporter))
        for thread in threads:
            thread.start()
        time.sleep(4)
        outage_began = time.monotonic()
        subprocess.run(command, check=True, capture_output=True, timeout=120)
        outage_ended = time.monotonic()
        time.sleep(8)
        stop.set()
        for thread in threads:
            thread.join()

        assert sql("SELECT pg_postmaster_start_time()")[0][0] > started_before, "no restart"

        def during_outage(outcome: Outcome) -> bool:
            return outcome.ended >= outage_began and outcome.started <= (
                outage_ended + GRACE_SECONDS
            )

        failed = [o for o in outcomes if o.status not in (200, 302, "submitted")]
        print(
            f"\n{len(outcomes)} requests; PostgreSQL down for {outage_ended - outage_began:.1f} s; "
            f"{len(failed)} answered 503 meanwhile; {len(acknowledged)} submissions confirmed, "
            f"{len(not_sent)} to send again"
        )
        outside = [o for o in failed if not during_outage(o)]
        assert outside == [], f"errors outside the outage: {outside[:5]}"
        # While the database was down the portal said so: 503 with its page, never a crash.
        assert {o.status for o in failed} <= {503}, failed[:5]
        recovered = [o for o in outcomes if o.started > outage_ended + GRACE_SECONDS]
        assert len(recovered) > 20 and all(o.status in (200, 302, "submitted") for o in recovered)
        assert len(acknowledged) >= 5

        # Every submission the portal confirmed is in the database, word for word.
        for report_id, summary in acknowledged.items():
            rows = sql(
                "SELECT r.status, v.summary FROM assignments_report r JOIN"
                " assignments_reportversion v ON v.id = r.current_version_id WHERE r.id = %s",
                report_id,
            )
            assert rows == [("submitted", summary)], report_id

        # What could not be sent during the outage is sent again afterwards, as a reporter
        # would after the 503 page: nothing is stuck.
        client = server.client()
        client.login("miljo", DEMO_PASSWORD)
        for report_id in not_sent[:10]:
            (status,) = sql("SELECT status FROM assignments_report WHERE id = %s", report_id)[0]
            if status == "draft":
                assert submit(client, report_id, f"Skickad igen {report_id}.") == "submitted"
            else:  # its submission went through, only the answer was lost
                assert status == "submitted"


def submit(client, report_id: int, summary: str) -> int | str:
    """Write the report and submit it through the two pages a reporter uses."""
    edit = reverse("assignments:report_edit", args=[report_id])
    saved = client.submit(
        edit,
        button="save_and_submit",
        summary=summary,
        progress="on_track",
        percent_complete="50",
    )
    if saved.status != 302 or not saved.location.endswith("/"):
        return saved.status
    confirm = reverse("assignments:report_submit", args=[report_id])
    if not saved.location.endswith(confirm):
        return f"saved, then {saved.location}"
    sent = client.submit(confirm)
    if sent.status != 302:
        return sent.status
    return "submitted"
