"""
The benchmark suite behind ``make bench``: the public pages under gunicorn on PostgreSQL,
cached and uncached, at city scale and at ten times that, with the review queue, the
streamed export's memory and the queries per page, each checked against its target.

    .venv/bin/python bench/suite.py [--scales 1 10] [--runs 3] [--duration 5] ...

It needs wrk (``apt-get install wrk``) and a PostgreSQL server where it may create
databases (``BENCH_POSTGRES_URL``, default postgres://postgres@127.0.0.1:5432/postgres).
For each scale it

1. generates the data into ``malmo_bench_<scale>x`` (dropped and created again; no other
   database is touched), see ``bench/generate.py``;
2. measures in-process, uncached, with Django's test client: the queries of each page (and
   of the API's lists at 20 and at 100 items a page, which must be the same), the review
   queue's time and the CSV export's peak memory, and checks that the indicator page shows
   the latest values of its indicator and links to a table of every value (ten times as
   many at ten times the data), see ``bench/inprocess.py``;
3. starts gunicorn with the committed ``gunicorn.conf.py`` and production settings (debug
   off, static files collected), once with the default per-process cache (every page warmed
   first and checked to be served from the cache) and once with ``CACHE_URL=dummycache://``
   (nothing cached), and measures each page with ``wrk --latency``: requests per second, and
   the 50th and 99th percentile latency. The pages are the HTML pages and the public API's
   two lists (``/api/v1/assignments`` and ``/api/v1/reports``, their default page of 20),
   which have the HTML list pages' targets. They are measured in turn, the bare view
   (``/health/live``) first, and each round is repeated ``--runs`` times; a cached page's
   ratio to the bare view is taken against the bare view measured just before and just
   after it (``REFERENCE_SECONDS`` each), on the same server. The accessibility
   statement, a page that makes no query, is measured too, without a target: what the base
   template and the middleware cost on their own;
4. measures, uncached, the pages of signed-in users (``generate.signed_in_pages``: "Mina
   uppdrag", the report form, the admin's review queue), each with the cookie of a session
   of its user (``bench/session.py``), and the floor (``bench/floor.py``, served through
   ``bench/settings.py``): the layout around one primary-key query (and around four, and
   one such query with no layout at all, for reference). Each page's uncached cost is
   given in floors, round by round: the rate of the floor, measured just before and just
   after the page, over the page's.

Why these settings, on a machine of two cores shared by wrk, gunicorn and PostgreSQL (the
measurements behind them are in docs/performance.md, "The benchmark's own settings"):

- ``WEB_CONCURRENCY=2``: one synchronous worker per core, as they are CPU-bound here; the
  committed 2 × cores + 1 workers gave about the same throughput and a bare-view p99 made
  of the scheduler's delays.
- ``wrk -t1 -c4``: four connections keep both workers busy with a request always waiting;
  more only queue.
- ``GUNICORN_MAX_REQUESTS=0``: the committed limit would restart each worker every few
  seconds at the bare view's rate, and the suite would measure worker start-up and empty
  per-process caches, not the portal.

Across the scales it prints how each page's uncached cost grows with ten times the data,
under gunicorn and in-process. In-process, the pages are timed again once both databases
exist: ``--growth-rounds`` fresh processes at each scale, the scales alternately (1x, 10x,
1x, 10x, ...), since one process can be up to 15 % faster or slower than the next, and one
at each scale minutes apart showed growth that was not there (with 3 rounds, the indicator
page's median came out at 1.30x, its rounds 0.91-1.52x, where two more pairs of processes
gave 0.93x and 1.13x; five rounds cost about a minute more). Each request is timed against
the no-query page requested around it, and the growth is that ratio's: on a host shared
with other machines, this machine's speed changed by a fifth from one second to the next.
The targets (issue #16) are the constants below.

It prints every figure with PASS or FAIL beside its target, and exits with 1 when a target
fails, 2 when something needed is missing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PYTHON = BIN / "python"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"

PAGES = {
    "bare": "bare view",
    "home": "home page",
    "assignment_list": "assignment list",
    "sdg_goal": "SDG goal page",
    "sdg_target": "SDG target page",
    "report": "report page",
    "indicator": "indicator page",
    "api_assignments": "API assignment list",
    "api_reports": "API published reports",
    "assignment": "assignment page",
    "organisation": "organisation page",
    "my_assignments": "Mina uppdrag (signed in)",
    "report_form": "report form (signed in)",
    "review_queue": "review queue (admin)",
    "reference": "no-query page (ref.)",
    "floor_1": "floor: layout + 1 query",
    "floor_4": "floor: layout + 4 queries",
    "plain_1": "floor: no layout, 1 query",
}
# The accessibility statement: a public page that makes no query, shown for reference (no
# target) as what the base template and the middleware cost without the database.
REFERENCE = "reference"
# The floor (bench/floor.py): the layout around one and four primary-key queries, measured
# uncached only, without a target: what any page that shows data costs at the least here.
# And one query without the layout: what a page would cost if its layout cost nothing.
FLOOR_PAGES = {
    "floor_1": "/bench/floor/1/",
    "floor_4": "/bench/floor/4/",
    "plain_1": "/bench/plain/1/",
}
INFO_PAGES = (REFERENCE, *FLOOR_PAGES)
# The public API's lists (/api/v1/assignments and /api/v1/reports, their default page of 20)
# are list pages like the HTML ones, with the same targets: JSON instead of a template, but
# the same page cache in front of them and the same kind of work behind (a count and a page
# of rows with what they link to).
API_PAGES = ("api_assignments", "api_reports")
LIST_PAGES = ("home", "assignment_list", *API_PAGES)
DETAIL_PAGES = ("sdg_goal", "sdg_target", "report", "assignment", "organisation", "indicator")
PUBLIC_PAGES = (*LIST_PAGES, *DETAIL_PAGES)
# The pages of signed-in users (generate.signed_in_pages), never cached: measured on the
# uncached server only, each with the cookie of a session of its user (bench/session.py).
SIGNED_IN_PAGES = ("my_assignments", "report_form", "review_queue")

# The targets (issue #16).
# A cached page costs about what the bare view costs.
CACHED_MIN_RATIO = 0.85
# Uncached, a page costs at most this many times the floor (the layout around one primary-key
# query, bench/floor.py), measured in the same round of the same server.
FLOOR_BUDGETS = {
    **dict.fromkeys(DETAIL_PAGES, 4.0),
    **dict.fromkeys(LIST_PAGES, 12.0),
    "report_form": 6.0,
}
# Ten times the city's data costs a page at most this much more, uncached (public pages and
# signed-in pages alike), under gunicorn and in-process.
MAX_PAGE_GROWTH = 1.2
MAX_P99_OVER_P50 = 10.0
MAX_MEMORY_GROWTH = 1.5  # the streamed export's peak memory, 10x over city scale
# Above this share of the CPUs taken by other processes, the figures are flagged.
BUSY_WARNING = 0.10


class Missing(Exception):
    """Something the suite needs is not there; the message says how to get it."""


# Prerequisites


def check_prerequisites(server: str) -> None:
    problems = []
    if not PYTHON.exists() or not (BIN / "gunicorn").exists():
        problems.append("The virtual environment is missing: run `make install` first.")
    if shutil.which("wrk") is None:
        problems.append(
            "wrk is not installed. On Debian or Ubuntu: `sudo apt-get install wrk` "
            "(or build it from https://github.com/wg/wrk)."
        )
    if PYTHON.exists():
        check = (
            "import psycopg, sys\n"
            "try:\n"
            "    psycopg.connect(sys.argv[1], connect_timeout=5).execute('SELECT 1')\n"
            "except Exception as error:\n"
            "    sys.exit(str(error).strip().splitlines()[0])\n"
        )
        parts = urlsplit(server)
        url = urlunsplit(parts._replace(scheme="postgresql"))
        result = subprocess.run(
            [PYTHON, "-c", check, url], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            error = (result.stderr.strip().splitlines() or ["no answer"])[-1]
            problems.append(
                f"Cannot connect to PostgreSQL at {parts.hostname}:{parts.port or 5432} "
                f"({error}).\n"
                "  Install and start it, e.g. `sudo apt-get install postgresql && "
                "sudo service postgresql start`, and let the suite create databases: it "
                "connects as BENCH_POSTGRES_URL (default "
                f"{DEFAULT_SERVER}, trust authentication)."
            )
    if problems:
        raise Missing("\n".join(f"- {p}" for p in problems))


# Subprocesses: the generator, the in-process measurements, collectstatic


def run_python(args: list, env: dict | None = None) -> None:
    result = subprocess.run([PYTHON, *args], cwd=ROOT, env=env, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, args))} failed with {result.returncode}")


def sign_in(usernames: set[str], env: dict) -> dict[str, str]:
    """A session for each user, made with the server's environment (its secret key signs the
    session's authentication hash): ``{username: Cookie header value}``."""
    if not usernames:
        return {}
    result = subprocess.run(
        [PYTHON, "bench/session.py", *sorted(usernames)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"bench/session.py failed:\n{result.stderr}")
    return json.loads(result.stdout)


def clean_environment() -> dict:
    """This process's environment without any setting of the portal or gunicorn."""
    prefixes = ("DJANGO_", "GUNICORN_", "PORTAL_", "AXES_")
    names = {"DATABASE_URL", "CACHE_URL", "EMAIL_URL", "WEB_CONCURRENCY"}
    return {k: v for k, v in os.environ.items() if not k.startswith(prefixes) and k not in names}


def production_environment(database_url: str, static_root: Path, workers: int) -> dict:
    env = clean_environment()
    env.update(
        # The portal's settings with the floor's routes added (bench/settings.py).
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_DEBUG="off",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="off",
        DJANGO_SESSION_COOKIE_SECURE="off",
        DJANGO_CSRF_COOKIE_SECURE="off",
        DJANGO_SECURE_HSTS_SECONDS="0",
        DATABASE_URL=database_url,
        DJANGO_CONN_MAX_AGE="60",
        GUNICORN_ACCESS_LOG="",
        DJANGO_LOG_LEVEL="WARNING",
        DJANGO_STATIC_ROOT=str(static_root),
        WEB_CONCURRENCY=str(workers),
        GUNICORN_MAX_REQUESTS="0",
    )
    return env


# gunicorn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url: str, timeout: float = 60, cookie: str = "") -> tuple[int, dict, bytes]:
    headers = {"User-Agent": "malmo-bench"}
    if cookie:
        headers["Cookie"] = cookie
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class Gunicorn:
    """gunicorn with the committed configuration, in a process group of its own, stopped (with
    every worker) however the block is left."""

    def __init__(self, env: dict, log: Path) -> None:
        self.port = free_port()
        self.env = dict(env, GUNICORN_BIND=f"127.0.0.1:{self.port}")
        self.log_path = log
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None, "started in __enter__"
        return self.process.pid

    def __enter__(self) -> Gunicorn:
        self.log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [BIN / "gunicorn", "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped with all its workers
        )
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def wait_ready(self, seconds: float = 60) -> None:
        assert self.process is not None, "started in __enter__"
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}:\n{self.tail()}"
                )
            # Not /health/ready: it checks that the cache keeps what is stored, which the
            # dummy cache of the uncached runs never does.
            with contextlib.suppress(OSError):
                if http_get(f"{self.base}/health/live", timeout=5)[0] == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not become ready in {seconds} s:\n{self.tail()}")

    def tail(self) -> str:
        self.log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-30:])

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        # Workers left behind by a dead arbiter would still be in the group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()
        self.process = None

    def __exit__(self, *exc) -> None:
        self.stop()


