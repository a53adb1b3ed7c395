"""On PostgreSQL, the audit record's append-only trigger, now pgtrigger's (assessments' 0006 drops the old one)."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0001_initial'),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name='auditrecord',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION '% rows are append-only: add a correction instead of changing or deleting one', TG_TABLE_NAME;", hash='63430397a4651eb67a03b281ed89c978446b774a', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_74d69', table='assessments_auditrecord', when='BEFORE')),
        ),
    ]
