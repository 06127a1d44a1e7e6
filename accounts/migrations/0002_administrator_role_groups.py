"""The groups of the three administrator roles (三员分立) with their admin-site permissions.

The permissions are made here when their model's own post-migrate step has not run yet
(a new database; the audit log's model, which this migration does not wait for)."""

from django.db import migrations


def make_groups(apps, schema_editor):
    from accounts.roles import ensure_role_groups

    ensure_role_groups(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("institutions", "0009_user_administration_permissions"),
    ]

    operations = [migrations.RunPython(make_groups, migrations.RunPython.noop)]
