"""
Numbers from requests, read strictly.

``str.isdigit()`` is true for "²" and other Unicode digits that ``int()`` refuses, and a
number too large for the database's column fails inside the query: both were 500s. Every
place that turns request text into a number goes through ``to_int``, which accepts ASCII
digits only, within the range of a 64-bit column, and answers ``None`` for anything else.
"""

from __future__ import annotations

import re

_ASCII_INT = re.compile(r"[0-9]{1,19}")
BIGINT_MAX = 2**63 - 1


def to_int(value: object, *, minimum: int = 0, maximum: int = BIGINT_MAX) -> int | None:
    """``value`` as an integer in [minimum, maximum], or None if it is anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _ASCII_INT.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if minimum <= number <= maximum else None


def has_nul(values) -> bool:
    """Whether any of ``values`` holds a NUL character, which no text column can store."""
    return any("\x00" in value for value in values if isinstance(value, str))