# The machine

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _process_ticks(pid: int) -> tuple[str, int]:
    """A process's command line and the CPU time it has used, in clock ticks."""
    with open(f"/proc/{pid}/stat") as stat:
        text = stat.read()
    fields = text[text.rindex(")") + 2 :].split()
    with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
        command = cmdline.read().replace(b"\0", b" ").decode(errors="replace")
    return command, int(fields[11]) + int(fields[12])  # utime + stime


def _other_processes(server_group: int) -> dict[int, int]:
    """CPU ticks used so far by every process that is not part of the measurement: neither
    the suite, nor the server's process group, nor PostgreSQL serving the benchmark databases
    (its backends for other databases, e.g. someone's tests, are other work)."""
    ticks = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        pid = int(entry)
        with contextlib.suppress(OSError, ValueError, IndexError):
            command, used = _process_ticks(pid)
            if os.getpgid(pid) == server_group or "malmo_bench_" in command:
                continue
            if command.startswith("postgres: ") and not re.search(r"\(\d+\)|\[local\]", command):
                continue  # PostgreSQL's own processes (writers, autovacuum), not a client's
            ticks[pid] = used
    return ticks


class CpuMonitor:
    """How much CPU other processes took while the suite measured (not the server, wrk,
    PostgreSQL serving the benchmark or the suite itself). Other work on the machine lowers
    and scatters the figures. Processes that start and end in between are not seen."""

    def __init__(self, server_group: int) -> None:
        self.group = server_group

    def __enter__(self) -> CpuMonitor:
        self.started = time.monotonic()
        self.before = _other_processes(self.group)
        return self

    def __exit__(self, *exc) -> None:
        seconds = time.monotonic() - self.started
        after = _other_processes(self.group)
        used = sum(ticks - self.before.get(pid, 0) for pid, ticks in after.items())
        capacity = seconds * CLOCK_TICKS * (os.cpu_count() or 1)
        self.other_share = max(0.0, used / capacity) if capacity else 0.0


