"""
Request counters in the project's cache, for limits such as "5 password reset requests for
one e-mail address per hour".

Each key is counted in fixed windows of ``window`` seconds (a new count starts on the hour,
for an hour's window): simple, one atomic increment per key and request, and shared by every
server when the cache is Redis. At the edge of two windows a key may get up to twice its limit
in a short time, which is acceptable for the limits it serves. The cache keeps only a hash of
each key, never an e-mail address.

A cache that cannot be reached counts nothing and allows the request (it is logged), as it
leaves public pages uncached rather than unavailable: a password can still be reset while
Redis is down.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Iterable

from django.core.cache import cache

logger = logging.getLogger(__name__)


def hit(
    scope: str,
    limits: Iterable[tuple[str, int]],
    *,
    window: int,
    now: float | None = None,
) -> int:
    """
    Counts one request against each ``(key, limit)`` of ``scope``. Returns 0 if every key is
    within its limit, else the seconds until the window ends and a new count begins.
    """
    now = time.time() if now is None else now
    number, elapsed = divmod(now, window)
    remaining = math.ceil(window - elapsed)
    over = False
    try:
        for key, limit in limits:
            digest = hashlib.sha256(key.encode()).hexdigest()
            over |= _increment(f"throttle:{scope}:{int(number)}:{digest}", remaining) > limit
    except Exception:  # any backend's error: throttling is lost for now, not the page
        logger.exception("The cache cannot be reached: %s is not throttled", scope)
        return 0
    return remaining if over else 0


def _increment(key: str, timeout: int) -> int:
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: this is the first of a new window
        cache.set(key, 1, timeout=timeout)
        return 1


# The longest username django-axes's tables hold.
AXES_USERNAME_MAX_LENGTH = 255


def signin_username(request, credentials: dict | None = None) -> str | None:
    """
    The username django-axes counts failed sign-ins under (AXES_USERNAME_CALLABLE): as typed,
    cut to the 255 characters its column holds. A longer one, which no account has, failed
    on PostgreSQL while the failure was being recorded, so the sign-in page answered 500.
    """
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "data", request.POST).get("username")
    if isinstance(username, str):
        return username[:AXES_USERNAME_MAX_LENGTH]
    return username
