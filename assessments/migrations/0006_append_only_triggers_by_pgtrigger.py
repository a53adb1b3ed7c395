"""The append-only triggers become pgtrigger's, declared in each model's `Meta.triggers`.

Drops the hand-written triggers of 0002 and 0003 (and their shared function) on
PostgreSQL, then installs pgtrigger's (same tables, same refusal, same message);
the audit record's own comes back in audit's 0002. Both steps do nothing on other
databases. Backwards, the hand-written ones return.
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

# The tables 0002 and 0003 protected by hand (the audit record's table too: the function was shared).
HAND_WRITTEN = (
    "assessments_auditrecord",
    "assessments_decision",
    "assessments_itemsignoff",
    "assessments_signedevidence",
    "assessments_learnerdeclaration",
    "assessments_unitsignoff",
    "assessments_countersignature",
    "assessments_iqareferral",
    "assessments_unitsample",
)

FUNCTION = """
CREATE OR REPLACE FUNCTION assessments_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only: add a correction instead of changing or deleting one', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def drop_hand_written(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in HAND_WRITTEN:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS assessments_append_only();")


def restore_hand_written(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)  # no placeholders: the % of RAISE is literal
    for table in HAND_WRITTEN:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION assessments_append_only();"
        )


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0005_audit_moves_to_its_own_app'),
    ]

    operations = [
        migrations.RunPython(drop_hand_written, restore_hand_written),
        pgtrigger.migrations.AddTrigger(
            model_name='countersignature',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION '% rows are append-only: add a correction instead of changing or deleting one', TG_TABLE_NAME;", hash='ef2bcfc85445e0201d6c4adf09e087334546b5be', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_f1feb', table='assessments_countersignature', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='decision',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION '% rows are append-only: add a correction instead of changing or deleting one', TG_TABLE_NAME;", hash='8f4c6e75ab6809efe8a75a092df2a0b79a58e04a', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_390dc', table='assessments_decision', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='iqareferral',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION '% rows are append-only: add a correction instead of changing or deleting one', TG_TABLE_NAME;", hash='fc8deab99d9276220c654434ee6fc29c9445ed50', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_55273', table='assessments_iqareferral', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='itemsignoff',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION '% rows are append-only: add a correction instead of changing or deleting one', TG_TABLE_NAME;", hash='10e531e43bc8080db062a16edd62d270561e5cbb', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_72ef8', table='assessments_itemsignoff', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='learnerdeclaration',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION '% rows are append-only: add a correction instead of changing or deleting one', TG_TABLE_NAME;", hash='485e6894854ca45201f8c55f57898101c97199a9', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_15187', table='assessments_learnerdeclaration', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='signedevidence',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION '% rows are append-only: add a correction instead of changing or deleting one', TG_TABLE_NAME;", hash='e673c66103fcd2f9e5184aabeb545a6b41f1103f', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_f25c1', table='assessments_signedevidence', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='unitsample',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION '% rows are append-only: add a correction instead of changing or deleting one', TG_TABLE_NAME;", hash='22bb2c4f7389e85fd20c89c4ab2e8e25226ca289', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_ce188', table='assessments_unitsample', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='unitsignoff',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION '% rows are append-only: add a correction instead of changing or deleting one', TG_TABLE_NAME;", hash='c9922275da536f9333d44d65c9b74e27ad8aa84a', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_0b5bf', table='assessments_unitsignoff', when='BEFORE')),
        ),
    ]