# wrk

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # socket errors and non-2xx/3xx responses


def parse_duration(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match[1]) * UNITS[match[2]]


def parse_wrk(output: str) -> WrkResult:
    def number(pattern: str) -> str:
        match = re.search(pattern, output, re.MULTILINE)
        if not match:
            raise ValueError(f"wrk output without {pattern!r}:\n{output}")
        return match[1]

    errors = sum(
        int(n)
        for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output)
        + re.findall(r"Non-2xx or 3xx responses: (\d+)", output)
    )
    return WrkResult(
        rps=float(number(r"^Requests/sec:\s+([\d.]+)")),
        p50_ms=parse_duration(number(r"^\s+50%\s+(\S+)")),
        p99_ms=parse_duration(number(r"^\s+99%\s+(\S+)")),
        requests=int(number(r"^\s+(\d+) requests in")),
        errors=errors,
    )


def cookie_header(cookie: str) -> list[str]:
    return ["-H", f"Cookie: {cookie}"] if cookie else []


# What every browser says it accepts: a page served from the cache is sent compressed to it
# (assignments/caching.py), one rendered afresh as it is.
BROWSER_HEADERS = ("-H", "Accept-Encoding: gzip, deflate, br")


def warm(url: str, *, seconds: float, connections: int, cookie: str = "") -> None:
    """Requests to ``url`` for ``seconds``, whose figures are not kept."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s"]
    subprocess.run(
        [*command, *BROWSER_HEADERS, *cookie_header(cookie), url], capture_output=True, check=True
    )


def wrk(url: str, *, seconds: float, connections: int, cookie: str = "") -> WrkResult:
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "60s",
        "--latency",
        *BROWSER_HEADERS,
        *cookie_header(cookie),
        url,
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return parse_wrk(result.stdout)


# Measuring one server


@dataclass
class PageRuns:
    runs: list[WrkResult] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)  # to the bare view of the same round
    # To the reference measured just before and just after it (``measure_server``): the
    # bare view on the cached server, the floor on the uncached one.
    paired: list[float] = field(default_factory=list)
    cache_hits: str = ""


# The rate a page is held to is measured right before and right after it, and the page is
# compared with the mean of the two: the machine's speed can change by a fifth between two
# runs a minute apart (a host shared with other machines), which a ratio to a run at the
# start of the round took for the page's own. Seconds per run of the reference.
REFERENCE_SECONDS = 2.0


def measure_server(
    server: Gunicorn,
    pages: dict[str, str],
    *,
    cached: bool,
    runs: int,
    seconds: dict[str, float],
    warmup: float,
    connections: int,
    cookies: dict[str, str] | None = None,
) -> dict[str, PageRuns]:
    """Measure each page in turn, ``runs`` rounds. ``cookies`` gives the signed-in pages
    the Cookie header of their user's session."""
    cookies = cookies or {}
    results = {name: PageRuns() for name in pages}
    # The bare view on the cached server; the floor (layout + 1 query) on the uncached one.
    reference = "bare" if cached else "floor_1"
    if reference not in pages:
        raise ValueError(f"the pages must include the reference, {reference}")
    for name, path in pages.items():
        url = server.base + path
        cookie = cookies.get(name, "")
        status, _headers, body = http_get(url, cookie=cookie)
        if status != 200:
            raise RuntimeError(f"{url} answered {status}")
        if cookie and b'name="username"' in body:
            raise RuntimeError(f"{url} answered with the sign-in form: the session was refused")
        warm(url, seconds=warmup, connections=connections, cookie=cookie)
        drain(server, connections)
        if name != "bare":
            results[name].cache_hits = cache_check(
                url, cached=cached, connections=connections, cookie=cookie
            )

    def measure(name: str, run_seconds: float) -> WrkResult:
        result = wrk(
            server.base + pages[name],
            seconds=run_seconds,
            connections=connections,
            cookie=cookies.get(name, ""),
        )
        drain(server, connections)
        if result.errors:
            print(f"    warning: {result.errors} errors for {pages[name]}", flush=True)
        return result

    for run in range(runs):
        bare = None
        before = None  # the reference's rate just before the page
        for name in pages:
            paired = name not in (reference, "bare")
            if paired and before is None:
                before = measure(reference, REFERENCE_SECONDS).rps
            result = measure(name, seconds[name])
            results[name].runs.append(result)
            bare = result.rps if name == "bare" else bare
            assert bare is not None, "the bare view is measured first"
            results[name].ratios.append(result.rps / bare)
            if paired:
                assert before is not None
                after = measure(reference, REFERENCE_SECONDS).rps
                results[name].paired.append(result.rps / ((before + after) / 2))
                before = after
            else:
                results[name].paired.append(1.0)  # the reference (or the bare view) itself
                if name == reference:
                    before = result.rps
            print(
                f"    run {run + 1}/{runs} {name:<16} {result.rps:>8.1f} req/s  "
                f"p50 {result.p50_ms:>8.2f} ms  p99 {result.p99_ms:>8.2f} ms"
                + (f"  ({results[name].paired[-1]:.3f} of the {reference})" if paired else ""),
                flush=True,
            )
    return results


