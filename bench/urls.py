"""The portal's routes, unchanged and first, then the benchmarks' floor (bench/floor.py)."""

from bench.floor import urlpatterns as floor_patterns
from malmo_portal.urls import urlpatterns as portal_patterns

urlpatterns = [*portal_patterns, *floor_patterns]
