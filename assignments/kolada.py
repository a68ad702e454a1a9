"""
A small client for Kolada's API v3 (https://api.kolada.se/v3/), RKA's open database of the
key figures (KPIs) of Sweden's municipalities, and the mapping of its values onto indicators.

What the client relies on, and where each part of it is documented (tests/core/kolada/
README.md says which of it was checked, against what):

- ``GET {base}data/kpi/{kpi,kpi,...}/municipality/{id}`` answers every value of those key
  figures for the municipality, all years, in pages: ``{"values": [row, ...], "count": n,
  "next_url": "<the next page>"}``. ``per_page`` sets a page's size (at most 5000); the client
  follows ``next_url`` until a page has no values or no next page.
- A path lists at most 25 ids (``MAX_IDS``): callers split longer lists (``chunks``).
- A row is ``{"kpi", "municipality", "period": 2018, "values": [{"gender": "T"|"K"|"M",
  "value": 1.5 or null, "status", "count"}]}``; T is the total, K women (kvinnor), M men.
- ``from_date=YYYY-MM-DD`` answers only what changed since that day, and marks values Kolada
  has withdrawn with ``isdeleted`` (on the row or on the value; both are read, as are
  ``is_deleted`` and 0/1, the spelling of API v2).

Politeness: one session with a User-Agent that names the portal, a timeout on every request,
and retries (refused connections, timeouts, 429 and 5xx) with exponential back-off that obey
the server's Retry-After (settings ``KOLADA_*``). Numbers are read as decimals, never floats,
so a value is stored exactly as Kolada gives it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

import requests
import urllib3
from django.conf import settings
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter
from requests.exceptions import RetryError
from urllib3.util.retry import Retry

from assignments.models import VALUE_DECIMAL_PLACES, VALUE_LIMIT, Indicator
from assignments.services.indicators import ValueInput

MAX_IDS = 25  # Kolada v3 refuses a path parameter that lists more ids
PER_PAGE = 5000  # the largest page Kolada serves
MAX_PAGES = 1000  # a guard against a next_url that never ends
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

# Kolada's gender codes, as the portal's breakdowns: the total is the headline series.
BREAKDOWN_OF_GENDER: dict[str, tuple[str, str]] = {
    "T": ("", ""),
    "K": ("gender", "women"),
    "M": ("gender", "men"),
}

_QUANTUM = Decimal(1).scaleb(-VALUE_DECIMAL_PLACES)


class KoladaError(Exception):
    """Kolada could not be asked, or did not answer as its documentation says."""


@dataclass(frozen=True)
class KoladaValue:
    """One value of one key figure, for one municipality, year and gender, as Kolada gave it."""

    kpi: str
    municipality: str
    year: int
    gender: str
    value: Decimal | None
    deleted: bool = False


def chunks(ids: Iterable[str], size: int = MAX_IDS) -> Iterator[list[str]]:
    """``ids`` in lists of at most ``size``, in the order given."""
    batch: list[str] = []
    for item in ids:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def user_agent() -> str:
    """Who is asking: the portal and where it lives, so RKA can tell who to contact."""
    where = settings.PORTAL_BASE_URL.encode("ascii", "replace").decode()
    return f"malmo-portal-sync-kolada/1.0 (sustainability portal; +{where})"


class KoladaClient:
    """
    Reads values from Kolada. Use it as a context manager, or call ``close()``::

        with KoladaClient() as kolada:
            rows = kolada.values(kpis=["N00401"], municipality="1280")
    """

    def __init__(
        self,
        *,
        base_url: str | None = None,
        timeout: float | None = None,
        retries: int | None = None,
        backoff: float | None = None,
        retry_after_max: int | None = None,
    ) -> None:
        self.base_url = (base_url or settings.KOLADA_BASE_URL).rstrip("/") + "/"
        self.timeout = settings.KOLADA_TIMEOUT_SECONDS if timeout is None else timeout
        self.retries = settings.KOLADA_RETRIES if retries is None else retries
        retry = Retry(
            total=self.retries,
            allowed_methods={"GET"},
            status_forcelist=RETRY_STATUSES,
            backoff_factor=settings.KOLADA_BACKOFF_SECONDS if backoff is None else backoff,
            respect_retry_after_header=True,
            retry_after_max=(
                settings.KOLADA_RETRY_AFTER_MAX_SECONDS
                if retry_after_max is None
                else retry_after_max
            ),
            raise_on_status=True,
        )
        self.session = requests.Session()
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update({"User-Agent": user_agent(), "Accept": "application/json"})

    def __enter__(self) -> KoladaClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self.session.close()

    def values(
        self,
        *,
        kpis: Sequence[str],
        municipality: str,
        from_date: datetime.date | None = None,
    ) -> list[KoladaValue]:
        """
        Every value of the key figures ``kpis`` (at most ``MAX_IDS``) for one municipality,
        all years, from every page; only the changes since ``from_date`` when it is given.
        Raises ``KoladaError`` when Kolada cannot be reached after the retries, or answers
        something other than its documented shape.
        """
        if not 0 < len(kpis) <= MAX_IDS:
            raise ValueError(f"Ask for 1 to {MAX_IDS} key figures at a time, not {len(kpis)}.")
        path = "data/kpi/{}/municipality/{}".format(
            quote(",".join(kpis), safe=","), quote(municipality, safe="")
        )
        url = urljoin(self.base_url, path)
        first: dict[str, Any] = {"per_page": PER_PAGE}
        if from_date is not None:
            first["from_date"] = from_date.isoformat()
        params: dict[str, Any] | None = first
        seen = {url}
        found: list[KoladaValue] = []
        while True:
            page = self._get(url, params)
            found += parse_page(page)
            next_url = page.get("next_url")
            if not page["values"] or not next_url:
                return found
            if not isinstance(next_url, str):
                raise KoladaError(_("Kolada's answer has a next page that is not an address."))
            url, params = self._next_page(url, next_url), None
            if url in seen or len(seen) >= MAX_PAGES:
                raise KoladaError(
                    _("Kolada's pages do not end (next page: %(url)s).") % {"url": url}
                )
            seen.add(url)

    def _next_page(self, current: str, next_url: str) -> str:
        """The next page's address, only on Kolada's own host and scheme."""
        base = urlsplit(self.base_url)
        target = urlsplit(urljoin(current, next_url))
        if target.netloc != base.netloc:
            raise KoladaError(
                _("Kolada's next page is on another host (%(host)s); it was not followed.")
                % {"host": target.netloc}
            )
        return urlunsplit(target._replace(scheme=base.scheme))

    def _get(self, url: str, params: dict[str, Any] | None) -> dict[str, Any]:
        try:
            response = self.session.get(url, params=params, timeout=self.timeout)
        except RetryError as error:
            raise KoladaError(
                _("Kolada answered %(url)s with an error %(count)d times in a row.")
                % {"url": url, "count": self.retries + 1}
            ) from error
        except (requests.Timeout, requests.ConnectionError) as error:
            if _timed_out(error):
                raise KoladaError(
                    _("Kolada did not answer %(url)s within %(seconds)s seconds, %(count)d times.")
                    % {"url": url, "seconds": self.timeout, "count": self.retries + 1}
                ) from error
            raise KoladaError(
                _("Kolada could not be reached at %(url)s (%(count)d attempts).")
                % {"url": url, "count": self.retries + 1}
            ) from error
        except requests.RequestException as error:
            raise KoladaError(
                _("Kolada could not be asked for %(url)s: %(error)s") % {"url": url, "error": error}
            ) from error
        if response.status_code != 200:
            raise KoladaError(
                _("Kolada refused %(url)s: HTTP %(status)d.")
                % {"url": response.url, "status": response.status_code}
            )
        try:
            payload = response.json(parse_float=Decimal, parse_constant=_refuse_constant)
        except ValueError as error:
            raise KoladaError(
                _("Kolada's answer to %(url)s is not JSON.") % {"url": response.url}
            ) from error
        if not isinstance(payload, dict) or not isinstance(payload.get("values"), list):
            raise KoladaError(
                _("Kolada's answer to %(url)s has no list of values.") % {"url": response.url}
            )
        return payload


def _timed_out(error: requests.RequestException) -> bool:
    """Whether the request failed for want of an answer in time (after the retries, requests
    reports a read timeout as a ConnectionError that wraps urllib3's)."""
    if isinstance(error, requests.Timeout):
        return True
    reason = getattr(error.args[0], "reason", error.args[0]) if error.args else None
    if isinstance(reason, urllib3.exceptions.NewConnectionError):
        return False  # refused: urllib3 makes it a kind of timeout, for backward compatibility
    return isinstance(reason, TimeoutError | urllib3.exceptions.TimeoutError)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def parse_page(payload: Any) -> list[KoladaValue]:
    """The values of one page of data, or ``KoladaError`` if it is not shaped as documented."""
    if not isinstance(payload, dict) or not isinstance(payload.get("values"), list):
        raise KoladaError(_("Kolada's answer has no list of values."))
    return [value for row in payload["values"] for value in _parse_row(row)]


def _parse_row(row: Any) -> list[KoladaValue]:
    if not (
        isinstance(row, dict)
        and isinstance(row.get("kpi"), str)
        and isinstance(row.get("municipality"), str)
        and isinstance(row.get("values"), list)
    ):
        raise _malformed(row)
    year = _year(row.get("period"))
    if year is None:
        raise _malformed(row)
    row_deleted = _flag(row)
    parsed = []
    for item in row["values"]:
        if not isinstance(item, dict) or not isinstance(item.get("gender"), str):
            raise _malformed(row)
        value = item.get("value")
        if isinstance(value, bool) or not isinstance(value, int | Decimal | None):
            raise _malformed(row)
        parsed.append(
            KoladaValue(
                kpi=row["kpi"],
                municipality=row["municipality"],
                year=year,
                gender=item["gender"],
                value=None if value is None else Decimal(value),
                deleted=row_deleted or _flag(item),
            )
        )
    return parsed


def _year(period: Any) -> int | None:
    """A row's period: a year, as a number (v3) or as digits (v2)."""
    if isinstance(period, bool):
        return None
    if isinstance(period, int):
        return period
    if isinstance(period, str) and period.isascii() and period.isdigit() and len(period) <= 4:
        return int(period)
    return None


def _flag(obj: dict[str, Any]) -> bool:
    """Whether Kolada marks this row or value as withdrawn."""
    for key in ("isdeleted", "is_deleted"):
        flag = obj.get(key)
        if flag is None:
            continue
        if flag in (True, 1):
            return True
        if flag in (False, 0):
            continue
        raise _malformed(obj)
    return False


def _malformed(obj: Any) -> KoladaError:
    shown = repr(obj)
    if len(shown) > 200:
        shown = shown[:200] + "…"
    return KoladaError(_("Kolada's answer has a row that is not as documented: %s") % shown)


def values_for(
    indicator: Indicator, values: Iterable[KoladaValue], *, municipality: str
) -> tuple[list[ValueInput], list[ValueInput]]:
    """
    The values Kolada gives for ``indicator`` in ``municipality``, as the import service takes
    them: ``(values, deleted)``. The total is the headline series; women and men are kept only
    where the indicator is split by gender. A value Kolada has no figure for (null) is skipped,
    and a value it gives again wins over a withdrawal of the same year and gender.
    """
    live: dict[tuple[int, str, str], ValueInput] = {}
    withdrawn: dict[tuple[int, str, str], ValueInput] = {}
    for item in values:
        if item.kpi != indicator.kolada_kpi or item.municipality != municipality:
            continue
        breakdown = BREAKDOWN_OF_GENDER.get(item.gender)
        if breakdown is None or (breakdown[0] and not indicator.has_gender_split):
            continue
        key = (item.year, *breakdown)
        if item.deleted:
            withdrawn[key] = ValueInput(
                indicator=indicator,
                value=None,
                year=item.year,
                dimension=breakdown[0],
                category=breakdown[1],
            )
        elif item.value is not None:
            live[key] = ValueInput(
                indicator=indicator,
                value=_stored(item.value),
                year=item.year,
                dimension=breakdown[0],
                category=breakdown[1],
            )
    return (
        [live[key] for key in sorted(live)],
        [withdrawn[key] for key in sorted(withdrawn) if key not in live],
    )


def _stored(value: Decimal) -> Decimal:
    """The value as the database keeps it, so that an unchanged figure compares equal."""
    if value.is_finite() and abs(value) < VALUE_LIMIT:
        return value.quantize(_QUANTUM)
    return value  # the import service refuses it, with its message
