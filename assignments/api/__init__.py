"""The public API: the portal's published data as read-only JSON, described in OpenAPI 3.1,
and the page that documents it."""
