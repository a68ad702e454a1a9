"""
Root URL configuration: language-independent URLs first, then the pages, in Swedish at the
root and in English under /en/, with translated paths.
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from assignments.api import docs as api_docs
from assignments.public import home, robots
from assignments.public.sitemaps import SITEMAPS
from malmo_portal import health
from malmo_portal import views as portal_views

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("sitemap.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots.robots_txt, name="robots_txt"),
    path("health/live", health.live, name="health_live"),
    path("health/ready", health.ready, name="health_ready"),
    # The public API: JSON, the same in every language (its texts carry both).
    path("api/v1/", include("assignments.api.urls")),
]

urlpatterns += i18n_patterns(
    path("", home.home, name="home"),
    path(
        _("account/"),
        include(
            [
                # Signing in leads to one's work; password reset is throttled. The other
                # account pages are Django's as they are.
                path("login/", portal_views.LoginView.as_view(), name="login"),
                path(
                    "password_reset/",
                    portal_views.PasswordResetView.as_view(),
                    name="password_reset",
                ),
                path("", include("django.contrib.auth.urls")),
            ]
        ),
    ),
    path("", include("assignments.reporting.urls")),
    path("", include("assignments.public.urls")),
    path("", include("assignments.public.goal_urls")),
    path(_("data/"), include("assignments.opendata.urls")),
    path("api/", api_docs.documentation, name="api_docs"),
    path(settings.PORTAL_ADMIN_PATH, admin.site.urls),
    prefix_default_language=False,
)
