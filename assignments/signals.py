"""
Keep the public page cache honest: any change to what public pages show from the city's
reference data (budgets, goals, organisations, assignments, periods, and the indicators'
definitions, targets and links), whether made in the admin, by an import or in a shell,
refreshes every cached public page after commit. Reports reach the public only by being
published, which the publish service handles; indicator values only through the services
too (publishing a report, ``import_values``), which refresh the pages once for all the
values they save rather than once for each.

Also keep what is stored about publication right (``Report.is_latest_published``) when what
it depends on changes outside the publish service: a period's deadline, or a report deleted
(and with it its contributions to the goals' counts, ``GoalProgressCount`` and
``TargetReportCount``).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from goals.models import Budget, CouncilGoal, GlobalGoal, GlobalTarget, GoalArea

from . import caching
from .models import (
    Assignment,
    GoalProgressCount,
    Indicator,
    IndicatorTarget,
    Organisation,
    PublishedContribution,
    PublishedReportCount,
    Report,
    ReportingPeriod,
    Responsibility,
    TargetReportCount,
    refresh_goal_counts,
    refresh_report_counts,
)

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
    Indicator,
    IndicatorTarget,
]
PUBLIC_LINKS = [
    CouncilGoal.global_goals.through,
    Assignment.global_goals.through,
    Assignment.global_targets.through,
    Indicator.council_goals.through,
    Indicator.assignments.through,
    Indicator.global_targets.through,
]


def _changed(sender, **kwargs) -> None:
    transaction.on_commit(caching.public_content_changed)


def _period_saving(sender, instance: ReportingPeriod, **kwargs) -> None:
    # Note whether the deadline is about to change: only then can the latest reports change.
    update_fields = kwargs.get("update_fields")
    if instance.pk is None or (update_fields is not None and "deadline" not in update_fields):
        instance._deadline_changed = False
        return
    stored = (
        ReportingPeriod.objects.filter(pk=instance.pk)
        .order_by()
        .values_list("deadline", flat=True)
        .first()
    )
    instance._deadline_changed = stored != instance.deadline


def _period_saved(sender, instance: ReportingPeriod, created: bool, **kwargs) -> None:
    # Which report is an organisation's latest on an assignment follows the periods'
    # deadlines: work it out again for every assignment reported on in this period, when
    # its deadline moved (a new period has no reports yet). Saved by other means than
    # save() (a queryset's update()), a deadline must be followed by refresh_publication().
    if created or not getattr(instance, "_deadline_changed", True):
        return
    instance._deadline_changed = False
    assignments = Report.objects.filter(period=instance).values("assignment_id")
    Report.objects.filter(assignment__in=assignments).refresh_publication()


def _report_deleting(sender, instance: Report, **kwargs) -> None:
    # Its contributions go with it: note the goals they count for, to count them again.
    instance._contributed_goals = set(
        PublishedContribution.objects.filter(report=instance).values_list(
            "target__goal_id", flat=True
        )
    )


def _report_deleted(sender, instance: Report, **kwargs) -> None:
    if goals := getattr(instance, "_contributed_goals", None):
        refresh_goal_counts(goals, PublishedContribution, GoalProgressCount, TargetReportCount)
    if instance.is_latest_published:
        Report.objects.filter(
            assignment_id=instance.assignment_id, organisation_id=instance.organisation_id
        ).refresh_publication()
    # Its period's counts, which the pair's refresh leaves alone if the pair has no other
    # report in that period (and which a published version unset by an update still hold).
    refresh_report_counts([instance.period_id], Report, PublishedReportCount)


def connect() -> None:
    pre_save.connect(_period_saving, sender=ReportingPeriod, dispatch_uid="publication-period-pre")
    post_save.connect(_period_saved, sender=ReportingPeriod, dispatch_uid="publication-period")
    pre_delete.connect(_report_deleting, sender=Report, dispatch_uid="publication-report-pre")
    post_delete.connect(_report_deleted, sender=Report, dispatch_uid="publication-report")
    for model in PUBLIC_MODELS:
        post_save.connect(_changed, sender=model, dispatch_uid=f"public-cache-save-{model}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"public-cache-delete-{model}")
    for through in PUBLIC_LINKS:
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"public-cache-m2m-{through}")
