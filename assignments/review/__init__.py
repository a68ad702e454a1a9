"""
The reviewers' room: the sustainability office's admin, one module per concern.

- ``people``: accounts, memberships and organisations (who may manage whom: ``roles``);
- ``city_data``: assignments and responsibilities; ``imports``: their CSV/XLSX import and
  export (``resources``);
- ``periods``: reporting periods, closing and reopening them, and "Who has reported";
- ``reports``: the review queue and a report's review page with its decisions;
- ``records``: what the services wrote (versions, attachments, events, reminders), read-only;
- ``budgets``: budget years and copying one to the next;
- ``indicators``: indicators with their targets, their values read-only, and the import and
  export of their yearly values as a file (``value_files``).

Each ModelAdmin is registered once, on the portal's admin site (``malmo_portal.admin_site``),
when Django's admin autodiscovery imports ``assignments.admin``.
"""
