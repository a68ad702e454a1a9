"""
Every write the portal makes, one function each: the report workflow (``reports``), the
copying of a budget year (``budgets``) and indicator values (``indicators``). Views, the admin
and management commands call these and never save the workflow's models themselves.

The report workflow is the services' everyday face, so its functions are importable from the
package: ``services.submit_report(report=…, by=…)``.
"""

from .indicators import ImportResult, ValueInput, import_values
from .reports import (
    ConcurrentEditError,
    add_attachment,
    approve_report,
    create_report,
    is_reporter,
    publish_report,
    remove_attachment,
    reopen_report,
    return_report,
    save_report,
    submit_report,
    version_authors,
)

__all__ = [
    "ConcurrentEditError",
    "ImportResult",
    "ValueInput",
    "add_attachment",
    "approve_report",
    "create_report",
    "import_values",
    "is_reporter",
    "publish_report",
    "remove_attachment",
    "reopen_report",
    "return_report",
    "save_report",
    "submit_report",
    "version_authors",
]
