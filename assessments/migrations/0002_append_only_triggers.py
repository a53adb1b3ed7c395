"""On PostgreSQL, refuse UPDATE and DELETE of decisions, sign-offs and audit records in the database itself.

Defence in depth beside the models' guards and the view-only admin: even a raw SQL
statement from the application's account cannot rewrite the record. (A database
owner can still disable the trigger; the audit chain's hashes catch that.)
TRUNCATE, used by the test runner's flush, is not a row event and stays possible.
"""

from django.db import migrations

TABLES = (
    "assessments_auditrecord",
    "assessments_decision",
    "assessments_itemsignoff",
    "assessments_signedevidence",
    "assessments_learnerdeclaration",
    "assessments_unitsignoff",
    "assessments_countersignature",
    "assessments_iqareferral",
)

FUNCTION = """
CREATE OR REPLACE FUNCTION assessments_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only: add a correction instead of changing or deleting one', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)  # no placeholders: the % of RAISE is literal
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION assessments_append_only();"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS assessments_append_only();")


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
