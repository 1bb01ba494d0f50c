"""The outbox moves here from submissions: state only, the table keeps its name; its content
type follows, keeping permissions and history."""

from django.db import migrations, models

from common.moving import move_content_types


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("submissions", "0007_submission_summary_as_typed"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OutboxMessage",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("to", models.JSONField(default=list)),
                        ("subject", models.CharField(max_length=300)),
                        ("body", models.TextField()),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("queued", "Queued"),
                                    ("sent", "Sent"),
                                    ("failed", "Failed, will retry"),
                                    ("gave-up", "Gave up"),
                                ],
                                default="queued",
                                max_length=10,
                            ),
                        ),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("last_error", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        "db_table": "submissions_outboxmessage",
                        "ordering": ["-created_at"],
                        "indexes": [
                            models.Index(fields=["status", "created_at"], name="outbox_status")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        move_content_types("submissions", "common", ["outboxmessage"]),
    ]
