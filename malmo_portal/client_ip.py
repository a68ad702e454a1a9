"""
The visitor's address, for the limits on sign-in (django-axes) and password reset requests.

Behind proxies, REMOTE_ADDR is the nearest proxy's address, the same for every visitor; each
proxy appends the address it received the request from to X-Forwarded-For. With
PORTAL_PROXY_COUNT proxies in front of the portal (AXES_PROXY_COUNT in the environment), the
visitor's address is the entry that many places from the right: entries further left were
sent by the visitor and can say anything, so they are never read.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.PORTAL_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < proxies:
        return remote  # not through the proxies the settings say: the connection's address
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
