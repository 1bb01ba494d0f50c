"""E-mail alerts: one search's new resources for one subscriber, daily or weekly."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("common", "0003_subscriber_outbox_headers"),
    ]

    operations = [
        migrations.CreateModel(
            name="Alert",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("query", models.CharField(blank=True, max_length=1000)),
                (
                    "frequency",
                    models.CharField(
                        choices=[("daily", "Daily"), ("weekly", "Weekly")], max_length=10
                    ),
                ),
                (
                    "language",
                    models.CharField(
                        choices=[
                            ("en", "English"),
                            ("fr", "French"),
                            ("es", "Spanish"),
                            ("ar", "Arabic"),
                        ],
                        max_length=10,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("confirmed_at", models.DateTimeField(blank=True, null=True)),
                ("checked_until", models.DateTimeField(blank=True, null=True)),
                ("last_sent_at", models.DateTimeField(blank=True, null=True)),
                (
                    "subscriber",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="alerts",
                        to="common.subscriber",
                    ),
                ),
            ],
            options={
                "ordering": ["created_at", "pk"],
                "indexes": [
                    models.Index(fields=["frequency", "confirmed_at"], name="alert_frequency"),
                    models.Index(
                        condition=models.Q(("confirmed_at__isnull", True)),
                        fields=["created_at"],
                        name="alert_unconfirmed",
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("subscriber", "query"), name="alert_one_per_search"
                    )
                ],
            },
        ),
    ]
