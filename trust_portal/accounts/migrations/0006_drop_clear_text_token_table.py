"""The clear-text token table of DRF's rest_framework.authtoken, emptied by 0005, goes."""

from django.db import migrations


def table_drop(apps, schema_editor):
    if "authtoken_token" in schema_editor.connection.introspection.table_names():
        schema_editor.execute("DROP TABLE authtoken_token")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_migrate_clear_text_tokens")]

    operations = [migrations.RunPython(table_drop, migrations.RunPython.noop)]
