"""The audit trail's models leave this app's state for the `audit` app's; their tables and rows stay.

State only: audit's 0001 takes the same tables (`Meta.db_table`), so nothing is
dropped. Nothing here has a foreign key to them (records hold plain ids).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0004_item_sign_off_rounds"),
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="AuditHead"),
                migrations.DeleteModel(name="AuditRecord"),
            ],
            database_operations=[],
        ),
    ]
