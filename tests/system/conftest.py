"""
System tests: the portal as it runs in production, gunicorn on PostgreSQL and Redis, driven
over HTTP from outside.

They run in a pytest process of their own (`make test` starts it after the main suite),
because one of them restarts the PostgreSQL server, which would break the main suite's own
database connection. Each run works in a database of its own, created and dropped here.

They need PostgreSQL (DATABASE_URL=postgres://…, as for the main suite) and Redis
(PORTAL_TEST_REDIS_URL, default redis://127.0.0.1:6379/15). Where either is missing they are
skipped with the reason; with PORTAL_REQUIRE_SYSTEM=1 (as .ci/run sets for its PostgreSQL run)
a missing service fails the run instead.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from .http import HttpClient

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = os.environ.get("PORTAL_REQUIRE_SYSTEM") == "1"
REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
DEMO_PASSWORD = "malmo-demo-2018"  # seed_demo's password for every demo account

# Drafts for the reporter "miljo" that the tests submit, made through the workflow services.
SETUP_DRAFTS = """
from assignments import services
from assignments.models import (
    Assignment, ReportingPeriod, Responsibility, ResponsibilityRole, User,
)
user = User.objects.get(username="miljo")
organisation = user.memberships.get().organisation
period = ReportingPeriod.objects.open().order_by("-opens_on").first()
for number in range(1, 81):
    assignment = Assignment.objects.create(
        budget=period.budget, code=f"SYS:{number}", title=f"Systemtestuppdrag {number}",
        text="Nämnden ges i uppdrag att testa portalen under last.",
    )
    Responsibility.objects.create(
        assignment=assignment, organisation=organisation, role=ResponsibilityRole.LEAD
    )
    services.create_report(assignment=assignment, organisation=organisation, period=period, by=user)
"""


def unavailable(reason: str):
    message = f"system tests skipped: {reason}"
    if REQUIRED:
        pytest.fail(message.replace("skipped", "required"))
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(args: list[str], env: dict[str, str], timeout: int = 300) -> str:
    result = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"{' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


class Server:
    """One gunicorn with the committed gunicorn.conf.py, in a process group of its own."""

    def __init__(self, env: dict[str, str], *, workers: int = 2, **overrides: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = (
            env
            | {
                "GUNICORN_BIND": f"127.0.0.1:{self.port}",
                "WEB_CONCURRENCY": str(workers),
            }
            | overrides
        )
        self.log = Path(env["SYSTEM_TMP"]) / f"gunicorn-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> Server:
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [str(Path(sys.executable).parent / "gunicorn"), "--config", "gunicorn.conf.py"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn stopped:\n{self.log.read_text()}")
            try:
                if HttpClient(self.url).get("/health/live").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def client(self) -> HttpClient:
        return HttpClient(self.url)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


@pytest.fixture(scope="session")
def services_available() -> tuple[str, str]:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        unavailable("they need PostgreSQL: set DATABASE_URL=postgres://…")
    import psycopg
    import redis

    try:
        psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", connect_timeout=5).close()
    except psycopg.Error as error:
        unavailable(f"PostgreSQL is not reachable ({error})")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=5).ping()
    except redis.RedisError as error:
        unavailable(f"Redis is not reachable at {REDIS_URL} ({error})")
    return database_url, REDIS_URL


@pytest.fixture(scope="session")
def portal(services_available, tmp_path_factory):
    """
    A database of its own with the Malmö 2018 data, the demo accounts and 80 drafts, the
    static files collected, and the production environment every server of the tests uses.
    """
    import psycopg
    import redis

    database_url, redis_url = services_available
    server_url = database_url.rsplit("/", 1)[0]
    name = f"malmo_system_{uuid.uuid4().hex[:10]}"
    tmp = tmp_path_factory.mktemp("system")
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    redis.Redis.from_url(redis_url).flushdb()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PORTAL_"))}
    env = base | {
        "DATABASE_URL": f"{server_url}/{name}",
        "DJANGO_DEBUG": "off",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on the loopback: no TLS proxy in front of these servers.
        "DJANGO_SECURE_SSL_REDIRECT": "off",
        "DJANGO_SESSION_COOKIE_SECURE": "off",
        "DJANGO_CSRF_COOKIE_SECURE": "off",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "DJANGO_CONN_MAX_AGE": "60",
        "DJANGO_CONN_HEALTH_CHECKS": "on",
        "DJANGO_STATIC_ROOT": str(tmp / "static"),
        "DJANGO_MEDIA_ROOT": str(tmp / "media"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "CACHE_URL": redis_url,
        "EMAIL_URL": "consolemail://",
        "GUNICORN_ACCESS_LOG": "",
        "SYSTEM_TMP": str(tmp),
    }
    manage = [sys.executable, "manage.py"]
    try:
        run([*manage, "migrate", "--no-input"], env)
        run([*manage, "collectstatic", "--no-input"], env)
        run([*manage, "load_malmo_2018"], env)
        run([*manage, "seed_demo"], env | {"DJANGO_DEBUG": "on"})
        run([*manage, "shell", "-c", SETUP_DRAFTS], env)
        yield env
    finally:
        with psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sql(portal):
    """Run a query on the system tests' database directly, as an auditor would."""
    import psycopg

    def query(statement: str, *params):
        with psycopg.connect(portal["DATABASE_URL"]) as connection:
            return connection.execute(statement, params).fetchall()

    return query
