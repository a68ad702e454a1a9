"""
`manage.py sync_kolada` and its client (assignments/kolada.py), against a real HTTP server on
this machine that answers as Kolada's API v3 does, from the recorded answers in
tests/core/kolada/ (their README says what of their shape was checked, against what).
"""

from __future__ import annotations

import contextlib
import datetime
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from assignments.kolada import KoladaError, KoladaValue, parse_page, values_for
from assignments.models import (
    KOLADA_MALMO,
    Indicator,
    IndicatorSource,
    IndicatorValue,
    ValueOrigin,
)
from assignments.services.indicators import check_value
from tests import factories

RECORDINGS = Path(__file__).parent / "kolada"


# A Kolada of our own ------------------------------------------------------------------------


@dataclass
class Reply:
    status: int = 200
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Seen:
    """One request the server received."""

    path: str
    query: dict[str, str]
    headers: dict[str, str]
    at: float

    @property
    def kpis(self) -> list[str]:
        parts = self.path.split("/")
        return parts[parts.index("kpi") + 1].split(",") if "kpi" in parts else []


Answer = Reply | Callable[[Seen], Reply]
Rule = tuple[Callable[[Seen], bool], list[Answer]]


class Kolada:
    """
    An HTTP server that answers requests from rules (first match wins; a rule's answers are
    given in turn, its last one ever after; an answer is a reply or a function of the request)
    and keeps every request it received. ``{base}`` in a reply stands for the server's API
    address, as next_url needs it.
    """

    def __init__(self) -> None:
        self.requests: list[Seen] = []
        self.rules: list[Rule] = []
        self._lock = threading.Lock()
        kolada = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                seen = Seen(
                    path=url.path,
                    query=dict(parse_qsl(url.query)),
                    headers=dict(self.headers.items()),
                    at=time.monotonic(),
                )
                reply = kolada._reply(seen)
                time.sleep(reply.delay)
                body = reply.body.replace("{base}", kolada.base_url).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting
                    pass

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v3/"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def on(self, match: Callable[[Seen], bool], *answers: Answer) -> None:
        self.rules.append((match, list(answers)))

    def _reply(self, seen: Seen) -> Reply:
        with self._lock:
            self.requests.append(seen)
            for match, answers in self.rules:
                if match(seen):
                    answer = answers.pop(0) if len(answers) > 1 else answers[0]
                    return answer(seen) if callable(answer) else answer
        return Reply(404, '{"error": "Not found"}')

    @property
    def data_requests(self) -> list[Seen]:
        return [r for r in self.requests if "/data/" in r.path]


def recorded(name: str) -> Reply:
    return Reply(200, (RECORDINGS / name).read_text(encoding="utf-8"))


def page(rows: list[dict], next_url: str | None = None) -> Reply:
    """An answer in the documented shape, for rows a test makes up."""
    body: dict = {"count": len(rows), "values": rows}
    if next_url is not None:
        body["next_url"] = next_url
    return Reply(200, json.dumps(body))


def row(kpi: str, year: int, **genders: float | None) -> dict:
    return {
        "kpi": kpi,
        "municipality": KOLADA_MALMO,
        "period": year,
        "values": [
            {"count": 1, "gender": gender, "status": "", "value": value}
            for gender, value in (genders or {"T": 1.0}).items()
        ],
    }


def any_data(seen: Seen) -> bool:
    return "/data/kpi/" in seen.path


def first_page(seen: Seen) -> bool:
    return any_data(seen) and "page" not in seen.query and "from_date" not in seen.query


def second_page(seen: Seen) -> bool:
    return any_data(seen) and seen.query.get("page") == "2"


def changes(seen: Seen) -> bool:
    return any_data(seen) and "from_date" in seen.query


@pytest.fixture
def kolada(settings):
    server = Kolada()
    server.thread.start()
    settings.KOLADA_BASE_URL = server.base_url
    settings.KOLADA_RETRIES = 3
    settings.KOLADA_BACKOFF_SECONDS = 0.001
    settings.KOLADA_TIMEOUT_SECONDS = 5
    yield server
    server.server.shutdown()
    server.server.server_close()


@dataclass
class Run:
    stdout: str
    stderr: str


def sync(*args: str) -> Run:
    stdout, stderr = StringIO(), StringIO()
    with translation.override("en"):
        call_command("sync_kolada", *args, stdout=stdout, stderr=stderr)
    return Run(stdout.getvalue(), stderr.getvalue())


