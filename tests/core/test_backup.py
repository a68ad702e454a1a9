"""
Backup and restore, end to end: `make backup`, wipe the database and the uploaded files,
`make restore`, and every report, version and attachment is back and the portal works.

Every step runs in a process of its own, as an operator runs it, against a database of the
test's own: a SQLite file in the test's temporary folder or, when the test session runs on
PostgreSQL (DATABASE_URL=postgres://…), a database malmo_backup_test_<random> created on the
same server for this test and dropped after it. The session's own database is never used.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
import pytest

from tests.helpers import ROOT

# Variables of the test session that must not reach the processes under test: they would
# point them at the session's database, media, backups, cache or mail server.
INHERITED_PREFIXES = ("DJANGO_", "DATABASE_", "PORTAL_", "EMAIL_", "CACHE_", "AWS_")
# Make's own variables, set when the suite runs under `make test`, and the restore's answer.
MAKE_VARIABLES = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "CONFIRM")

# Reports with several versions and attachments, made through the workflow functions on top
# of seed_demo's reports in every state.
MAKE_REPORTS = """
import os
from django.core.files.uploadedfile import SimpleUploadedFile
from assignments import services
from assignments.models import Report, User

def pdf(name):
    content = b"%PDF-1.4\\n% " + name.encode() + b"\\n" + os.urandom(3000) + b"\\n%%EOF\\n"
    return SimpleUploadedFile(name, content)

def png(name):
    return SimpleUploadedFile(name, b"\\x89PNG\\r\\n\\x1a\\n" + os.urandom(2000))

teknik, ks, mkb, reviewer = (
    User.objects.get(username=name) for name in ["teknik", "ks", "mkb", "granskare"]
)

# Sent back: corrected with two attachments, submitted again, approved and published (v2).
report = Report.objects.get(organisation__name="Tekniska nämnden", period__name="Tertial 2")
services.add_attachment(report=report, by=teknik, upload=pdf("Handlingsplan 2018.pdf"))
services.add_attachment(report=report, by=teknik, upload=png("karta.png"))
report = services.save_report(
    report=report, by=teknik, content={"summary": "Kompletterad: samverkan med föreningar."}
)
services.submit_report(report=report, by=teknik)
services.approve_report(report=report, by=reviewer)
services.publish_report(report=report, by=reviewer)

# Reopened after publishing: corrected (v2), sent back, its attachment taken off (kept with
# v2), another attached, submitted again (v3).
report = Report.objects.get(organisation__name="Kommunstyrelsen", assignment__code="2018:4")
first = services.add_attachment(report=report, by=ks, upload=pdf("underlag.pdf"))
report = services.save_report(report=report, by=ks, content={"summary": "Rättad procentsats."})
services.submit_report(report=report, by=ks)
services.return_report(report=report, by=reviewer, note="Bifoga kartan också.")
services.remove_attachment(attachment=first, by=ks)
services.add_attachment(report=report, by=ks, upload=png("kustkarta.png"))
report = services.save_report(report=report, by=ks, content={"narrative": "Med kustkartan."})
services.submit_report(report=report, by=ks)

# A draft with an attachment that no version has yet.
report = Report.objects.get(organisation__name="MKB Fastighets AB", period__name="Tertial 2")
services.add_attachment(report=report, by=mkb, upload=pdf("utkast.pdf"))
"""

# Everything the test compares before the backup and after the restore, read through the ORM
# and the storage API, and the status of public pages served from it.
SNAPSHOT = """
import hashlib, json, os
from django.test import Client
from django.urls import reverse
from assignments.models import Attachment, Report, ReportContent

def sha256(attachment):
    with attachment.file.open("rb") as stored:
        return hashlib.sha256(stored.read()).hexdigest()

reports = [
    {
        "pk": report.pk,
        "status": report.status,
        "current_version": report.current_version_id,
        "published_version": report.published_version_id,
        "content": {field: getattr(report, field) for field in ReportContent.CONTENT_FIELDS},
        "versions": [
            {
                "number": version.number,
                "content": {f: getattr(version, f) for f in ReportContent.CONTENT_FIELDS},
                "targets": sorted(version.contributed_targets.values_list("code", flat=True)),
                "attachments": sorted(version.attachments.values_list("pk", flat=True)),
            }
            for version in report.versions.order_by("number")
        ],
        "events": list(report.events.order_by("pk").values_list("action", "to_status")),
    }
    for report in Report.objects.order_by("pk")
]
attachments = [
    {
        "pk": attachment.pk,
        "report": attachment.report_id,
        "name": attachment.file.name,
        "original_name": attachment.original_name,
        "size": attachment.size,
        "detached": attachment.detached,
        "sha256": sha256(attachment),
    }
    for attachment in Attachment.objects.order_by("pk")
]
paths = ["/", "/en/", "/health/ready"] + [
    reverse("public:report_detail", args=[pk])
    for pk in Report.objects.public().order_by("pk").values_list("pk", flat=True)
]
client = Client(HTTP_HOST="localhost")
pages = {path: client.get(path).status_code for path in paths}
with open(os.environ["BACKUP_TEST_SNAPSHOT"], "w") as out:
    json.dump({"reports": reports, "attachments": attachments, "pages": pages}, out, default=str)
