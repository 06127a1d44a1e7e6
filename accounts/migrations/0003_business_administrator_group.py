"""The business administrator's group (业务管理员): the configuration it keeps in the admin
site, so that no daily account needs to be a superuser (accounts.roles).

It waits for the apps whose permissions it grants, so that each permission is made with
the name Django gives it; the groups are made again after every `migrate` anyway."""

from django.db import migrations


def make_groups(apps, schema_editor):
    from accounts.roles import ensure_role_groups

    ensure_role_groups(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_administrator_role_groups"),
        ("daily_reports", "0002_institution_day_index"),
        ("duty_roster", "0017_history_client_address_and_posts_swaps"),
        ("inspections", "0005_history_client_address_and_answers_photos_extensions_campaigns"),
        ("institutions", "0010_history_client_address"),
        ("notifications", "0004_lighter_indexes"),
        ("relief", "0012_history_client_address_and_payments_lines_visits_categories"),
    ]

    operations = [migrations.RunPython(make_groups, migrations.RunPython.noop)]