def sync_fails(*args: str) -> tuple[str, Run]:
    stdout, stderr = StringIO(), StringIO()
    with translation.override("en"), pytest.raises(CommandError) as error:
        call_command("sync_kolada", *args, stdout=stdout, stderr=stderr)
    return str(error.value), Run(stdout.getvalue(), stderr.getvalue())


@pytest.fixture
def emissions(db):
    return factories.make_indicator(
        source=IndicatorSource.KOLADA,
        code="N00401",
        kolada_kpi="N00401",
        title_en="Greenhouse gas emissions",
        higher_is_better=False,
    )


@pytest.fixture
def children(db):
    return factories.make_indicator(
        source=IndicatorSource.KOLADA,
        code="N02904",
        kolada_kpi="N02904",
        title_en="Children in economically vulnerable households",
        has_gender_split=True,
    )


@pytest.fixture
def children_total(db):
    """A second indicator on the same key figure, without the gender split."""
    return factories.make_indicator(
        source=IndicatorSource.KOLADA,
        code="BARN-T",
        kolada_kpi="N02904",
        title_en="Children, total only",
    )


def series(indicator: Indicator, dimension: str = "", category: str = "") -> dict[int, Decimal]:
    return dict(
        IndicatorValue.objects.filter(
            indicator=indicator, dimension=dimension, category=category
        ).values_list("year", "value")
    )


def serve_full_history(kolada: Kolada) -> None:
    kolada.on(second_page, recorded("full_page2.json"))
    kolada.on(any_data, recorded("full_page1.json"))


# The import -----------------------------------------------------------------------------------


def test_every_value_is_imported_from_two_pages_linked_by_next_url(
    kolada, emissions, children, children_total
):
    serve_full_history(kolada)

    run = sync()

    assert [(r.kpis, r.query) for r in kolada.data_requests] == [
        (["N00401", "N02904"], {"per_page": "5000"}),
        (["N00401", "N02904"], {"page": "2", "per_page": "5000"}),
    ]
    assert series(emissions) == {
        1990: Decimal("6.82"),
        2005: Decimal("5.46"),
        2010: Decimal("4.71"),
        2011: Decimal("4.12"),
        2012: Decimal("3.98"),
        2013: Decimal("3.65"),
        2014: Decimal("3.21"),
        2015: Decimal("3.08"),
        2016: Decimal("2.95"),
        2017: Decimal("2.77"),
        2018: Decimal("2.61"),
    }  # 2019 has no figure (null): skipped
    assert series(children) == {
        2015: Decimal("26.8"),
        2016: Decimal("25.6"),
        2017: Decimal("24.3"),
        2018: Decimal("23.0"),
        2019: Decimal("21.9"),
    }
    assert series(children, "gender", "women") == {
        2015: Decimal("27.1"),
        2016: Decimal("25.9"),
        2017: Decimal("24.6"),
        2018: Decimal("23.2"),
    }  # women 2019 is null
    assert len(series(children, "gender", "men")) == 5
    # The same key figure without the split: the totals only.
    assert series(children_total) == series(children)
    assert not IndicatorValue.objects.filter(indicator=children_total).exclude(dimension="")
    assert set(IndicatorValue.objects.values_list("origin", flat=True)) == {ValueOrigin.KOLADA}
    assert run.stdout.splitlines() == [
        "BARN-T  Children, total only: 5 new, 0 changed, 0 unchanged, 0 deleted",
        "N00401  Greenhouse gas emissions: 11 new, 0 changed, 0 unchanged, 0 deleted",
        "N02904  Children in economically vulnerable households: "
        "14 new, 0 changed, 0 unchanged, 0 deleted",
        "3 indicators imported from Kolada (30 new, 0 changed, 0 unchanged, 0 deleted).",
    ]
    for indicator in (emissions, children, children_total):
        indicator.refresh_from_db()
        assert indicator.kolada_synced_at is not None


def test_a_second_run_loads_nothing_twice_and_asks_only_for_changes(kolada, emissions, children):
    serve_full_history(kolada)
    sync()
    emissions.refresh_from_db()
    first_import = emissions.kolada_synced_at
    count = IndicatorValue.objects.count()
    requests_of_first_run = len(kolada.data_requests)

    # This Kolada answers every value again, whatever is asked: nothing may change.
    run = sync()

    assert IndicatorValue.objects.count() == count == 11 + 14
    assert run.stdout.splitlines()[-1] == (
        "2 indicators imported from Kolada (0 new, 0 changed, 25 unchanged, 0 deleted)."
    )
    second = kolada.data_requests[requests_of_first_run]
    since = timezone.localdate(first_import) - datetime.timedelta(days=1)
    assert second.query == {"per_page": "5000", "from_date": since.isoformat()}
    emissions.refresh_from_db()
    assert emissions.kolada_synced_at > first_import


