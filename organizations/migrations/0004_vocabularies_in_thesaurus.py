"""Organisations' topics and regions now point at the thesaurus's models (the same tables)."""

import django.db.models.deletion
import taggit.managers
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0003_part_of_and_concepts"),
        ("thesaurus", "0002_topics_audiences_regions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="organization",
                    name="headquarters",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="headquartered_organizations",
                        to="thesaurus.region",
                        verbose_name="headquarters country",
                    ),
                ),
                migrations.AlterField(
                    model_name="organization",
                    name="regions_served",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="organizations_serving",
                        to="thesaurus.region",
                        verbose_name="countries or regions served",
                    ),
                ),
                migrations.AlterField(
                    model_name="organization",
                    name="topics",
                    field=taggit.managers.TaggableManager(
                        blank=True,
                        help_text="A comma-separated list of tags.",
                        through="organizations.OrganizationTopic",
                        to="thesaurus.Topic",
                        verbose_name="focus topics",
                    ),
                ),
                migrations.AlterField(
                    model_name="organizationtopic",
                    name="tag",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="organization_items",
                        to="thesaurus.topic",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
