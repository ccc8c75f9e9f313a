"""A snapshot says when a recompute last found its figures unchanged (``confirmed_at``): the
versions already there were last confirmed, as far as anyone knows, when they were computed."""

from django.db import migrations, models


def confirmed_when_computed(apps, schema_editor):
    Snapshot = apps.get_model("dashboards", "Snapshot")
    Snapshot.objects.update(confirmed_at=models.F("computed_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0004_snapshot_versions"),
    ]

    operations = [
        migrations.AddField(
            model_name="snapshot",
            name="confirmed_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(confirmed_when_computed, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="snapshot",
            name="confirmed_at",
            field=models.DateTimeField(),
        ),
    ]