def test_full_asks_for_everything_again(kolada, emissions):
    serve_full_history(kolada)
    sync()
    sync("--full")

    assert [r.query.get("from_date") for r in kolada.data_requests] == [None] * 4


def test_changed_new_and_withdrawn_values_since_the_last_run(
    kolada, emissions, children, children_total
):
    serve_full_history(kolada)
    sync()
    kolada.rules.insert(0, (changes, [recorded("changes.json")]))

    run = sync()

    assert run.stdout.splitlines() == [
        "BARN-T  Children, total only: 0 new, 0 changed, 1 unchanged, 0 deleted",
        "N00401  Greenhouse gas emissions: 1 new, 1 changed, 0 unchanged, 1 deleted",
        "N02904  Children in economically vulnerable households: "
        "1 new, 0 changed, 1 unchanged, 1 deleted",
        "3 indicators imported from Kolada (2 new, 1 changed, 2 unchanged, 2 deleted).",
    ]
    emission_values = series(emissions)
    assert 1990 not in emission_values  # withdrawn on the row
    assert emission_values[2018] == Decimal("2.58")
    assert emission_values[2020] == Decimal("2.49")
    assert 2015 not in series(children, "gender", "men")  # withdrawn on the value
    assert series(children, "gender", "women")[2019] == Decimal("22.0")
    assert series(children)[2015] == Decimal("26.8")  # the total of 2015 stays
    assert series(children_total)[2015] == Decimal("26.8")


def test_a_429_is_waited_out_as_long_as_retry_after_says(kolada, emissions):
    kolada.on(
        any_data,
        Reply(429, '{"error": "Too many requests"}', {"Retry-After": "1"}),
        page([row("N00401", 2018, T=2.61)]),
    )

    run = sync()

    first, second = kolada.data_requests
    # The back-off is a millisecond in these tests: only Retry-After explains the wait.
    assert second.at - first.at >= 0.9
    assert first.query == second.query
    assert series(emissions) == {2018: Decimal("2.61")}
    assert "1 new" in run.stdout


def test_a_persistent_server_error_stops_the_run_and_saves_nothing(kolada, emissions):
    kolada.on(any_data, Reply(500, "Internal Server Error"))

    message, _run = sync_fails()

    assert len(kolada.data_requests) == 1 + 3  # the first request and three retries
    assert "Kolada answered" in message
    assert "with an error 4 times in a row" in message
    assert message.endswith("Nothing was saved for N00401.")
    assert not IndicatorValue.objects.exists()
    emissions.refresh_from_db()
    assert emissions.kolada_synced_at is None


def test_an_unreachable_kolada_is_a_clear_error(settings, db, emissions):
    settings.KOLADA_BASE_URL = "http://127.0.0.1:1/v3/"  # nothing listens on port 1
    settings.KOLADA_RETRIES = 2
    settings.KOLADA_BACKOFF_SECONDS = 0.001

    message, _run = sync_fails()

    assert "Kolada could not be reached at http://127.0.0.1:1/v3/data/kpi/N00401/" in message
    assert "(3 attempts)" in message
    assert not IndicatorValue.objects.exists()


def test_every_request_has_a_timeout(kolada, settings, emissions):
    settings.KOLADA_TIMEOUT_SECONDS = 0.2
    settings.KOLADA_RETRIES = 1
    kolada.on(any_data, Reply(200, '{"values": []}', delay=2))

    started = time.monotonic()
    message, _run = sync_fails()

    assert time.monotonic() - started < 1.5
    assert "did not answer" in message and "within 0.2 seconds, 2 times" in message


def test_the_requests_name_the_portal(kolada, settings, emissions):
    settings.PORTAL_BASE_URL = "https://hallbarhet.malmo.example"
    kolada.on(any_data, page([]))

    sync()

    (request,) = kolada.data_requests
    assert request.headers["User-Agent"].startswith("malmo-portal-sync-kolada/")
    assert "+https://hallbarhet.malmo.example" in request.headers["User-Agent"]
    assert request.headers["Accept"] == "application/json"
    assert request.path == "/v3/data/kpi/N00401/municipality/1280"


def many(count: int) -> list[Indicator]:
    return [
        factories.make_indicator(
            source=IndicatorSource.KOLADA, code=f"K{n:02d}", kolada_kpi=f"N{10000 + n:05d}"
        )
        for n in range(1, count + 1)
    ]


