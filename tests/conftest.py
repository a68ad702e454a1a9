import os

import pytest

from tests import factories


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def organisation(db):
    return factories.make_organisation()


@pytest.fixture
def other_organisation(db):
    return factories.make_organisation()


@pytest.fixture
def reporter(organisation):
    return factories.make_member(organisation)


@pytest.fixture
def reviewer(db):
    return factories.make_reviewer()


@pytest.fixture
def budget(db):
    return factories.make_budget(year=2018)


@pytest.fixture
def period(budget):
    return factories.make_period(budget=budget)


@pytest.fixture
def assignment(budget, organisation):
    return factories.make_assignment(budget=budget, organisations=[organisation])


@pytest.fixture(autouse=True)
def _default_language():
    """A request to an /en/ page leaves English active in the thread; no test inherits it."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache, so no cached page leaks between tests."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def unreachable_cache(settings):
    """The cache is a Redis server that cannot be reached: nothing listens on port 1."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Hashing with the production hasher makes no test more real, only slower."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def malmo_2018(db):
    """The Malmö budget 2018 data, as `manage.py load_malmo_2018` loads it."""
    from django.core.management import call_command

    call_command("load_malmo_2018", stdout=open(os.devnull, "w"))  # noqa: SIM115
    from goals.models import Budget

    return Budget.objects.get(year=2018)


def ensure_reference_data() -> None:
    """
    Put back what migrations create (the global goals and the reviewer group) after a
    transactional test has emptied the tables. Not serialized_rollback: pytest-django's
    serialized rollback restores nothing once Playwright's sync API has run (pytest-django
    issue 1117).
    """
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    from assignments.roles import REVIEWERS_GROUP, reviewer_codenames
    from goals.models import GlobalGoal

    if not GlobalGoal.objects.exists():
        importlib.import_module("goals.migrations.0002_global_frameworks").load(apps, None)
    group, created = Group.objects.get_or_create(name=REVIEWERS_GROUP)
    if created:
        group.permissions.set(
            [
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in reviewer_codenames()
            ]
        )


@pytest.fixture
def reference_data(transactional_db):
    """For transactional tests: the reference data every migrated database has."""
    ensure_reference_data()
