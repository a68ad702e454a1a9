"""The order the assignment lists (the public list and the API's) give assignments in."""

from __future__ import annotations

from django.db.models import QuerySet

from assignments.models import Assignment

# The newest budget first, then by code (unique within a budget). The index
# assignment_list_idx gives a page's keys in this order budget by budget, newest first,
# without reading the assignments themselves (see selectors.pages.read_page).
LIST_ORDER = ("-budget__year", "code", "pk")


def in_list_order(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    return assignments.order_by(*LIST_ORDER)
