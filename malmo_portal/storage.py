"""
The storage of the static files in production.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """
    WhiteNoise's compressed, hashed static files, with each file's URL worked out once per
    process.

    ``{% static %}`` asks the storage for the URL on every render: a look-up in the manifest
    and a URL join, five to seven times on every page (docs/performance.md, "Templates").
    The manifest is read once, when the process starts, and cannot change while it runs (a
    deployment runs ``collectstatic`` and restarts the servers), so neither can the URLs. A
    name the manifest does not hold still raises ``ValueError`` on every call, as without
    the cache.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        if force or name is None:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            url = self._urls[name] = super().url(name)
            return url
