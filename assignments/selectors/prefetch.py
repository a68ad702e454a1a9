"""
The related objects the public pages and the API show with a report or an assignment, each
fetched in one query for a whole page of them and in the order they are shown in.
"""

from __future__ import annotations

from django.db.models import Prefetch

from assignments.models import Attachment, Responsibility
from goals.models import GlobalGoal, GlobalTarget


def published_targets() -> Prefetch:
    """The targets a report's published version contributes to."""
    return Prefetch(
        "published_version__contributed_targets",
        queryset=GlobalTarget.objects.select_related("goal").order_by(
            "goal__framework", "goal__number", "position"
        ),
    )


def published_attachments() -> Prefetch:
    """The attachments of a report's published version, oldest first."""
    return Prefetch(
        "published_version__attachments",
        queryset=Attachment.objects.order_by("uploaded_at", "pk"),
    )


def responsibilities() -> Prefetch:
    """An assignment's responsible organisations: leads first, then by name."""
    return Prefetch(
        "responsibilities",
        queryset=Responsibility.objects.select_related("organisation").order_by(
            "role", "organisation__name"
        ),
    )


def global_goals() -> Prefetch:
    return Prefetch("global_goals", queryset=GlobalGoal.objects.order_by("framework", "number"))


def global_targets() -> Prefetch:
    return Prefetch(
        "global_targets",
        queryset=GlobalTarget.objects.select_related("goal").order_by(
            "goal__framework", "goal__number", "position"
        ),
    )
