"""Problem reports move here from submissions: state only, the table keeps its name; its
content type follows, keeping the Moderators' permissions and the history."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from common.moving import move_content_types


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("submissions", "0007_submission_summary_as_typed"),
        ("resources", "0014_vocabularies_in_thesaurus"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ProblemReport",
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
                        (
                            "reason",
                            models.CharField(
                                choices=[
                                    ("broken-link", "The link or file does not work"),
                                    ("outdated", "Something in it is out of date"),
                                    ("inappropriate", "It should not be listed here"),
                                    ("other", "Something else"),
                                ],
                                max_length=20,
                                verbose_name="what is wrong",
                            ),
                        ),
                        (
                            "details",
                            models.TextField(blank=True, max_length=2000, verbose_name="details"),
                        ),
                        (
                            "email",
                            models.EmailField(
                                blank=True, max_length=254, verbose_name="e-mail for a reply"
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="reported"),
                        ),
                        (
                            "resolved_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="resolved"),
                        ),
                        (
                            "notes",
                            models.TextField(
                                blank=True, help_text="For the team only.", verbose_name="notes"
                            ),
                        ),
                        (
                            "resolved_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="resolved by",
                            ),
                        ),
                        (
                            "resource",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="problem_reports",
                                to="resources.resource",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "problem report",
                        "db_table": "submissions_problemreport",
                        "ordering": ["created_at", "pk"],
                        "indexes": [
                            models.Index(
                                fields=["resolved_at", "created_at"], name="problem_report_queue"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        move_content_types("submissions", "upkeep", ["problemreport"]),
    ]
