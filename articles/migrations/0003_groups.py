from django.contrib.auth.management import create_permissions
from django.db import migrations

# Codenames by group. Reporters write and submit for review; only editors publish.
GROUP_PERMISSIONS = {
    "Reporter": [
        "articles.add_article",
        "articles.change_article",
        "articles.view_article",
        "articles.add_byline",
        "articles.change_byline",
        "articles.delete_byline",
        "articles.view_byline",
        "articles.view_section",
        "articles.view_correction",
        "authors.view_author",
        "images.add_image",
        "images.view_image",
        "taggit.add_tag",
        "taggit.view_tag",
    ],
    "Editor": [
        "articles.add_article",
        "articles.change_article",
        "articles.delete_article",
        "articles.view_article",
        "articles.publish_article",
        "articles.add_byline",
        "articles.change_byline",
        "articles.delete_byline",
        "articles.view_byline",
        "articles.add_section",
        "articles.change_section",
        "articles.view_section",
        "articles.add_correction",
        "articles.view_correction",
        "authors.add_author",
        "authors.change_author",
        "authors.view_author",
        "authors.add_authorlink",
        "authors.change_authorlink",
        "authors.delete_authorlink",
        "authors.view_authorlink",
        "images.add_image",
        "images.change_image",
        "images.view_image",
        "taggit.add_tag",
        "taggit.change_tag",
        "taggit.view_tag",
    ],
    "Photo editor": [
        "images.add_image",
        "images.change_image",
        "images.delete_image",
        "images.view_image",
        "articles.view_article",
    ],
    # Tip permissions are granted by the tips app's own migration.
    "Tips desk": [],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    grant_group_permissions(apps)


def grant_group_permissions(apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUP_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_workflow"),
        ("authors", "0001_initial"),
        ("images", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
