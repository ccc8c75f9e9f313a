"""The moved models' content types become the transformation app's, keeping their ids, so what
points at them follows without a change: permissions (auth_permission), the admin's log
(django_admin_log), generic relations. Safe to run twice; reversible."""

from django.db import migrations

MODELS = [
    "project",
    "boardmeeting",
    "businesscase",
    "casecost",
    "casespend",
    "block3draw",
    "benefit",
    "benefitquarter",
    "risk",
]
MOVED = MODELS + [f"historical{name}" for name in MODELS]


def relabel(apps, schema_editor, *, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    types = ContentType.objects.using(db)
    for model in MOVED:
        # A type already made under the new label (post_migrate of a run that stopped half
        # way) is left alone rather than clashing with the one that has the ids.
        if not types.filter(app_label=new, model=model).exists():
            types.filter(app_label=old, model=model).update(app_label=new)
    ContentType.objects.clear_cache()


def forwards(apps, schema_editor):
    relabel(apps, schema_editor, old="contracts", new="transformation")


def backwards(apps, schema_editor):
    relabel(apps, schema_editor, old="transformation", new="contracts")


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("transformation", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
