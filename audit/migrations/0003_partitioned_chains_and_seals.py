"""The audit trail partitioned: a chain per enrolment (and "platform"), a head row per chain, and seals.

No record is rewritten. The records written so far stay one chain, named "" (the original
chain), hashed exactly as before, and its head row (the old single row) becomes that chain's
head; no new record joins it. Moving them into per-enrolment chains would mean renumbering
and re-hashing append-only rows with the current key, which would also launder any
tampering done before the move; kept as they are, `verify_audit` checks them as it always
did, and the first seal names the original chain's head beside the new ones.
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.core.management.color import no_style
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def restart_head_ids(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # The single head row was made with an explicit id (1), which PostgreSQL's id sequence never counted:
    # the first new chain's head would take id 1 again. Start the sequence after the rows there are.
    head = apps.get_model("audit", "AuditHead")
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [head]):
            cursor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only_trigger_by_pgtrigger'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditSeal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sequence', models.PositiveBigIntegerField(unique=True)),
                ('at', models.DateTimeField()),
                ('prev_hash', models.CharField(max_length=64)),
                ('hash', models.CharField(max_length=64)),
                ('hmac', models.CharField(max_length=64)),
            ],
            options={
                'ordering': ['sequence'],
            },
        ),
        migrations.CreateModel(
            name='AuditSealHead',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seal_sequence', models.PositiveBigIntegerField()),
                ('chain', models.CharField(blank=True, max_length=64)),
                ('sequence', models.PositiveBigIntegerField()),
                ('hash', models.CharField(max_length=64)),
            ],
            options={
                'ordering': ['seal_sequence', 'chain'],
            },
        ),
        migrations.AlterModelOptions(
            name='auditrecord',
            options={'ordering': ['chain', 'sequence']},
        ),
        migrations.AddField(
            model_name='audithead',
            name='chain',
            field=models.CharField(blank=True, default='', max_length=64, unique=True),
        ),
        migrations.AddField(
            model_name='audithead',
            name='sealed_sequence',
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='auditrecord',
            name='chain',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.AlterField(
            model_name='auditrecord',
            name='sequence',
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AddConstraint(
            model_name='auditrecord',
            constraint=models.UniqueConstraint(fields=('chain', 'sequence'), name='audit_record_chain_sequence'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='auditseal',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION '% rows are append-only: add a correction instead of changing or deleting one', TG_TABLE_NAME;", hash='e82c100e28582e63bef52d1248f4635a7b9e4be1', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_3a3ab', table='audit_auditseal', when='BEFORE')),
        ),
        migrations.AddConstraint(
            model_name='auditsealhead',
            constraint=models.UniqueConstraint(fields=('seal_sequence', 'chain'), name='audit_seal_head_chain'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='auditsealhead',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION '% rows are append-only: add a correction instead of changing or deleting one', TG_TABLE_NAME;", hash='54933ab71f9032b29f178336d47b75f4f4272aef', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_ae7d3', table='audit_auditsealhead', when='BEFORE')),
        ),
        migrations.RunPython(restart_head_ids, migrations.RunPython.noop),
    ]
