from django.db import migrations


def create_unaccent(apps, schema_editor):
    # Accent-insensitive search on PostgreSQL ("Iran" finds "Irán"). SQLite gets an equivalent
    # function registered on each connection instead (articles/search.py).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_groups")]

    operations = [migrations.RunPython(create_unaccent, migrations.RunPython.noop)]
