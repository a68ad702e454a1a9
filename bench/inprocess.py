"""
The in-process measurements of one benchmark database, through Django's test client.

    .venv/bin/python bench/inprocess.py MANIFEST.json [--output RESULT.json]
    .venv/bin/python bench/inprocess.py --database malmo_bench_10x --show-queries sdg_goal

``MANIFEST.json`` is what ``bench/generate.py --manifest`` wrote; ``--database`` names a
benchmark database ``make bench`` left behind instead. Run with the cache
disabled (``CACHE_URL=dummycache://``, which ``bench/suite.py`` sets), it measures:

- the queries each public page makes, uncached (``CaptureQueriesContext``), and the median
  time to render it in-process; the public API's lists (``API_LISTS``) are measured again at
  each page size of ``API_PAGE_SIZES`` (``?limit=``), whose query counts must be the same;
  the indicator's values are checked to be shown: its page's latest times (a table row per
  time, a cell and a point of the chart per value) and, over all its pages, the table of
  every value (a row per year or period, a cell per value);
- the review queue: the admin's report list as the reviewer opens it (the open period's
  submitted reports), median of repeated requests, and its queries;
- the peak memory traced by ``tracemalloc`` while the published reports are downloaded as
  CSV and the stream consumed chunk by chunk, as a web server would (the download is made
  once first, untraced, so one-time imports and caches do not count).

It prints the results as JSON (or writes them to ``--output``). ``--show-queries PAGE``
prints the SQL of one page instead, e.g. to find an N+1 query. ``--times-only`` measures
only each page's median time and its time over the no-query reference page's, public and
signed-in: ``bench/suite.py`` runs it several times at each scale, alternating the scales,
for the in-process growth (see ``page_times``).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
import tracemalloc
import warnings
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
# Run as a script (bench/ first on the path): the portal and ``bench.generate`` from the root.
sys.path.insert(0, str(ROOT))
# The median of this many requests is a page's in-process time. Growth compares the medians of
# two scales, measured minutes apart: with 5 requests, the indicator page came out 1.36x at
# ten times the data where 5 interleaved rounds of 20 requests gave 1.06x.
PAGE_RUNS = 21
QUEUE_RUNS = 7
EXPORT_PATH = "/data/published-reports.csv"
# The public API's lists (names in the manifest's pages), measured at the default page size
# and at the largest: a list that prefetches per page makes as many queries for 100 items
# as for 20.
API_LISTS = ("api_assignments", "api_reports")
API_PAGE_SIZES = (20, 100)


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("CACHE_URL", "dummycache://")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "malmo_portal.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    # Static files are served by the finders here; there is no collectstatic folder.
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment(debug=False)  # The test client's host, in-memory e-mail.


def page_queries(client, path: str) -> tuple[int, float, list[str], int]:
    """The queries of one uncached request to ``path``, the median time to serve it, and the
    size of the page."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    response = client.get(path)  # warm: imports, templates, content types
    assert response.status_code == 200, (path, response.status_code)
    # Each request empties the query log as it starts (the request_started signal), so it
    # must be empty before the capture starts counting from it.
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    # Read now: the capture is a view of the connection's log, which the next request empties.
    sql = [q["sql"] for q in queries.captured_queries]
    times = []
    for _ in range(PAGE_RUNS):
        started = time.perf_counter()
        client.get(path)
        times.append(time.perf_counter() - started)
    return len(sql), statistics.median(times), sql, len(response.content)


def with_limit(path: str, limit: int) -> str:
    return f"{path}{'&' if '?' in path else '?'}{urlencode({'limit': limit})}"


def api_page_sizes(client, path: str) -> dict:
    """One API list at each of ``API_PAGE_SIZES``: its queries, median time, size and items
    (a page with fewer items than asked for would not show what the size costs)."""
    sizes = {}
    for limit in API_PAGE_SIZES:
        sized = with_limit(path, limit)
        n, seconds, _sql, size = page_queries(client, sized)
        items = len(client.get(sized).json()["items"])
        assert items == limit, f"{sized} lists {items} items: the data has too few"
        sizes[str(limit)] = {
            "path": sized,
            "queries": n,
            "median_s": seconds,
            "bytes": size,
            "items": items,
        }
    return sizes