"""


class SqliteDatabase:
    dump_suffix = ".sqlite3.gz"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.url = f"sqlite:///{path}"

    def create(self) -> None:
        pass  # migrate creates the file

    def wipe(self) -> None:
        self.path.unlink()

    def is_empty(self) -> bool:
        return not self.path.exists()

    def drop(self) -> None:
        pass  # in tmp_path


class PostgresDatabase:
    """A database of the test's own on the server of the session's DATABASE_URL."""

    dump_suffix = ".psql.bin.gz"

    def __init__(self, session_url: str) -> None:
        import psycopg

        self.psycopg = psycopg
        self.name = f"malmo_backup_test_{secrets.token_hex(6)}"
        parts = urlsplit(session_url)
        self.url = urlunsplit(parts._replace(path=f"/{self.name}"))
        config = environ.Env.db_url_config(session_url)
        self.server = {
            "host": config.get("HOST") or None,
            "port": config.get("PORT") or None,
            "user": config.get("USER") or None,
            "password": config.get("PASSWORD") or None,
        }

    def _connect(self, dbname: str):
        return self.psycopg.connect(dbname=dbname, autocommit=True, **self.server)

    def _admin(self, statement: str) -> None:
        from psycopg import sql

        # From the maintenance database: a database cannot be dropped from inside itself.
        with self._connect("postgres") as conn:
            conn.execute(sql.SQL(statement).format(sql.Identifier(self.name)))

    def create(self) -> None:
        self._admin("CREATE DATABASE {}")

    def drop(self) -> None:
        self._admin("DROP DATABASE IF EXISTS {} WITH (FORCE)")

    def wipe(self) -> None:
        """Drop the database and create it again, empty, as on a new server."""
        self.drop()
        self.create()

    def is_empty(self) -> bool:
        with self._connect(self.name) as conn:
            (tables,) = conn.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            ).fetchone()
        return tables == 0


@pytest.fixture
def database(tmp_path):
    session_url = os.environ.get("DATABASE_URL", "")
    engine = environ.Env.db_url_config(session_url)["ENGINE"] if session_url else ""
    if engine == "django.db.backends.postgresql":
        db = PostgresDatabase(session_url)
    else:
        db = SqliteDatabase(tmp_path / "db.sqlite3")
    db.create()
    yield db
    db.drop()


class Portal:
    def __init__(self, tmp_path: Path, database) -> None:
        self.tmp_path = tmp_path
        self.media = tmp_path / "media"
        self.backups = tmp_path / "backups"
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(INHERITED_PREFIXES) and key not in MAKE_VARIABLES
        }
        self.env = env | {
            "DATABASE_URL": database.url,
            # seed_demo runs only with debug on; debug also serves static files without
            # collectstatic, for the pages the snapshot requests.
            "DJANGO_DEBUG": "on",
            "DJANGO_ALLOWED_HOSTS": "localhost",
            "DJANGO_MEDIA_ROOT": str(self.media),
            "PORTAL_MEDIA_STORAGE": "local",
            "PORTAL_BACKUP_DIR": str(self.backups),
            "EMAIL_URL": "dummymail://",
            "CACHE_URL": "locmemcache://",
        }

    def run(self, *command: str, input: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            command,
            cwd=ROOT,
            env=self.env,
            input=input if input is not None else "",
            capture_output=True,
            text=True,
            timeout=120,
        )

    def manage(self, *args: str) -> str:
        result = self.run(sys.executable, "manage.py", *args)
        assert result.returncode == 0, f"manage.py {args[0]}:\n{result.stdout}{result.stderr}"
        return result.stdout

    def make(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
        # -o: the virtual environment is there; never reinstall it from inside a test.
        return self.run(
            "make", "--no-print-directory", "-o", ".venv/bin/.installed", *args, input=input
        )

    def snapshot(self, label: str) -> dict:
        out = self.tmp_path / f"snapshot-{label}.json"
        self.env["BACKUP_TEST_SNAPSHOT"] = str(out)
        self.manage("shell", "--no-imports", "-c", SNAPSHOT)
        return json.loads(out.read_text())

    def media_files(self) -> dict[str, str]:
        """Every file in the media folder, read straight from disk: path -> SHA-256."""
        return {
            path.relative_to(self.media).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(self.media.rglob("*"))
            if path.is_file()
        }


@pytest.fixture
def portal(tmp_path, database):
    """Runs manage.py and make in fresh processes, on the test's database and folders."""
    return Portal(tmp_path, database)


