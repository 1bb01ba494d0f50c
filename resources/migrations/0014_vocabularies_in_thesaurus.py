"""Topics, audiences and regions have moved to the thesaurus: resources point at them there;
the tables and their rows stay as they are."""

import django.db.models.deletion
import taggit.managers
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0004_vocabularies_in_thesaurus"),
        ("resources", "0013_link_check_blocked"),
        ("thesaurus", "0002_topics_audiences_regions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="region",
                    name="concept",
                ),
                migrations.RemoveField(
                    model_name="topic",
                    name="concept",
                ),
                migrations.AlterField(
                    model_name="taggedresource",
                    name="tag",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="resource_items",
                        to="thesaurus.topic",
                    ),
                ),
                migrations.AlterField(
                    model_name="guide",
                    name="audiences",
                    field=models.ManyToManyField(
                        blank=True, related_name="guides", to="thesaurus.audience"
                    ),
                ),
                migrations.AlterField(
                    model_name="resource",
                    name="audiences",
                    field=models.ManyToManyField(
                        blank=True, related_name="resources", to="thesaurus.audience"
                    ),
                ),
                migrations.AlterField(
                    model_name="resource",
                    name="regions",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="resources",
                        to="thesaurus.region",
                        verbose_name="countries or regions",
                    ),
                ),
                migrations.AlterField(
                    model_name="resource",
                    name="topics",
                    field=taggit.managers.TaggableManager(
                        blank=True,
                        help_text="A comma-separated list of tags.",
                        through="resources.TaggedResource",
                        to="thesaurus.Topic",
                        verbose_name="topics",
                    ),
                ),
                migrations.DeleteModel(
                    name="Audience",
                ),
                migrations.DeleteModel(
                    name="Region",
                ),
                migrations.DeleteModel(
                    name="Topic",
                ),
            ],
            database_operations=[],
        ),
    ]
