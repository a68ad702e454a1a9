"""Pages of long lists, chosen on their rows' keys alone and then read in full."""

from __future__ import annotations

import copy
from typing import TypeVar, cast

from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def read_page(page: QuerySet[M], rows: QuerySet[M]) -> QuerySet[M]:
    """
    The rows of ``page`` (a slice of ``rows``) read with what ``rows`` selects and
    prefetches, and in its order: one query.

    The sorted and limited query then reads the keys alone (``values("pk")`` leaves out the
    joins of ``select_related``), which an index on the sort order can give without touching
    the rows; sorting the full rows, joined to their relations, would read, join and sort
    every row the list pages over before keeping a page of them. The rows are then read by
    their keys alone, without filtering every row again.
    """
    if rows.query.deferred_loading != (frozenset(), True):
        # The rows are read again from the model's manager, which loads every field.
        raise ValueError("read_page() reads whole rows, not deferred ones.")
    found = rows.model._default_manager.filter(pk__in=page.values("pk"))
    found.query.select_related = copy.deepcopy(rows.query.select_related)
    lookups = rows._prefetch_related_lookups  # type: ignore[attr-defined]  # the stubs leave it out
    return found.prefetch_related(*lookups).order_by(*rows.query.order_by)


class KeyFirstPaginator(Paginator):
    """A paginator of a queryset whose page is chosen by ``read_page``."""

    def page(self, number) -> Page:
        page = super().page(number)
        assert isinstance(self.object_list, QuerySet), "a paginator of querysets"
        page.object_list = read_page(cast(QuerySet, page.object_list), self.object_list)
        return page
