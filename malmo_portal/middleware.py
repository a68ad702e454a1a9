"""Middleware of the portal as a whole."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    """
    While the database cannot be reached (a restart, a fail-over), answer 503 with a page
    that says so and a Retry-After header, instead of a generic server error. A form that
    could not be saved tells the user to go back and send it again: the browser still holds
    what they typed. With persistent connections and health checks, the portal reconnects by
    itself once the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("The database is unavailable: %s", exception)
        response = HttpResponse(
            render_to_string("503.html", {"request": request}, request=None), status=503
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