def indicator_page(client, path: str, manifest: dict) -> dict:
    """The benched indicator's values are all shown: its page shows the latest times (a table
    row for each, with a cell and a point of the chart for each of their values), and the
    table of every value it links to has, over all its pages (followed by their "next" links),
    a row for each year and reporting period and a cell for each value; the page's rows are
    the full table's last."""
    import re

    from assignments.public.indicators import LATEST_TIMES

    def table(html: str) -> list[tuple[str, list[str]]]:
        return [
            (time, re.findall(r'<td class="data-table__number">([^<]*)</td>', cells))
            for time, cells in re.findall(r'<tr><th scope="row">([^<]*)</th>(.*?)</tr>', html)
        ]

    def get(url: str) -> str:
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        return response.content.decode()

    html = get(path)
    expected = manifest["indicator"]
    shown = table(html)
    cells = sum(1 for _time, row in shown for cell in row if cell)
    lines = re.findall(r'<path d="M([^"]+)"[^>]* marker-mid=', html)
    points = sum(d.count("L") + 1 for d in lines)
    link = re.search(r'<p class="indicator-values__all">.*?<a href="([^"]+)"', html, re.DOTALL)
    assert link, f"{path}: no link to the table of every value"
    full_path = link.group(1)
    every: list[tuple[str, list[str]]] = []
    pages = 0
    url: str | None = full_path
    while url:
        page = get(url)
        pages += 1
        every += table(page)
        following = re.search(r'<a class="pagination__link" href="([^"]+)" rel="next">', page)
        url = f"{full_path}{following.group(1).replace('&amp;', '&')}" if following else None
        assert pages <= expected["rows"], f"{full_path}: its pages do not end"
    values = sum(1 for _time, row in every for cell in row if cell)
    assert len(every) == expected["rows"], f"{full_path}: {len(every)} rows, not {expected['rows']}"
    assert values == expected["values"], f"{full_path}: {values} values, not {expected['values']}"
    assert len(shown) == min(LATEST_TIMES, expected["rows"]), (
        f"{path}: {len(shown)} rows, not the latest {LATEST_TIMES} of {expected['rows']}"
    )
    assert shown == every[-len(shown) :], f"{path}: its rows are not the latest times"
    assert cells == points, f"{path}: {cells} cells and {points} points of the chart"
    return {"values": expected["values"], "rows": expected["rows"], "shown": cells, "pages": pages}


def review_queue(reviewer: str) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import translation

    from assignments.review.reports import queue_filters

    client = client_of(reviewer)
    with translation.override("sv"):
        url = f"{reverse('admin:assignments_report_changelist')}?{urlencode(queue_filters())}"
    response = client.get(url)  # warm: the session, content types, templates
    assert response.status_code == 200, response.status_code
    assert b"result_list" in response.content, "the queue shows no reports"
    times = []
    for _ in range(QUEUE_RUNS):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    query_count = len(queries)
    from assignments.models import Report
    from assignments.selectors import open_periods

    # What the queue lists: the submitted reports of every open period.
    filters = queue_filters()
    return {
        "url": url,
        "reports": Report.objects.filter(
            status=filters["status__exact"], period__in=open_periods()
        ).count(),
        "median_s": statistics.median(times),
        "fastest_s": min(times),
        "slowest_s": max(times),
        "queries": query_count,
    }


def client_of(username: str):
    """A test client signed in as ``username``."""
    from django.test import Client

    from assignments.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def signed_in(pages: dict) -> dict:
    """The signed-in pages (``generate.signed_in_pages``), each as its user: queries, median
    time and size, as for the public pages."""
    result = {}
    for name, page in pages.items():
        client = client_of(page["user"])
        n, seconds, _sql, size = page_queries(client, page["path"])
        result[name] = {**page, "queries": n, "median_s": seconds, "bytes": size}
    return result


def paired_time(client, path: str, reference: str) -> dict[str, float]:
    """The median time to serve ``path``, and the median of its time over the reference
    page's, requested just before and just after each request to it (``per_reference``)."""

    def timed(address: str) -> float:
        started = time.perf_counter()
        response = client.get(address)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, (address, response.status_code)
        return elapsed

    timed(path)  # warm: imports, templates, content types
    around = [timed(reference)]
    times = []
    for _ in range(PAGE_RUNS):
        times.append(timed(path))
        around.append(timed(reference))
    ratios = [t / ((a + b) / 2) for t, a, b in zip(times, around, around[1:], strict=False)]
    return {"median_s": statistics.median(times), "per_reference": statistics.median(ratios)}


