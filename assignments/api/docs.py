"""The API's documentation page: its OpenAPI description rendered on the server."""

from django.http import HttpRequest, HttpResponse


def documentation(request: HttpRequest) -> HttpResponse:
    return HttpResponse("todo")
