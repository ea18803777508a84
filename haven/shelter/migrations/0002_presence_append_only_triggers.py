from __future__ import annotations

from django.db import migrations

from haven.shelter.triggers import create_triggers, drop_triggers


def forwards(apps, schema_editor):
    create_triggers(schema_editor.connection)


def backwards(apps, schema_editor):
    drop_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("shelter", "0001_sites_rooms_stays_presence")]
    operations = [migrations.RunPython(forwards, backwards)]
