"""
Sign users in for the benchmarks: a session for each username given, in the benchmark
database, printed as JSON ``{username: Cookie header value}``.

    DATABASE_URL=… DJANGO_SECRET_KEY=… .venv/bin/python bench/session.py granskare …

``bench/suite.py`` runs it with the environment of the server it measures: a session's
authentication hash is made with the secret key, so the server accepts only a session made
with its own. The session is the one Django's test client makes with ``force_login``: a row
in the session table, as a browser's sign-in leaves it.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(usernames: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from assignments.models import User

    cookies = {}
    for username in usernames:
        client = Client()
        client.force_login(User.objects.get(username=username))
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies[username] = f"{settings.SESSION_COOKIE_NAME}={session}"
    print(json.dumps(cookies))


if __name__ == "__main__":
    main(sys.argv[1:])
