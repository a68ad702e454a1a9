"""
Keep the public page cache honest: any change to what public pages show from the city's
reference data (budgets, goals, organisations, assignments, periods), whether made in the
admin, by an import or in a shell, refreshes every cached public page after commit.
Reports reach the public only by being published, which the publish service handles.

Also keep what is stored about publication right (``Report.is_latest_published``) when what
it depends on changes outside the publish service: a period's deadline, or a report deleted.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from goals.models import Budget, CouncilGoal, GlobalGoal, GlobalTarget, GoalArea

from . import caching
from .models import Assignment, Organisation, Report, ReportingPeriod, Responsibility

PUBLIC_MODELS = [
    Budget,
    GoalArea,
    CouncilGoal,
    GlobalGoal,
    GlobalTarget,
    Organisation,
    Assignment,
    Responsibility,
    ReportingPeriod,
]
PUBLIC_LINKS = [
    CouncilGoal.global_goals.through,
    Assignment.global_goals.through,
    Assignment.global_targets.through,
]


def _changed(sender, **kwargs) -> None:
    transaction.on_commit(caching.public_content_changed)


def _period_saved(sender, instance: ReportingPeriod, **kwargs) -> None:
    # Which report is an organisation's latest on an assignment follows the periods'
    # deadlines: work it out again for every assignment reported on in this period.
    assignments = Report.objects.filter(period=instance).values("assignment_id")
    Report.objects.filter(assignment__in=assignments).refresh_publication()


def _report_deleted(sender, instance: Report, **kwargs) -> None:
    if instance.is_latest_published:
        Report.objects.filter(
            assignment_id=instance.assignment_id, organisation_id=instance.organisation_id
        ).refresh_publication()


def connect() -> None:
    post_save.connect(_period_saved, sender=ReportingPeriod, dispatch_uid="publication-period")
    post_delete.connect(_report_deleted, sender=Report, dispatch_uid="publication-report")
    for model in PUBLIC_MODELS:
        post_save.connect(_changed, sender=model, dispatch_uid=f"public-cache-save-{model}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"public-cache-delete-{model}")
    for through in PUBLIC_LINKS:
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"public-cache-m2m-{through}")
