"""The IQA's sample: a unit sign-off the IQA selected, not achieved until countersigned.

Append-only like the other decisions: on PostgreSQL the trigger of 0002 refuses UPDATE and DELETE.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLE = "assessments_unitsample"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION assessments_append_only();"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};")


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_append_only_triggers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="UnitSample",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField()),
                ("by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                         to=settings.AUTH_USER_MODEL)),
                ("unit_sign_off", models.OneToOneField(on_delete=django.db.models.deletion.PROTECT,
                                                       related_name="sample", to="assessments.unitsignoff")),
            ],
            options={"ordering": ["-at"]},
        ),
        migrations.RunPython(forwards, backwards),
    ]
