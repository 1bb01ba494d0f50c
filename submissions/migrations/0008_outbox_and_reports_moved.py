"""The outbox (now in common) and problem reports (now in upkeep) leave this app's state; their
tables and rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("upkeep", "0001_initial"),
        ("common", "0001_initial"),
        ("submissions", "0007_submission_summary_as_typed"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name="OutboxMessage",
                ),
                migrations.DeleteModel(
                    name="ProblemReport",
                ),
            ],
            database_operations=[],
        ),
    ]