def page_times(manifest: dict) -> dict:
    """The median time of each public and signed-in page, and its time over the reference
    page's (``paired_time``).

    A page's time differs by up to 15 % from one Python process to the next (where each
    process puts its objects, string hashes; the machine's state), so two processes, one
    per scale, minutes apart, can show growth that is not there: the goal page came out at
    1.29x that way while the two scales timed alternately in one session gave 1.10x. The
    suite runs this in fresh processes, the scales alternately, and compares the medians.
    And the machine's own speed can change by a fifth from one second to the next (a host
    shared with other machines): each request is timed against the reference page (the
    accessibility statement, which makes no query, the same at every scale) requested just
    before and after it, a ratio the machine's speed leaves as it is.
    """
    from django.test import Client

    reference = manifest["pages"]["reference"]
    client = Client()
    times = {name: paired_time(client, path, reference) for name, path in manifest["pages"].items()}
    for name, page in manifest.get("signed_in", {}).items():
        times[name] = paired_time(client_of(page["user"]), page["path"], reference)
    return times


def download(path: str) -> tuple[int, int]:
    """Stream ``path`` through the test client; return the rows (chunks - 1) and bytes."""
    from django.http import StreamingHttpResponse
    from django.test import Client

    response = Client().get(path)
    assert response.status_code == 200 and response.streaming, response.status_code
    chunks = streamed = 0
    assert isinstance(response, StreamingHttpResponse)
    for chunk in response.streaming_content:
        chunks += 1
        streamed += len(chunk)
    response.close()
    return chunks - 1, streamed


def export_memory() -> dict:
    download(EXPORT_PATH)  # untraced warm-up: imports, translations, compiled templates
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    rows, streamed = download(EXPORT_PATH)
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"path": EXPORT_PATH, "rows": rows, "bytes": streamed, "peak": peak, "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("manifest", type=Path, nargs="?")
    parser.add_argument("--database", help="a benchmark database instead of a manifest")
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="with --database: the PostgreSQL server",
    )
    parser.add_argument("--output", type=Path)
    parser.add_argument("--show-queries", metavar="PAGE", help="print the SQL of one page")
    parser.add_argument(
        "--times-only", action="store_true", help="only each page's median time (page_times)"
    )
    args = parser.parse_args()
    if args.manifest:
        manifest = json.loads(args.manifest.read_text(encoding="utf-8"))
        setup(manifest["database_url"])
    elif args.database:
        from bench import generate

        url = generate.database_url(args.server, args.database)
        setup(url)
        manifest = {
            "scale": args.database,
            "database_url": url,
            "reviewer": "granskare",
            "pages": generate.pages(),
            "signed_in": generate.signed_in_pages("granskare"),
        }
    else:
        parser.error("give a manifest or --database")
    from django.test import Client

    client = Client()
    if args.show_queries:
        name = args.show_queries
        if name in manifest.get("signed_in", {}):
            page = manifest["signed_in"][name]
            client = client_of(page["user"])
            path = page["path"]
        else:
            path = manifest["pages"][name]
        _n, _seconds, sql, _size = page_queries(client, path)
        for n, statement in enumerate(sql, start=1):
            print(f"-- {n}\n{statement}\n")
        return

    if args.times_only:
        result: dict = {"scale": manifest["scale"], "times": page_times(manifest)}
        write(result, args.output)
        return

    result = {"scale": manifest["scale"], "pages": {}}
    for name, path in manifest["pages"].items():
        n, seconds, _sql, size = page_queries(client, path)
        result["pages"][name] = {"path": path, "queries": n, "median_s": seconds, "bytes": size}
    if "indicator" in manifest and "indicator" in manifest["pages"]:
        result["indicator"] = indicator_page(client, manifest["pages"]["indicator"], manifest)
    result["api_page_sizes"] = {
        name: api_page_sizes(client, manifest["pages"][name])
        for name in API_LISTS
        if name in manifest["pages"]
    }
    if "signed_in" in manifest:
        result["signed_in"] = signed_in(manifest["signed_in"])
    result["queue"] = review_queue(manifest["reviewer"])
    result["export"] = export_memory()
    write(result, args.output)


def write(result: dict, output: Path | None) -> None:
    text = json.dumps(result, indent=2)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        print(text)


if __name__ == "__main__":
    main()
