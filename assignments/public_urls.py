"""The public pages: published progress by assignment, organisation, council goal and report."""

from django.urls import path  # noqa: F401
from django.utils.translation import gettext_lazy as _  # noqa: F401

app_name = "public"

urlpatterns: list = []
