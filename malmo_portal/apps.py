from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.http import multipartparser

# The headers of one part of an uploaded form (its field name, file name and type) may be at
# most this long. Django's 1 KiB refused a file whose name is long in a script that takes
# several bytes a letter (a name of 255 characters may take 1,020 bytes on its own), and it
# answered with a bare "Bad request" that lost everything typed in the form. 16 KiB holds
# any name a file system gives and still bounds what a request can make the server read.
PART_HEADERS_MAX_BYTES = 16 * 1024


class PortalConfig(AppConfig):
    name = "malmo_portal"
    verbose_name = "Malmö sustainability portal"

    def ready(self) -> None:
        # Django reads this module constant on each upload; it offers no setting for it.
        # Not in django-stubs yet.
        multipartparser.MAX_TOTAL_HEADER_SIZE = PART_HEADERS_MAX_BYTES  # type: ignore[attr-defined]


class PortalAdminConfig(AdminConfig):
    """Django's admin with the portal's site as ``admin.site``."""

    default_site = "malmo_portal.admin_site.PortalAdminSite"
