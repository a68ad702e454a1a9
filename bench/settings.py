"""
The settings gunicorn runs with in ``make bench``: the portal's own (``malmo_portal.settings``,
from the environment as in production), with the floor page of ``bench/floor.py`` added.
"""

import copy

from malmo_portal.settings import *  # noqa: F403
from malmo_portal.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
# A copy: the portal's own settings stay as they are where both modules are imported.
TEMPLATES = copy.deepcopy(TEMPLATES)
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]
