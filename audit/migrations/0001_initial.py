"""The audit trail's models move here from the assessments app, with their tables and rows untouched.

State only: the tables `assessments_auditrecord` and `assessments_audithead` were
created by assessments' 0001 and keep their names (`Meta.db_table`), so this
migration depends on it and changes nothing in the database but the content types'
app label (so permissions keep pointing at the models). assessments' 0005 removes
the models from its own state after this one.
"""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

MOVED = ("auditrecord", "audithead")


def relabel_content_types(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # A fresh database has no content types yet (post_migrate creates them): nothing to relabel then.
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not content_type.objects.using(db).filter(app_label="audit", model__in=MOVED).exists():
        content_type.objects.using(db).filter(app_label="assessments", model__in=MOVED).update(app_label="audit")


def unlabel_content_types(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not content_type.objects.using(db).filter(app_label="assessments", model__in=MOVED).exists():
        content_type.objects.using(db).filter(app_label="audit", model__in=MOVED).update(app_label="assessments")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("assessments", "0001_initial"),  # made the two tables
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditHead",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("sequence", models.PositiveBigIntegerField(default=0)),
                        ("hash", models.CharField(default="0" * 64, max_length=64)),
                    ],
                    options={"db_table": "assessments_audithead"},
                ),
                migrations.CreateModel(
                    name="AuditRecord",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("sequence", models.PositiveBigIntegerField(unique=True)),
                        ("at", models.DateTimeField()),
                        ("actor_id", models.BigIntegerField(blank=True, null=True)),
                        ("actor_label", models.CharField(blank=True, max_length=255)),
                        ("enrolment_id", models.BigIntegerField(blank=True, db_index=True, null=True)),
                        ("object_type", models.CharField(max_length=64)),
                        ("object_id", models.CharField(max_length=64)),
                        ("object_label", models.CharField(max_length=255)),
                        ("action", models.CharField(max_length=64)),
                        ("before", models.JSONField(blank=True, null=True)),
                        ("after", models.JSONField(blank=True, null=True)),
                        ("prev_hash", models.CharField(max_length=64)),
                        ("hash", models.CharField(max_length=64)),
                        ("hmac", models.CharField(max_length=64)),
                    ],
                    options={"db_table": "assessments_auditrecord", "ordering": ["sequence"]},
                ),
            ],
            database_operations=[migrations.RunPython(relabel_content_types, unlabel_content_types)],
        ),
    ]
