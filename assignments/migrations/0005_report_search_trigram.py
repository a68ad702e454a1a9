"""
Trigram indexes for the admin's search in the texts of reports, on PostgreSQL only.

The admin searches with ``icontains``, which PostgreSQL runs as
``UPPER(col::text) LIKE UPPER('%term%')``: a B-tree index cannot serve a pattern with a
leading wildcard, a GIN trigram index on the same expression can. The expressions below are
written exactly as Django writes them (with the ``::text`` cast), or the planner would not
match them. SQLite has no such index; there the migration does nothing.

Reversing drops the indexes but keeps the pg_trgm extension: other objects may use it, and
dropping an extension needs more rights than using it.
"""

from django.db import migrations

INDEXES = {
    "report_summary_trgm": "summary",
    "report_narrative_trgm": "narrative",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    table = schema_editor.quote_name(apps.get_model("assignments", "Report")._meta.db_table)
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(name)} ON {table} "
            f"USING gin (UPPER({schema_editor.quote_name(column)}::text) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [("assignments", "0004_reviewers_see_reminders")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