def test_more_than_25_key_figures_are_asked_for_in_chunks(kolada, db):
    indicators = many(27)
    kolada.on(any_data, lambda seen: page([row(kpi, 2018, T=int(kpi[1:])) for kpi in seen.kpis]))

    run = sync()

    assert [len(r.kpis) for r in kolada.data_requests] == [25, 2]
    assert kolada.data_requests[0].kpis == [i.kolada_kpi for i in indicators[:25]]
    assert all(series(i) == {2018: Decimal(i.kolada_kpi[1:])} for i in indicators)
    assert "27 indicators imported from Kolada (27 new," in run.stdout


def test_a_failing_chunk_saves_nothing_for_its_indicators_and_keeps_the_others(kolada, db):
    indicators = many(26)
    last = indicators[-1]

    def answer(seen: Seen) -> Reply:
        if last.kolada_kpi in seen.kpis:
            return Reply(503, "Service Unavailable")
        return page([row(kpi, 2018, T=1.5) for kpi in seen.kpis])

    kolada.on(any_data, answer)

    message, run = sync_fails()

    assert f"Nothing was saved for {last.code}." in message
    assert "25 indicators were imported before that." in message
    assert IndicatorValue.objects.count() == 25
    assert not IndicatorValue.objects.filter(indicator=last).exists()
    last.refresh_from_db()
    assert last.kolada_synced_at is None
    assert len(run.stdout.splitlines()) == 25


def test_an_indicator_with_a_value_the_portal_cannot_hold_is_not_saved(kolada, emissions, children):
    kolada.on(
        any_data,
        page(
            [
                row("N00401", 2017, T=2.77),
                row("N00401", 2018, T=1e20),  # more digits than a value may have
                row("N02904", 2018, T=23.0, K=23.2, M=22.8),
            ]
        ),
    )

    message, run = sync_fails()

    assert message == "1 indicator was not saved: N00401."
    assert "N00401  Greenhouse gas emissions: not saved: The value is too large" in run.stderr
    assert not IndicatorValue.objects.filter(indicator=emissions).exists()
    emissions.refresh_from_db()
    assert emissions.kolada_synced_at is None
    assert len(series(children)) == 1 and len(series(children, "gender", "men")) == 1


def test_only_the_indicators_named_are_imported(kolada, emissions, children):
    kolada.on(any_data, page([row("N02904", 2018, T=23.0, K=23.2, M=22.8)]))

    run = sync("--indicator", "N02904")

    assert [r.kpis for r in kolada.data_requests] == [["N02904"]]
    assert len(IndicatorValue.objects.filter(indicator=children)) == 3
    assert not IndicatorValue.objects.filter(indicator=emissions).exists()
    assert run.stdout.startswith("N02904  ")


def test_naming_an_unknown_indicator_or_one_not_from_kolada_is_refused(kolada, emissions):
    factories.make_indicator(code="EGET", source=IndicatorSource.OTHER)

    unknown, _run = sync_fails("--indicator", "N00401", "--indicator", "NOPE")
    not_kolada, _run = sync_fails("--indicator", "EGET")

    assert unknown == "No indicator has the code NOPE."
    assert not_kolada == "The values of EGET do not come from Kolada."
    assert kolada.requests == []


def test_a_dry_run_asks_kolada_and_saves_nothing(kolada, emissions):
    serve_full_history(kolada)

    run = sync("--dry-run")

    assert "N00401  Greenhouse gas emissions: 11 new" in run.stdout
    assert run.stdout.splitlines()[-1].startswith("Dry run, nothing saved: 1 indicator")
    assert not IndicatorValue.objects.exists()
    emissions.refresh_from_db()
    assert emissions.kolada_synced_at is None


def test_without_kolada_indicators_nothing_is_asked(kolada, db):
    factories.make_indicator(source=IndicatorSource.OTHER)

    run = sync()

    assert run.stdout == "No indicator has Kolada as its source; nothing to import.\n"
    assert kolada.requests == []


def test_an_indicator_added_later_gets_its_whole_history(kolada, emissions):
    kolada.on(any_data, page([row("N00401", 2018, T=2.61)]))
    sync()
    newcomer = factories.make_indicator(
        source=IndicatorSource.KOLADA, code="N07702", kolada_kpi="N07702"
    )

    run = sync("--verbosity", "2")

    asked = [(r.kpis, r.query.get("from_date")) for r in kolada.data_requests[1:]]
    since = asked[1][1]
    assert asked == [(["N07702"], None), (["N00401"], since)] and since
    assert "Asking Kolada for N07702\n" in run.stdout
    assert f"Asking Kolada for N00401 (changes since {since})\n" in run.stdout
    newcomer.refresh_from_db()
    assert newcomer.kolada_synced_at is not None


# What Kolada answers, read strictly ------------------------------------------------------------


