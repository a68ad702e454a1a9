"""
Template helpers for the sign-in pages that no view of ours renders.

django-axes draws its lockout page from a template with only the typed username and the
cool-off in its context (``axes.helpers.get_lockout_response``), so the page gets its sign-in
form and its "try again in N minutes" from here. Registered as a template builtin in
``settings.TEMPLATES``, so templates use these without ``{% load %}``.
"""

from __future__ import annotations

import datetime
import math

from django import template
from django.contrib.auth.forms import AuthenticationForm

register = template.Library()


@register.simple_tag(takes_context=True)
def login_form(context: template.Context, username: str = "") -> AuthenticationForm:
    """An empty sign-in form with ``username`` filled in, drawn like every other form.

    Without the usual autofocus: the page's message, above the form, is to be read first.
    """
    form = AuthenticationForm(context.get("request"), initial={"username": username})
    form.fields["username"].widget.attrs.pop("autofocus", None)
    return form


@register.filter
def in_minutes(duration: datetime.timedelta | None) -> int:
    """Whole minutes, rounded up, so a wait is never announced as shorter than it is."""
    if not duration:
        return 0
    return max(1, math.ceil(duration.total_seconds() / 60))
