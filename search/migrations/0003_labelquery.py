"""The labels of the thesaurus as the search matches them (filled and kept by 0004: its SQL needs
the table's indexes, which Django creates at the end of the migration that creates the table)."""

from django.db import migrations, models

import search.models


class Migration(migrations.Migration):
    dependencies = [("search", "0002_counts")]

    operations = [
        migrations.CreateModel(
            name="LabelQuery",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("concept_id", models.BigIntegerField(db_index=True)),
                ("config", models.CharField(max_length=20)),
                ("first", models.TextField()),
                ("query", search.models.TsQueryField()),
            ],
            options={
                "indexes": [
                    models.Index(fields=["config", "first"], name="search_labelquery_first")
                ],
            },
        ),
    ]
