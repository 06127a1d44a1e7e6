"""PostgreSQL refuses UPDATE and DELETE of audit rows, whoever asks (see audit.models).

The one exception is the nightly archive's DELETE: rows older than 180 days (the legal
floor, fixed here whatever AUDIT_RETENTION_DAYS says), in a transaction that has said
`SET LOCAL audit.archiving = 'on'`. Archive records are never changed nor deleted.
SQLite has no such trigger; there the ORM refuses and the hash chain tells.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Nested: PL/pgSQL does not promise to stop at the first false condition, and
    -- archive records have no "time" to look at.
    IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'audit_auditevent'
       AND current_setting('audit.archiving', true) = 'on' THEN
        IF OLD."time" < now() - interval '180 days' THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_auditarchive_append_only
    BEFORE UPDATE OR DELETE ON audit_auditarchive
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_auditarchive_append_only ON audit_auditarchive;
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_refuse_change();
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_audit_log")]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
