"""Trigram indexes for the institution search, on PostgreSQL only.

The search matches a fragment anywhere in a name, an address or a person's name
(institution names start with the county's and the town's names, so a prefix search would
find little), which a B-tree cannot answer: without these, every search reads the whole
table. pg_trgm's GIN indexes answer `UPPER(column) LIKE UPPER('%…%')`, Django's
icontains, for fragments of three characters or more (shorter ones still scan). The
extension is trusted (PostgreSQL 13+), so the database owner may create it. SQLite, the
embedded default of `make run`, has neither: there the migration does nothing.
"""

from django.db import migrations

SEARCHED = ["name", "address", "safety_officer", "legal_representative"]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in SEARCHED:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS institution_{column}_trgm "
            f'ON institutions_institution USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in SEARCHED:
        schema_editor.execute(f"DROP INDEX IF EXISTS institution_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("institutions", "0005_institution_list_order")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
