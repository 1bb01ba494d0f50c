"""The outbox keeps each message's headers (an alert's one-click unsubscribe) and whether it goes
to a subscriber (the admin then hides its address and body); the addresses of subscribers, which
every kind of subscription shares."""

import django.db.models.functions.text
from django.db import migrations, models

import common.models


class Migration(migrations.Migration):
    dependencies = [
        ("common", "0002_outbox_html_and_job_failures"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="headers",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="private",
            field=models.BooleanField(default=False),
        ),
        migrations.CreateModel(
            name="Subscriber",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("email", models.EmailField(max_length=254)),
                (
                    "token",
                    models.CharField(
                        default=common.models.new_token, editable=False, max_length=64, unique=True
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        django.db.models.functions.text.Lower("email"),
                        name="subscriber_email_unique",
                    )
                ],
            },
        ),
    ]