def drain(server: Gunicorn, connections: int) -> None:
    """Wait until the server has finished what wrk left behind.

    wrk stops with requests still queued or under way: the synchronous workers finish them
    even though nobody reads the answers, and with a page that takes seconds this would delay
    the first requests of the next run, and so its 99th percentile. Requests to the bare view,
    as many as wrk's connections, queue up behind them; when all are answered, the workers
    are free.
    """
    with ThreadPoolExecutor(connections) as pool:
        list(
            pool.map(
                lambda _n: http_get(f"{server.base}/health/live", timeout=300), range(connections)
            )
        )


def cache_check(
    url: str, *, cached: bool, connections: int, cookie: str = "", probes: int = 12
) -> str:
    """Probe a warmed page: with the cache, every probe must be a hit (warming again while
    a worker has not seen the page yet); without it, every probe a miss."""
    for _attempt in range(5):
        states = [http_get(url, cookie=cookie)[1].get("X-Cache", "?") for _ in range(probes)]
        hits = states.count("hit")
        if not cached or hits == probes:
            break
        warm(url, seconds=2, connections=connections, cookie=cookie)
    if cached and hits != probes:
        raise RuntimeError(f"{url}: only {hits} of {probes} requests came from the cache")
    if not cached and hits:
        raise RuntimeError(f"{url}: {hits} of {probes} requests came from a cache")
    return f"{hits}/{probes} hits"


# Report


def rate(value: float) -> str:
    """Requests per second with three significant digits at least."""
    return f"{value:.0f}" if value >= 100 else f"{value:#.3g}"


def percent(ratio: float) -> str:
    """A ratio in per cent, with two significant digits at least."""
    return f"{ratio * 100:.1f}" if ratio >= 0.01 else f"{ratio * 100:.2g}"


def spread(values: list[float]) -> str:
    if len(values) < 2:
        return ""
    mean = statistics.fmean(values)
    cv = statistics.stdev(values) / mean * 100 if mean else 0.0
    return f"{rate(min(values))}–{rate(max(values))}, CV {cv:.1f} %"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


class Report:
    def __init__(self) -> None:
        self.failures: list[str] = []
        self.checks = 0

    def check(self, ok: bool, what: str) -> str:
        self.checks += 1
        if not ok:
            self.failures.append(what)
        return verdict(ok)