def test_backup_wipe_and_restore_brings_every_report_version_and_attachment_back(portal, database):
    portal.manage("migrate", "--no-input", "--verbosity", "0")
    portal.manage("seed_demo")
    portal.manage("shell", "--no-imports", "-c", MAKE_REPORTS)

    before = portal.snapshot("before")
    files_before = portal.media_files()
    # There is something worth restoring: reports in every state, several versions,
    # attachments in versions, on a draft and taken off, all served by the portal.
    versions = [len(report["versions"]) for report in before["reports"]]
    assert len(before["reports"]) == 15
    assert max(versions) == 3
    assert versions.count(2) >= 1
    assert len(before["attachments"]) == 5
    assert any(attachment["detached"] for attachment in before["attachments"])
    assert files_before == {a["name"]: a["sha256"] for a in before["attachments"]}
    assert set(before["pages"].values()) == {200}, before["pages"]

    backup = portal.make("backup")
    assert backup.returncode == 0, backup.stdout + backup.stderr
    assert f"Backups are in {portal.backups}" in backup.stdout
    made = sorted(path.name for path in portal.backups.iterdir())
    dumps = [n for n in made if n.startswith("default-") and n.endswith(database.dump_suffix)]
    archives = [name for name in made if name.startswith("media-") and name.endswith(".tar.gz")]
    assert len(dumps) == 1, made
    assert len(archives) == 1, made
    assert str(portal.backups / dumps[0]) in backup.stdout
    assert str(portal.backups / archives[0]) in backup.stdout

    # Lose everything: the database (a new, empty one on PostgreSQL) and every uploaded file.
    database.wipe()
    shutil.rmtree(portal.media)
    assert database.is_empty()

    # Without CONFIRM=yes, restore asks and does nothing unless the answer is yes.
    refused = portal.make("restore", input="no\n")
    assert refused.returncode != 0
    assert "OVERWRITES" in refused.stdout
    assert "Nothing was restored." in refused.stdout
    assert database.is_empty()
    assert not portal.media.exists()

    restore = portal.make("restore", "CONFIRM=yes")
    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert "Restore done." in restore.stdout

    # Every file is back under the name the database has for it, byte for byte ...
    assert portal.media_files() == files_before
    # ... and through the portal: every report, version, event and attachment is as before,
    # and the public pages are served from the restored data.
    after = portal.snapshot("after")
    assert after["reports"] == before["reports"]
    assert after["attachments"] == before["attachments"]
    assert after["pages"] == before["pages"]
    # The restored database is complete: the checks pass and no migration is missing.
    portal.manage("check")
    portal.manage("migrate", "--check")


def test_restore_without_a_backup_says_so_and_changes_nothing(portal, database):
    result = portal.make("restore", "CONFIRM=yes")
    assert result.returncode != 0
    assert f"No database dump and media archive in {portal.backups}" in result.stderr
    assert database.is_empty()


def test_postgresql_dumps_restore_as_the_user_of_database_url():
    """The pg_restore command that dbrestore runs (captured, not run): into an empty or an
    existing database, owned by whoever restores, without the old server's grants."""
    code = """
import io, django
django.setup()
from dbbackup.db.base import get_connector
connector = get_connector()
connector.run_command = lambda command, stdin=None, env=None: (print(command), None)
connector.restore_dump(io.BytesIO())
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith(INHERITED_PREFIXES)}
    env |= {
        "DJANGO_SETTINGS_MODULE": "malmo_portal.settings",
        "DATABASE_URL": "postgres://portal:secret@db.internal:5432/portal",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    command = result.stdout.split()
    assert command[0] == "pg_restore"
    for option in ["--no-owner", "--no-privileges", "--clean", "--if-exists"]:
        assert option in command
    assert "--single-transaction" in command
