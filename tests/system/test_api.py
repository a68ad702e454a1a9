"""The public API as a client on another site meets it: gunicorn with debug off, on
PostgreSQL and Redis, over real HTTP."""

import json

import pytest

from .conftest import Server

pytestmark = pytest.mark.system


def test_the_api_answers_reads_from_the_cache_and_to_other_sites(portal):
    with Server(portal) as server:
        client = server.client()
        first = client.get("/api/v1/reports?limit=2")
        assert first.status == 200
        assert first.headers["content-type"].startswith("application/json")
        page = json.loads(first.body)
        assert page["count"] >= 1 and len(page["items"]) <= 2
        assert page["items"][0]["url"].startswith(server.url)

        # A copy the client holds is still current: 304, without a body.
        again = client.request(
            "GET", "/api/v1/reports?limit=2", headers={"If-None-Match": first.headers["etag"]}
        )
        assert (again.status, again.body) == (304, "")
        modified = client.request(
            "GET",
            "/api/v1/reports?limit=2",
            headers={"If-Modified-Since": first.headers["last-modified"]},
        )
        assert modified.status == 304

        head = client.request("HEAD", "/api/v1/reports?limit=2")
        assert (head.status, head.body) == (200, "")

        # Another site's script may read, and only read.
        origin = {"Origin": "https://example.org"}
        read = client.request("GET", "/api/v1/sdg/goals", headers=origin)
        assert read.headers["access-control-allow-origin"] == "*"
        preflight = client.request(
            "OPTIONS",
            "/api/v1/sdg/goals",
            headers={**origin, "Access-Control-Request-Method": "GET"},
        )
        assert preflight.status == 200
        assert "POST" not in preflight.headers["access-control-allow-methods"]
        post = client.request("POST", "/api/v1/reports", body=b"{}", headers=origin)
        assert post.status == 405

        # Bad input is a JSON answer, never a server error or an HTML page.
        for path, status in (
            ("/api/v1/reports?offset=-1", 400),
            ("/api/v1/reports?limit=10000", 400),
            ("/api/v1/reports?budget=2031", 404),
            ("/api/v1/reports/0", 400),
            ("/api/v1/no-such-thing", 404),
            ("/api/v1/reports?q=%00", 400),
        ):
            response = client.get(path)
            assert response.status == status, path
            assert "detail" in json.loads(response.body), path

        docs = client.get("/en/api/")
        assert docs.status == 200
        assert "<script" not in docs.body and "/api/v1/openapi.json" in docs.body
        assert json.loads(client.get("/api/v1/openapi.json").body)["openapi"] == "3.1.0"
