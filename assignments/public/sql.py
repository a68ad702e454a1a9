"""
The detail pages' queries written as SQL (the organisation, assignment, goal and target
pages'), for the few places where Django took longer to build a query than the database took
to run it (docs/performance.md, "Queries"). The SQL is the same on SQLite and PostgreSQL; it
names its tables in braces (``{assignment}``), filled in here, quoted for the database, from
the models.
Each query is held by a test to the ORM query it stands for, on both databases. (The
indicator page's SQL, in ``indicators.py``, and the report form's target picker name their
own tables.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import connection

from assignments.models import (
    Assignment,
    GoalProgressCount,
    Indicator,
    Organisation,
    PublishedContribution,
    ReportingPeriod,
    Responsibility,
    TargetReportCount,
)
from goals.models import Budget, GlobalGoal, GlobalTarget


def tables() -> dict[str, str]:
    """The tables the pages' SQL names, quoted for the database."""
    quote = connection.ops.quote_name
    return {
        "responsibility": quote(Responsibility._meta.db_table),
        "organisation": quote(Organisation._meta.db_table),
        "assignment": quote(Assignment._meta.db_table),
        "budget": quote(Budget._meta.db_table),
        "period": quote(ReportingPeriod._meta.db_table),
        "target": quote(GlobalTarget._meta.db_table),
        "goal": quote(GlobalGoal._meta.db_table),
        "contribution": quote(PublishedContribution._meta.db_table),
        "assignment_goals": quote(Assignment.global_goals.through._meta.db_table),
        "assignment_targets": quote(Assignment.global_targets.through._meta.db_table),
        "target_report_count": quote(TargetReportCount._meta.db_table),
        "goal_progress_count": quote(GoalProgressCount._meta.db_table),
        "indicator": quote(Indicator._meta.db_table),
        "indicator_targets": quote(Indicator.global_targets.through._meta.db_table),
    }


def rows(sql: str, params: Sequence | Mapping) -> list[tuple]:
    """The rows of one query (``sql`` naming ``tables``)."""
    with connection.cursor() as cursor:
        cursor.execute(sql.format(**tables()), params)
        return cursor.fetchall()


def rows_of_each(queries: Mapping[str, str], params: Mapping[str, int]) -> dict[str, list[tuple]]:
    """The rows of each of ``queries`` (each naming ``tables``, with named ``params``)."""
    names = tables()
    found = {}
    with connection.cursor() as cursor:
        for name, sql in queries.items():
            cursor.execute(sql.format(**names), params)
            found[name] = cursor.fetchall()
    return found
