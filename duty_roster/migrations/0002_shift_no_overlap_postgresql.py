"""On PostgreSQL the database itself refuses two shifts overlapping at one post.

SQLite has no exclusion constraints; there Shift.clean() and the roster services
(which lock the post while writing) are the guard, as they are on PostgreSQL too.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE duty_roster_shift ADD CONSTRAINT shift_no_overlap_at_post
    EXCLUDE USING gist (post_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&);
"""
DROP = "ALTER TABLE duty_roster_shift DROP CONSTRAINT IF EXISTS shift_no_overlap_at_post;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("duty_roster", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
