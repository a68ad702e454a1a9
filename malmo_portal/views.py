"""Views of the portal as a whole."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form without a valid CSRF token: say what to do, in the visitor's language, and
    leave the technical reason to the log."""
    return render(request, "403_csrf.html", status=403)
