"""Views of the portal as a whole."""

import math

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from . import throttling


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form without a valid CSRF token: say what to do, in the visitor's language, and
    leave the technical reason to the log."""
    return render(request, "403_csrf.html", status=403)


class LoginView(auth_views.LoginView):
    """
    Signing in leads to one's work: a reviewer to the review queue, anyone else to "Mina
    uppdrag" (LOGIN_REDIRECT_URL). An address the person was sent to sign in for, such as a
    report linked from an e-mail (``?next=``), comes first.
    """

    def get_default_redirect_url(self) -> str:
        user = self.request.user
        if user.is_authenticated and user.is_reviewer:
            return reverse("admin:assignments_report_changelist")
        return super().get_default_redirect_url()


class PasswordResetView(auth_views.PasswordResetView):
    """
    Django's password reset, throttled per e-mail address (as typed, in any case) and per
    client address (read as django-axes reads it). Within the limits nothing changes: every
    address, known or not, is sent on to the same "done" page. Over either limit, the form
    comes back with status 429 and the same message for every address, and no e-mail goes
    out, so the answer never tells whether an account has that address.
    """

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().casefold()
        client = get_client_ip_address(self.request)
        wait = throttling.hit(
            "password-reset",
            [
                (f"email:{email}", settings.PORTAL_PASSWORD_RESET_LIMIT_PER_EMAIL),
                (f"ip:{client}", settings.PORTAL_PASSWORD_RESET_LIMIT_PER_IP),
            ],
            window=int(settings.PORTAL_PASSWORD_RESET_WINDOW.total_seconds()),
        )
        if not wait:
            return super().form_valid(form)
        response = self.render_to_response(
            self.get_context_data(form=form, throttled_minutes=math.ceil(wait / 60)),
            status=429,
        )
        response["Retry-After"] = str(wait)
        return response
