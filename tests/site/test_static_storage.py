"""The production storage of the static files: WhiteNoise's, with its URLs worked out once."""

import json

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from malmo_portal.storage import StaticFilesStorage

MANIFEST = {
    "paths": {
        "css/portal.css": "css/portal.0123456789ab.css",
        "img/mark.svg": "img/mark.ba9876543210.svg",
        "css/en plats.css": "css/en plats.55aa55aa55aa.css",
    },
    "version": "1.1",
    "hash": "0f0f0f0f0f0f",
}


@pytest.fixture
def static_root(tmp_path):
    (tmp_path / "staticfiles.json").write_text(json.dumps(MANIFEST))
    return tmp_path


def storages(static_root):
    options = {"location": static_root, "base_url": "/static/"}
    return StaticFilesStorage(**options), CompressedManifestStaticFilesStorage(**options)


@pytest.mark.parametrize("name", list(MANIFEST["paths"]))
def test_gives_exactly_the_url_whitenoise_gives(static_root, name):
    cached, plain = storages(static_root)
    expected = plain.url(name)
    assert cached.url(name) == expected  # worked out
    assert cached.url(name) == expected  # remembered
    assert cached.url(name, force=True) == plain.url(name, force=True)


def test_looks_each_name_up_in_the_manifest_once(static_root, monkeypatch):
    cached, _plain = storages(static_root)
    looked_up = []
    stored_name = cached.stored_name
    monkeypatch.setattr(
        cached, "stored_name", lambda name: looked_up.append(name) or stored_name(name)
    )
    for _ in range(3):
        cached.url("css/portal.css")
        cached.url("img/mark.svg")
    assert looked_up == ["css/portal.css", "img/mark.svg"]


def test_a_name_the_manifest_does_not_hold_fails_every_time(static_root):
    cached, _plain = storages(static_root)
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            cached.url("css/missing.css")