def floor_multiples(results: dict[str, PageRuns], name: str) -> list[float]:
    """What a page cost in each round, in floors: the floor's rate over the page's, the floor
    measured just before and just after the page (``PageRuns.paired``)."""
    return [1 / paired for paired in results[name].paired]


def print_http(
    report: Report, scale: int, mode: str, results: dict[str, PageRuns], other_cpu: float
) -> None:
    print(
        f"\n  {mode} ({scale}x) — requests/s, median of runs (min–max, coefficient of "
        "variation); the share of the bare view's rate and, uncached, the cost in floors "
        "(floor: layout + 1 query), each the median of the rounds (lowest–highest)"
    )
    header = (
        f"  {'page':<26}{'req/s':>8}  {'spread':<22}{'share of bare':<22}"
        f"{'cost in floors' if mode == 'uncached' else '':<22}{'target':<9}{'':<6}"
        f"{'p50 ms':>8}{'p99 ms':>9}{'p99/p50':>8}  {'target':<8}"
    )
    print(header)
    for name, page in results.items():
        rps = [r.rps for r in page.runs]
        p50 = statistics.median(r.p50_ms for r in page.runs)
        p99 = statistics.median(r.p99_ms for r in page.runs)
        tail = p99 / p50 if p50 else float("inf")
        if name in INFO_PAGES:
            tail_target = tail_verdict = ""
        else:
            tail_target = f"≤ {MAX_P99_OVER_P50:.0f}"
            tail_verdict = report.check(
                tail <= MAX_P99_OVER_P50, f"{scale}x {mode} {PAGES[name]}: p99 {tail:.1f} × p50"
            )
        # Cached, the share of the bare view measured around the page; uncached, of the bare
        # view at the start of the round (for information: the cost is in floors).
        shares = page.paired if mode == "cached" else page.ratios
        ratio = statistics.median(shares)
        floors_text = target_text = ratio_verdict = ""
        if name == "bare":
            ratio_text = "1 (the reference)"
        else:
            ratio_text = f"{percent(ratio)} % ({percent(min(shares))}–{percent(max(shares))})"
        if name in INFO_PAGES:
            target_text = "(info)"
        elif mode == "cached" and name != "bare":
            target_text = f"≥ {CACHED_MIN_RATIO * 100:.0f} %"
            ratio_verdict = report.check(
                ratio >= CACHED_MIN_RATIO,
                f"{scale}x cached {PAGES[name]}: {percent(ratio)} % of the bare view "
                f"(target {target_text})",
            )
        if mode == "uncached" and name != "bare" and "floor_1" in results:
            floors = floor_multiples(results, name)
            cost = statistics.median(floors)
            floors_text = f"{cost:.2f} ({min(floors):.2f}–{max(floors):.2f})"
            if name in FLOOR_BUDGETS:
                budget = FLOOR_BUDGETS[name]
                target_text = f"≤ {budget:g} ×"
                ratio_verdict = report.check(
                    cost <= budget,
                    f"{scale}x uncached {PAGES[name]}: {cost:.2f} × the floor (target "
                    f"{target_text})",
                )
            elif name not in INFO_PAGES:
                target_text = "(info)"
        print(
            f"  {PAGES[name]:<26}{rate(statistics.median(rps)):>8}  {spread(rps):<22}"
            f"{ratio_text:<22}{floors_text:<22}{target_text:<9}{ratio_verdict:<6}"
            f"{p50:>8.2f}{p99:>9.2f}{tail:>8.1f}  {tail_target:<5}{tail_verdict}"
        )
    errors = sum(r.errors for page in results.values() for r in page.runs)
    if errors:
        report.check(False, f"{scale}x {mode}: {errors} failed requests")
        print(f"  FAIL: {errors} requests failed (socket errors or non-2xx responses)")
    hits = ", ".join(f"{PAGES[n]} {p.cache_hits}" for n, p in results.items() if p.cache_hits)
    print(f"  cache probes after warming: {hits}")
    warning = (
        f": WARNING, the machine was busy with other work (over {BUSY_WARNING * 100:.0f} %), "
        "so these figures are lower and more scattered than on a quiet machine"
        if other_cpu > BUSY_WARNING
        else ""
    )
    print(f"  other processes used {other_cpu * 100:.0f} % of the CPUs during these runs{warning}")


def print_floor(results: dict[str, PageRuns]) -> None:
    """The floor in bare views, and what each budget leaves a page: a page at a ratio r of
    the bare view's rate costs 1/r bare views (both are CPU-bound on the same workers). Each
    round is worked out on its own, and the median is shown."""
    one = [1 / r for r in results["floor_1"].ratios]
    four = [1 / r for r in results["floor_4"].ratios]
    per_query = statistics.median((b - a) / 3 for a, b in zip(one, four, strict=True))
    floor = statistics.median(one)
    plain = statistics.median(1 / r for r in results["plain_1"].ratios)
    print(
        "\n  The floor, uncached, in bare views (what one request to /health/live costs):\n"
        f"    the layout around one primary-key query (floor: layout + 1 query): "
        f"{floor:.2f} bare views\n"
        f"    each further such query (from floor: layout + 4 queries): {per_query:.2f} "
        "bare views\n"
        f"    one such query in a bare HTML document (floor: no layout, 1 query): "
        f"{plain:.2f} bare views"
    )
    for kind, budget in (("a detail page", 4.0), ("the report form", 6.0), ("a list page", 12.0)):
        extra = (budget - 1) * floor / per_query if per_query > 0 else float("inf")
        print(
            f"    {kind} at ≤ {budget:g} × the floor may cost {budget * floor:.1f} bare views: "
            f"the layout and about {1 + extra:.0f} such queries, with nothing else to render"
        )


