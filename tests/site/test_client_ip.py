"""The visitor's address behind the configured number of proxies, for the sign-in limits."""

import pytest
from axes.helpers import get_client_ip_address
from django.test import RequestFactory

from malmo_portal.client_ip import client_ip


def request(remote="10.0.0.2", forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # no proxy: the header is the visitor's own words
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the left entry was sent by them
        (2, "198.51.100.1, 203.0.113.9, 10.0.0.5", "203.0.113.9"),
        (1, None, "10.0.0.2"),
        (1, "not-an-address", "10.0.0.2"),
        (2, "203.0.113.9", "10.0.0.2"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_visitors_address_is_read_behind_the_configured_proxies(
    settings, proxies, forwarded, expected
):
    settings.PORTAL_PROXY_COUNT = proxies
    assert client_ip(request(forwarded=forwarded)) == expected


def test_django_axes_and_the_reset_limit_read_the_same_address(settings):
    settings.PORTAL_PROXY_COUNT = 1
    assert get_client_ip_address(request(forwarded="203.0.113.9")) == "203.0.113.9"
