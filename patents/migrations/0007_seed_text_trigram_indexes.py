"""Trigram indexes for the seed list's text filter on PostgreSQL (issue 13).

The filter (patents.selectors.filter_patents) is `icontains` on four columns, which Django writes as
`UPPER(col::text) LIKE UPPER('%word%')`: without these indexes every search read every seed (a
parallel sequential scan, 342 ms at 100,000 seeds). GIN indexes with gin_trgm_ops on the same
expressions let PostgreSQL answer it with a bitmap OR of index scans. SQLite keeps the plain scan
(small cities, the embedded demo): this migration does nothing there, and the model state does not
change, so it needs no counterpart in models.py.
"""

from django.db import migrations

COLUMNS = ("title", "abstract", "plain_summary", "number")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS patent_{column}_trgm ON patents_patent "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS patent_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("patents", "0006_import_applicant_check")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