def print_inprocess(report: Report, inprocess: dict[int, dict]) -> None:
    scales = sorted(inprocess)
    small, large = scales[0], scales[-1]
    print(
        "\nQueries per page (in-process, uncached), with the time to serve it in-process "
        "(median) and its size"
    )
    print(
        f"  {'page':<26}"
        + "".join(f"{f'{s}x queries':>12}{f'{s}x ms':>10}{f'{s}x KiB':>10}" for s in scales)
    )
    for name in PAGES:
        if not has_inprocess_page(inprocess[small], name):
            continue
        pages = [inprocess_page(inprocess[s], name) for s in scales]
        counts = [page["queries"] for page in pages]
        cells = "".join(
            f"{page['queries']:>12}{page['median_s'] * 1000:>10.1f}{page['bytes'] / 1024:>10.0f}"
            for page in pages
        )
        if len(scales) > 1 and name != REFERENCE:
            a, b = counts[0], counts[-1]
            same = a == b
            # The API's lists prefetch per page: not one query more with more data.
            nearly = b <= a if name in API_PAGES else abs(a - b) <= max(1, round(0.1 * a))
            ok = report.check(
                nearly, f"queries of the {PAGES[name]}: {a} at {small}x, {b} at {large}x"
            )
            note = "equal" if same else f"{b - a:+d}"
            cells += f"   {note:<6} {ok}"
        print(f"  {PAGES[name]:<26}{cells}")
    print_page_sizes(report, inprocess)

    print(
        "\nReview queue (the admin's report list for a reviewer, in-process; its growth is "
        "checked with the signed-in pages above)"
    )
    for s in scales:
        q = inprocess[s]["queue"]
        print(
            f"  {s}x: {q['reports']:>6} submitted reports in the open period, median "
            f"{q['median_s'] * 1000:.1f} ms (fastest {q['fastest_s'] * 1000:.1f}, slowest "
            f"{q['slowest_s'] * 1000:.1f}), {q['queries']} queries"
        )

    print("\nStreamed CSV export of the published reports: peak traced memory (tracemalloc)")
    for s in scales:
        e = inprocess[s]["export"]
        print(
            f"  {s}x: {e['rows']:>6} rows, {e['bytes'] / 2**20:6.1f} MiB streamed in "
            f"{e['seconds']:.1f} s (traced), peak {e['peak'] / 2**20:.2f} MiB"
        )
    if len(scales) > 1:
        growth = inprocess[large]["export"]["peak"] / inprocess[small]["export"]["peak"]
        ok = report.check(growth <= MAX_MEMORY_GROWTH, f"export peak memory grows {growth:.2f}×")
        print(f"  {large}x / {small}x: {growth:.2f}×  (target ≤ {MAX_MEMORY_GROWTH}×)  {ok}")


def has_inprocess_page(data: dict, name: str) -> bool:
    return name in data["pages"] or name in data.get("signed_in", {})


def inprocess_page(data: dict, name: str) -> dict:
    """A page's in-process figures: a public page's or a signed-in page's."""
    return data["pages"][name] if name in data["pages"] else data["signed_in"][name]


def print_page_sizes(report: Report, inprocess: dict[int, dict]) -> None:
    """The API's lists at each page size (``?limit=``, bench/inprocess.py): the queries must
    be the same for every size, at every scale."""
    scales = sorted(inprocess)
    names = [n for n in API_PAGES if n in inprocess[scales[0]].get("api_page_sizes", {})]
    if not names:
        return
    sizes = list(inprocess[scales[0]]["api_page_sizes"][names[0]])
    print(
        "\nThe API's lists by page size (in-process, uncached): queries, median ms, KiB; "
        "the queries must be the same for every size"
    )
    print(
        f"  {'page':<24}"
        + "".join(
            "".join(f"{f'{s}x limit={size}':>27}" for size in sizes) + " " * 6 for s in scales
        )
    )
    for name in names:
        cells = ""
        for s in scales:
            measured = inprocess[s]["api_page_sizes"][name]
            counts = {size: measured[size]["queries"] for size in sizes}
            ok = report.check(
                len(set(counts.values())) == 1,
                f"queries of the {PAGES[name]} at {s}x by page size: "
                + ", ".join(f"{n} at limit={size}" for size, n in counts.items()),
            )
            cells += "".join(
                f"{measured[size]['queries']:>8} q"
                f"{measured[size]['median_s'] * 1000:>7.1f} ms"
                f"{measured[size]['bytes'] / 1024:>5.0f} K"
                for size in sizes
            )
            cells += f"  {ok}"
        print(f"  {PAGES[name]:<24}{cells}")


