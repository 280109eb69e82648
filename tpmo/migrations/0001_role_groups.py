"""Create the TPMO role groups (TPMO admin, Director, TPM, Viewer) with their permissions."""

from django.db import migrations


def create_role_groups(apps, schema_editor):
    from tpmo.roles import sync_role_groups

    sync_role_groups(apps)


def remove_role_groups(apps, schema_editor):
    from tpmo.roles import ROLE_ORDER

    apps.get_model("auth", "Group").objects.filter(name__in=[r.value for r in ROLE_ORDER]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("programs", "0001_initial"),
        ("risks", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
