"""
Health checks for load balancers and process supervisors.

``health/live`` answers as soon as the process serves requests and touches nothing else: it is
also the "bare Django view" the benchmarks compare every page with. ``health/ready`` checks the
database and the cache, and answers 503 while either is unreachable, so a load balancer stops
sending requests to a server that cannot serve them.
"""

import logging

from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


@never_cache
def live(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
def ready(request: HttpRequest) -> HttpResponse:
    failures = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        logger.exception("Readiness check: the database is unreachable")
        failures.append("database")
    # A cache configured to keep nothing (dummycache://) has nothing to check.
    if not isinstance(caches["default"], DummyCache):
        try:
            cache.set("health:ready", 1, timeout=10)
            if cache.get("health:ready") != 1:
                raise RuntimeError("the cache did not return what was stored")
        except Exception:
            logger.exception("Readiness check: the cache is unreachable")
            failures.append("cache")
    if failures:
        body = "unavailable: " + ", ".join(failures) + "\n"
        return HttpResponse(body, status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
