"""Configuration from the environment: safe development defaults, strict production."""

import os

import pytest

from tests.helpers import manage, production_environment, python


def test_deploy_check_reports_no_issues_with_the_production_values():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_environment())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "change-me-to-a-long-random-value" * 3}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "too-short"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS"),
    ],
)
def test_refuses_to_start_with_debug_off_without_a_secret_key_or_hosts(override, message):
    env = production_environment() | override
    env = {k: v for k, v in env.items() if v != ""}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert message in result.stderr


def test_development_mode_with_nothing_set_uses_sqlite_and_swedish():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    code = (
        "from django.conf import settings; "
        "print(settings.DEBUG, settings.DATABASES['default']['ENGINE'], settings.LANGUAGE_CODE, "
        "settings.TIME_ZONE, settings.USE_TZ)"
    )
    result = python(code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "django.db.backends.sqlite3",
        "sv",
        "Europe/Stockholm",
        "True",
    ]


def test_database_url_switches_to_postgresql():
    env = production_environment() | {"DATABASE_URL": "postgres://u:p@db.internal:5432/portal"}
    code = (
        "from django.conf import settings; "
        "d = settings.DATABASES['default']; print(d['ENGINE'], d['HOST'], d['NAME'])"
    )
    result = python(code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "db.internal", "portal"]


def test_models_and_migrations_agree():
    """In a process of its own, as a developer runs it, so a default translated at import
    time shows up as a change."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    result = manage("makemigrations", "--check", "--dry-run", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_postgresql_prepares_repeated_queries_unless_told_not_to():
    code = (
        "from django.conf import settings; o = settings.DATABASES['default'].get('OPTIONS', {}); "
        "print(o.get('server_side_binding'), o.get('prepare_threshold'))"
    )
    postgres = production_environment() | {"DATABASE_URL": "postgres://u:p@db.internal:5432/x"}
    cases = [
        (postgres, ["True", "5"]),
        (postgres | {"DJANGO_DB_PREPARE_THRESHOLD": "2"}, ["True", "2"]),
        # Behind PgBouncer in transaction mode (before 1.21): no prepared statements.
        (postgres | {"DJANGO_DB_PREPARED_STATEMENTS": "off"}, ["None", "None"]),
        (production_environment() | {"DATABASE_URL": "sqlite:///x.sqlite3"}, ["None", "None"]),
    ]
    for env, expected in cases:
        result = python(code, env=env)
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == expected, env.get("DJANGO_DB_PREPARED_STATEMENTS")


def test_static_urls_come_from_the_hashed_manifest_in_production_only():
    code = "from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND'])"
    production = python(code, env=production_environment())
    assert production.returncode == 0, production.stderr
    assert production.stdout.strip() == "malmo_portal.storage.StaticFilesStorage"
    development = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))
    }
    result = python(code, env=development)
    assert result.stdout.strip() == "django.contrib.staticfiles.storage.StaticFilesStorage"


def test_env_example_reads_the_same_in_a_shell_as_in_django(monkeypatch):
    """CI and deployment scripts source .env.example in a shell: every line must be valid
    there, and mean what django-environ reads (a value with a space is quoted)."""
    import shutil
    import subprocess

    import environ

    from tests.helpers import PRODUCTION_ENV

    shell = shutil.which("bash") or shutil.which("sh")
    result = subprocess.run(
        [shell, "-c", f'set -a; . "{PRODUCTION_ENV}"; printf %s "$PORTAL_ORGANISATION_NAME"'],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    # Read into a mapping of the test's own, not into this process's environment.
    monkeypatch.setattr(environ.Env, "ENVIRON", {})
    read = environ.Env()
    environ.Env.read_env(PRODUCTION_ENV, overwrite=True)
    assert result.stdout == read.str("PORTAL_ORGANISATION_NAME") == "Malmö stad"
