import os
from dataclasses import dataclass

import hypothesis
import pytest
from hypothesis import HealthCheck

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


@pytest.fixture
def workflow(organisation, period, reporter, reviewer):
    """Makes reports through the services, as staff would, up to a given state."""
    from tests.helpers import Workflow

    return Workflow(organisation, period, reporter, reviewer)


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


@dataclass
class World:
    """Two organisations with a report in every state, and a person in every role."""

    organisation: object
    other_organisation: object
    budget: object
    assignment: object
    period: object
    reporter: object
    reader: object
    outsider: object
    reviewer: object
    superuser: object
    draft: object
    submitted: object
    published: object
    others_draft: object
    attachment: object
    published_attachment: object


@pytest.fixture
def world(db, django_capture_on_commit_callbacks) -> World:
    from assignments.models import MembershipRole, ReportStatus
    from goals.models import GlobalGoal

    organisation = factories.make_organisation()
    other = factories.make_organisation()
    budget = factories.make_budget(year=2018)
    assignment = factories.make_assignment(budget=budget, organisations=[organisation, other])
    assignment.global_goals.add(*GlobalGoal.objects.sdg().filter(number__in=[11, 13]))
    period = factories.make_period(budget=budget)
    reporter = factories.make_member(organisation, first_name="Rita", last_name="Rapport")
    reader = factories.make_member(organisation, role=MembershipRole.READER)
    outsider = factories.make_member(other)
    reviewer = factories.make_reviewer()
    superuser = factories.make_user(is_staff=True, is_superuser=True)

    annual = factories.make_period(budget=budget, name="Årsanalys")

    def report(status, org, by, summary, *, period=period, attach=False):
        return factories.make_report(
            status=status,
            assignment=assignment,
            organisation=org,
            period=period,
            reporter=by,
            reviewer=reviewer,
            content={"summary": summary},
            attachments=["plan.pdf"] if attach else (),
        )

    with django_capture_on_commit_callbacks(execute=True):
        published = report(
            ReportStatus.PUBLISHED,
            organisation,
            reporter,
            "Publicerad text.",
            period=annual,
            attach=True,
        )
        draft = report(ReportStatus.DRAFT, organisation, reporter, "Utkastets text.", attach=True)
        submitted = report(ReportStatus.SUBMITTED, other, outsider, "Inskickad text.")
        others_draft = report(ReportStatus.DRAFT, other, outsider, "Annans utkast.", period=annual)

    return World(
        organisation=organisation,
        other_organisation=other,
        budget=budget,
        assignment=assignment,
        period=period,
        reporter=reporter,
        reader=reader,
        outsider=outsider,
        reviewer=reviewer,
        superuser=superuser,
        draft=draft,
        submitted=submitted,
        published=published,
        others_draft=others_draft,
        attachment=draft.attachments.get(),
        published_attachment=published.attachments.get(),
    )


# Property-based tests (hypothesis). In CI ("ci" profile): 200 examples a test, derived from
# each test's name, so every run sends the same ones, and a failure prints how to reproduce
# it. On a developer's machine ("dev"): 50 random examples a test, to keep `make test` short;
# HYPOTHESIS_PROFILE=ci runs the full set.
CI = os.environ.get("CI") == "true"
hypothesis.settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
hypothesis.settings.register_profile(
    "dev",
    parent=hypothesis.settings.get_profile("ci"),
    max_examples=50,
    derandomize=False,
    database=hypothesis.settings.default.database,
)
hypothesis.settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if CI else "dev"))
