"""Add the person status ``merged`` (a record merged into another; not present)."""

from django.db import migrations


def forward(apps, schema_editor):
    PersonStatus = apps.get_model("registry", "PersonStatus")
    PersonStatus.objects.get_or_create(
        code="merged",
        defaults={
            "label_en": "Merged into another record",
            "label_ru": "Объединён с другой записью",
            "label_ar": "مدمج في سجل آخر",
            "is_present": False,
            "sort_order": 90,
        },
    )


def reverse(apps, schema_editor):
    PersonStatus = apps.get_model("registry", "PersonStatus")
    Person = apps.get_model("registry", "Person")
    if not Person.objects.filter(status="merged").exists():
        PersonStatus.objects.filter(code="merged").delete()


class Migration(migrations.Migration):
    dependencies = [("matching", "0002_search_backends"), ("registry", "0002_seed_reference_data")]
    operations = [migrations.RunPython(forward, reverse)]