def test_an_empty_page_ends_the_paging_even_with_a_next_url(kolada, emissions):
    kolada.on(second_page, page([], next_url="{base}data/kpi/N00401/municipality/1280?page=3"))
    kolada.on(any_data, page([row("N00401", 2018)], next_url="?page=2"))

    sync()

    assert [r.query.get("page") for r in kolada.data_requests] == [None, "2"]


def test_a_next_page_on_another_host_is_not_followed(kolada, emissions):
    kolada.on(any_data, page([row("N00401", 2018)], next_url="https://elsewhere.example/v3/x"))

    message, _run = sync_fails()

    assert "next page is on another host (elsewhere.example)" in message
    assert len(kolada.data_requests) == 1
    assert not IndicatorValue.objects.exists()


def test_pages_that_never_end_are_stopped(kolada, emissions):
    kolada.on(any_data, page([row("N00401", 2018)], next_url="{base}data/kpi/N00401/loop"))

    message, _run = sync_fails()

    assert "pages do not end" in message
    assert len(kolada.data_requests) == 2


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (Reply(200, "<html>Maintenance</html>"), "is not JSON"),
        (Reply(200, '{"values": [], "count": NaN}'), "is not JSON"),
        (Reply(200, '{"data": []}'), "has no list of values"),
        (Reply(200, '{"values": [{"kpi": "N00401"}]}'), "a row that is not as documented"),
        (Reply(404, '{"error": "Not found"}'), "HTTP 404"),
    ],
)
def test_an_answer_not_shaped_as_documented_stops_the_run(kolada, emissions, reply, expected):
    kolada.on(any_data, reply)

    message, _run = sync_fails()

    assert expected in message
    assert not IndicatorValue.objects.exists()


def test_values_for_keeps_figures_exactly_and_lets_a_value_win_over_its_withdrawal():
    indicator = Indicator(code="X", kolada_kpi="N00401", has_gender_split=True)
    given_values = [
        KoladaValue("N00401", KOLADA_MALMO, 2017, "T", Decimal("0.12345675")),
        KoladaValue("N00401", KOLADA_MALMO, 2018, "T", None, deleted=True),
        KoladaValue("N00401", KOLADA_MALMO, 2018, "T", Decimal("3")),
        KoladaValue("N00401", KOLADA_MALMO, 2018, "K", None, deleted=True),
        KoladaValue("N00401", KOLADA_MALMO, 2018, "X", Decimal("1")),  # an unknown gender
        KoladaValue("N00401", "0180", 2018, "M", Decimal("1")),  # Stockholm
        KoladaValue("N00402", KOLADA_MALMO, 2018, "T", Decimal("1")),  # another key figure
    ]

    live, deleted = values_for(indicator, given_values, municipality=KOLADA_MALMO)

    assert [(v.year, v.category, v.value) for v in live] == [
        (2017, "", Decimal("0.123457")),  # as the database keeps it: six decimals
        (2018, "", Decimal("3.000000")),
    ]
    assert [(v.year, v.dimension, v.category) for v in deleted] == [(2018, "gender", "women")]


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.decimals(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
keys = st.sampled_from(
    ["kpi", "municipality", "period", "values", "gender", "value", "isdeleted", "is_deleted"]
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys | st.text(max_size=4), inner),
    max_leaves=25,
)
plausible_rows = st.fixed_dictionaries(
    {
        "kpi": st.sampled_from(["N00401", "N02904"]) | json_scalars,
        "municipality": st.just(KOLADA_MALMO) | json_scalars,
        "period": st.integers(1900, 2200) | json_scalars,
        "values": st.lists(
            st.fixed_dictionaries(
                {
                    "gender": st.sampled_from(["T", "K", "M", "F"]) | json_scalars,
                    "value": st.decimals(places=8) | st.integers() | json_scalars,
                },
                optional={"isdeleted": json_scalars, "is_deleted": json_scalars},
            ),
            max_size=3,
        )
        | json_values,
    },
    optional={"isdeleted": json_scalars},
)


@given(st.fixed_dictionaries({"values": st.lists(plausible_rows | json_values, max_size=4)}))
def test_any_answer_is_read_or_refused_with_a_kolada_error(payload):
    try:
        values = parse_page(payload)
    except KoladaError:
        return
    indicator = Indicator(code="X", kolada_kpi="N00401", has_gender_split=True)
    live, deleted = values_for(indicator, values, municipality=KOLADA_MALMO)
    for item in [*live, *deleted]:
        # A value the portal cannot hold is named by the import, which then saves nothing.
        with contextlib.suppress(ValidationError):
            check_value(item)
