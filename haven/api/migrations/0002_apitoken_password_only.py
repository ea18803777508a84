from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial")]

    operations = [
        # Tokens issued before this field existed: how they were got is unknown, so
        # they count as got with the password alone.
        migrations.AddField(model_name="apitoken", name="password_only", field=models.BooleanField(default=True)),
        migrations.AlterField(model_name="apitoken", name="password_only", field=models.BooleanField(default=False)),
    ]
