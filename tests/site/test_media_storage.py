"""
Attachments in an S3-compatible bucket (PORTAL_MEDIA_STORAGE=s3, django-storages), as several
servers share them: stored privately, handed out only through the portal's download view.
A real S3 API served by moto on the loopback stands in for the city's object store.
"""

from __future__ import annotations

import socket

import pytest
from django.urls import reverse

from assignments import services
from tests.helpers import PDF, manage, production_environment, python, upload

BUCKET = "malmo-portal-test"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """The default storage is a fresh private bucket, configured as settings.py does it."""
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "portal-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "portal-test-secret")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="eu-north-1")
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"}
    )
    settings.STORAGES = settings.STORAGES | {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "eu-north-1",
                "location": "media",
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        }
    }
    yield client
    objects = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    for item in objects:
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.fixture
def draft(assignment, organisation, period, reporter, db):
    return services.create_report(
        assignment=assignment, organisation=organisation, period=period, by=reporter
    )


def test_an_attachment_is_stored_privately_in_the_bucket(bucket, draft, reporter, settings):
    attachment = services.add_attachment(report=draft, by=reporter, upload=upload("a.pdf", PDF))
    key = f"media/{attachment.file.name}"
    stored = bucket.get_object(Bucket=BUCKET, Key=key)
    assert stored["Body"].read() == PDF
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert all("AllUsers" not in str(grant["Grantee"]) for grant in grants)
    assert not (settings.MEDIA_ROOT / attachment.file.name).exists()  # not on local disk


def test_an_attachment_in_the_bucket_downloads_through_the_portal(bucket, client, draft, reporter):
    attachment = services.add_attachment(report=draft, by=reporter, upload=upload("a.pdf", PDF))
    client.force_login(reporter)
    response = client.get(
        reverse("assignments:attachment_download", args=[draft.pk, attachment.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF


def test_removing_an_attachment_of_a_draft_deletes_it_from_the_bucket(
    bucket, client, draft, reporter, django_capture_on_commit_callbacks
):
    attachment = services.add_attachment(report=draft, by=reporter, upload=upload("a.pdf", PDF))
    client.force_login(reporter)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assignments:attachment_remove", args=[draft.pk, attachment.pk]))
    assert bucket.list_objects_v2(Bucket=BUCKET).get("KeyCount", 0) == 0


def test_the_environment_selects_the_bucket():
    env = production_environment() | {
        "PORTAL_MEDIA_STORAGE": "s3",
        "PORTAL_S3_BUCKET": "malmo-portal-media",
        "PORTAL_S3_ENDPOINT_URL": "https://s3.example",
        "PORTAL_S3_REGION": "eu-north-1",
    }
    result = python(
        "from django.core.files.storage import storages; s = storages['default']; "
        "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.region_name, "
        "s.location, s.default_acl, s.querystring_auth, s.file_overwrite)",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "S3Storage",
        "malmo-portal-media",
        "https://s3.example",
        "eu-north-1",
        "media",
        "private",
        "True",
        "False",
    ]


def test_an_unknown_media_storage_is_refused():
    result = manage("check", env=production_environment() | {"PORTAL_MEDIA_STORAGE": "ftp"})
    assert result.returncode != 0
    assert "PORTAL_MEDIA_STORAGE must be 'local' or 's3'" in result.stderr


def test_the_cache_is_redis_through_djangos_own_backend():
    result = python(
        "from django.conf import settings; "
        "c = settings.CACHES['default']; print(c['BACKEND'], c['LOCATION'])",
        env=production_environment() | {"CACHE_URL": "redis://redis.internal:6379/0"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://redis.internal:6379/0",
    ]