def page_times_by_round(
    manifests: dict[int, Path], rounds: int, tmp: Path
) -> dict[int, list[dict[str, dict[str, float]]]]:
    """Every page's in-process median time (``bench/inprocess.py --times-only``), ``rounds``
    times at each scale, each time in a fresh process, the scales alternately."""
    print(
        f"\n== in-process times for the growth: {rounds} rounds, the scales alternately",
        flush=True,
    )
    env = clean_environment()
    env.update(CACHE_URL="dummycache://", DJANGO_LOG_LEVEL="WARNING")
    times: dict[int, list[dict[str, dict[str, float]]]] = {scale: [] for scale in manifests}
    for round_ in range(rounds):
        for scale, manifest_path in manifests.items():
            output = tmp / f"times-{scale}x-{round_}.json"
            run_python(
                ["bench/inprocess.py", manifest_path, "--times-only", "--output", output], env
            )
            times[scale].append(json.loads(output.read_text(encoding="utf-8"))["times"])
    return times


def print_page_growth(
    report: Report,
    http: dict[tuple[int, str], dict[str, PageRuns]],
    times: dict[int, list[dict[str, dict[str, float]]]],
) -> None:
    """Each page's uncached cost at the largest scale over the smallest, under gunicorn (its
    cost in floors, whose rounds are not paired across the scales: the median over the
    median, and the lowest and highest any two rounds give) and in-process (the median over
    the rounds of each scale's time relative to the reference page, ``page_times_by_round``,
    with the lowest and highest any two rounds give; each scale's median time in ms for
    information), against MAX_PAGE_GROWTH."""
    scales = sorted(times)
    small, large = scales[0], scales[-1]
    print(
        f"\nGrowth: each page's uncached cost with ten times the data, {large}x over {small}x "
        f"(target ≤ {MAX_PAGE_GROWTH}× under gunicorn and in-process): under gunicorn its cost "
        "in floors, in-process its time over the no-query page's, timed around each request "
        "(the median times in ms beside it)"
    )
    print(
        f"  {'page':<26}{'gunicorn':>9}  {'(range)':<13}{'':<6}"
        f"{f'in-process ms {small}x → {large}x':<30}{'(range)':<13}{'':<6}"
    )
    for name in (*PUBLIC_PAGES, *SIGNED_IN_PAGES):
        if name not in http[small, "uncached"] or name not in times[small][0]:
            continue
        first = floor_multiples(http[small, "uncached"], name)
        last = floor_multiples(http[large, "uncached"], name)
        growth = statistics.median(last) / statistics.median(first)
        low, high = min(last) / max(first), max(last) / min(first)
        served_ok = report.check(
            growth <= MAX_PAGE_GROWTH,
            f"{PAGES[name]}: uncached cost under gunicorn grows {growth:.2f}× at {large}x",
        )
        ms = [
            statistics.median(each[name]["median_s"] * 1000 for each in times[s])
            for s in (small, large)
        ]
        # Growth in the page's time over the reference page's, timed around each request
        # (``inprocess.page_times``), which the machine's speed leaves as it is.
        rounds = [[each[name]["per_reference"] for each in times[s]] for s in (small, large)]
        relative = [statistics.median(measured) for measured in rounds]
        in_process = relative[1] / relative[0]
        in_low, in_high = min(rounds[1]) / max(rounds[0]), max(rounds[1]) / min(rounds[0])
        in_process_ok = report.check(
            in_process <= MAX_PAGE_GROWTH,
            f"{PAGES[name]}: in-process time grows {in_process:.2f}× at {large}x",
        )
        print(
            f"  {PAGES[name]:<26}{growth:>8.2f}×  {f'({low:.2f}–{high:.2f})':<13}"
            f"{served_ok:<6}"
            f"{f'{ms[0]:.1f} → {ms[1]:.1f} ({in_process:.2f}×)':<30}"
            f"{f'({in_low:.2f}–{in_high:.2f})':<13}{in_process_ok}"
        )


def print_indicator_growth(inprocess: dict[int, dict]) -> None:
    """What the indicator page shows at each scale (checked by ``bench/inprocess.py``)."""
    small, large = min(inprocess), max(inprocess)
    if "indicator" in inprocess[small] and "indicator" in inprocess[large]:
        facts = [inprocess[s]["indicator"] for s in (small, large)]
        print(
            f"  (the indicator has {facts[0]['values']} values at {small}x and "
            f"{facts[1]['values']} at {large}x; its page shows the latest "
            f"{facts[0].get('shown', '?')} and {facts[1].get('shown', '?')} of them in its "
            "table and chart, and links to the table of every value, which has them all)"
        )


