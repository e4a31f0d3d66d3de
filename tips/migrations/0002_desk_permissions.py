from django.contrib.auth.management import create_permissions
from django.db import migrations

# The Tips desk group reads and handles tips; nobody adds them but sources.
DESK_PERMISSIONS = [
    "view_tip",
    "change_tip",
    "delete_tip",
    "view_tipaccess",
]


def grant_desk_permissions(apps, schema_editor=None):
    app_config = apps.get_app_config("tips")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Tips desk")
    for codename in DESK_PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label="tips", codename=codename)
        )


def revoke_desk_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name="Tips desk"):
        group.permissions.remove(*group.permissions.filter(content_type__app_label="tips"))


class Migration(migrations.Migration):
    dependencies = [
        ("tips", "0001_initial"),
        ("articles", "0003_groups"),
    ]

    operations = [migrations.RunPython(grant_desk_permissions, revoke_desk_permissions)]
