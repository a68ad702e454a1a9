from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """Django's admin with the portal's site as ``admin.site``."""

    default_site = "malmo_portal.admin_site.PortalAdminSite"