# The suite


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--runs", type=int, default=3, help="rounds of wrk runs per server")
    parser.add_argument("--duration", type=float, default=5, help="seconds per wrk run")
    parser.add_argument(
        "--slow-duration",
        type=float,
        default=10,
        help="seconds per wrk run of a page that takes over 100 ms in-process (uncached)",
    )
    parser.add_argument("--warmup", type=float, default=2, help="seconds of wrk per page first")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="WEB_CONCURRENCY")
    parser.add_argument(
        "--growth-rounds",
        type=int,
        default=5,
        help="fresh processes per scale timing every page in-process, the scales alternately",
    )
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_SERVER),
        help="PostgreSQL server URL (its maintenance database); default $BENCH_POSTGRES_URL "
        f"or {DEFAULT_SERVER}",
    )
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    started = time.monotonic()
    try:
        check_prerequisites(args.server)
    except Missing as missing:
        print(f"make bench cannot run:\n{missing}", file=sys.stderr)
        return 2
    # Leave through the finally blocks (stopping gunicorn) on SIGTERM as on Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    scales = sorted(args.scales)
    print(
        f"Benchmarks: scales {', '.join(f'{s}x' for s in scales)}; gunicorn with "
        f"WEB_CONCURRENCY={args.workers}, GUNICORN_MAX_REQUESTS=0; wrk -t1 "
        f"-c{args.connections}, {args.warmup:g} s warm-up per page, then {args.runs} rounds "
        f"of {args.duration:g} s per page ({args.slow_duration:g} s for slow uncached pages); "
        f"{os.cpu_count()} CPUs",
        flush=True,
    )
    report = Report()
    manifests: dict[int, dict] = {}
    inprocess: dict[int, dict] = {}
    http: dict[tuple[int, str], dict[str, PageRuns]] = {}
    times: dict[int, list[dict[str, dict[str, float]]]] = {}
    busy: dict[tuple[int, str], float] = {}
    with tempfile.TemporaryDirectory(prefix="malmo-bench-") as folder:
        tmp = Path(folder)
        static_root = tmp / "static"
        print("\nCollecting static files (collectstatic --no-input)", flush=True)
        env = production_environment("sqlite:///unused.sqlite3", static_root, args.workers)
        run_python(["manage.py", "collectstatic", "--no-input", "--verbosity", "0"], env)

        for scale in scales:
            manifest_path = tmp / f"manifest-{scale}x.json"
            print(f"\n== {scale}x: generating malmo_bench_{scale}x", flush=True)
            run_python(
                [
                    "bench/generate.py",
                    "--scale",
                    str(scale),
                    "--server",
                    args.server,
                    "--manifest",
                    manifest_path,
                ]
            )
            manifest = manifests[scale] = json.loads(manifest_path.read_text(encoding="utf-8"))
            counts = manifest["counts"]
            print(
                "  "
                + ", ".join(f"{n:,} {name}" for name, n in counts.items())
                + f"; migrate {manifest['seconds']['migrate']} s, data "
                f"{manifest['seconds']['data']} s",
                flush=True,
            )
            print(f"== {scale}x: in-process measurements (uncached)", flush=True)
            result_path = tmp / f"inprocess-{scale}x.json"
            env = clean_environment()
            env.update(CACHE_URL="dummycache://", DJANGO_LOG_LEVEL="WARNING")
            run_python(["bench/inprocess.py", manifest_path, "--output", result_path], env)
            inprocess[scale] = json.loads(result_path.read_text(encoding="utf-8"))

            signed_in = manifest.get("signed_in", {})
            seconds = {
                name: args.duration
                if inprocess_page(inprocess[scale], name)["median_s"] <= 0.1
                else args.slow_duration
                for name in [*manifest["pages"], *signed_in]
            }
            base_env = production_environment(manifest["database_url"], static_root, args.workers)
            cookies: dict[str, str] = {}
            for mode in ("cached", "uncached"):
                env = dict(base_env)
                pages = dict(manifest["pages"])
                if mode == "uncached":
                    env["CACHE_URL"] = "dummycache://"
                    # Signed-in pages are never cached: measured here only, as their users.
                    sessions = sign_in({page["user"] for page in signed_in.values()}, env)
                    cookies = {name: sessions[page["user"]] for name, page in signed_in.items()}
                    pages.update({name: page["path"] for name, page in signed_in.items()})
                    pages.update(FLOOR_PAGES)
                print(f"== {scale}x: gunicorn, {mode}", flush=True)
                log = tmp / f"gunicorn-{scale}x-{mode}.log"
                with Gunicorn(env, log) as server, CpuMonitor(server.pid) as cpu:
                    http[scale, mode] = measure_server(
                        server,
                        pages,
                        cached=mode == "cached",
                        runs=args.runs,
                        seconds={name: seconds.get(name, args.duration) for name in pages}
                        if mode == "uncached"
                        else dict.fromkeys(pages, args.duration),
                        warmup=args.warmup,
                        connections=args.connections,
                        cookies=cookies if mode == "uncached" else None,
                    )
                busy[scale, mode] = cpu.other_share
                print(
                    f"  other processes used {cpu.other_share * 100:.0f} % of the CPUs meanwhile",
                    flush=True,
                )

        if len(scales) > 1:
            times = page_times_by_round(
                {scale: tmp / f"manifest-{scale}x.json" for scale in scales},
                args.growth_rounds,
                tmp,
            )

    print("\n" + "=" * 100)
    print("RESULTS")
    for scale in scales:
        m = manifests[scale]
        print(
            f"\n{scale}x data ({m['database']}): "
            + ", ".join(f"{n:,} {k}" for k, n in m["counts"].items())
        )
        print("  pages: " + ", ".join(f"{PAGES[n]} {p}" for n, p in m["pages"].items()))
        for mode in ("cached", "uncached"):
            print_http(report, scale, mode, http[scale, mode], busy[scale, mode])
        print_floor(http[scale, "uncached"])
    print_inprocess(report, inprocess)
    if len(scales) > 1:
        print_page_growth(report, http, times)
        print_indicator_growth(inprocess)
    minutes = (time.monotonic() - started) / 60
    print(
        f"\n{report.checks - len(report.failures)} of {report.checks} targets met; "
        f"{minutes:.1f} minutes."
    )
    if report.failures:
        print("Failed:")
        for failure in report.failures:
            print(f"  - {failure}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
