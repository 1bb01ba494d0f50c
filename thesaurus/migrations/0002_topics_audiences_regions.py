"""Topics, audiences and regions move to the thesaurus (from resources): state only, the
tables keep their names; their content types follow, keeping permissions and history."""

import django.contrib.postgres.fields
import django.db.models.deletion
from django.db import migrations, models

from common.moving import move_content_types


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("resources", "0013_link_check_blocked"),
        ("thesaurus", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Audience",
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
                        ("name", models.CharField(max_length=100, unique=True)),
                        ("slug", models.SlugField(max_length=100, unique=True)),
                        ("description", models.CharField(blank=True, max_length=300)),
                        ("position", models.PositiveSmallIntegerField(default=0)),
                        (
                            "concept",
                            models.OneToOneField(
                                blank=True,
                                help_text="Its labels in every language, synonyms and acronyms: what search finds it by.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="%(class)s",
                                to="thesaurus.concept",
                                verbose_name="thesaurus concept",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "resources_audience",
                        "ordering": ["position", "name"],
                    },
                ),
                migrations.CreateModel(
                    name="Region",
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
                        ("name", models.CharField(max_length=100, unique=True)),
                        ("slug", models.SlugField(max_length=100, unique=True)),
                        (
                            "kind",
                            models.CharField(
                                choices=[("country", "Country"), ("region", "Region")],
                                default="country",
                                max_length=10,
                            ),
                        ),
                        (
                            "code",
                            models.CharField(
                                blank=True,
                                help_text="ISO 3166-1 alpha-2 code, for countries.",
                                max_length=2,
                            ),
                        ),
                        (
                            "concept",
                            models.OneToOneField(
                                blank=True,
                                help_text="Its labels in every language, synonyms and acronyms: what search finds it by.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="%(class)s",
                                to="thesaurus.concept",
                                verbose_name="thesaurus concept",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "resources_region",
                        "ordering": ["name"],
                    },
                ),
                migrations.CreateModel(
                    name="Topic",
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
                            "name",
                            models.CharField(max_length=100, unique=True, verbose_name="name"),
                        ),
                        (
                            "slug",
                            models.SlugField(
                                allow_unicode=True, max_length=100, unique=True, verbose_name="slug"
                            ),
                        ),
                        ("description", models.TextField(blank=True)),
                        (
                            "former_slugs",
                            django.contrib.postgres.fields.ArrayField(
                                base_field=models.SlugField(max_length=100),
                                blank=True,
                                default=list,
                                editable=False,
                                size=None,
                            ),
                        ),
                        (
                            "concept",
                            models.OneToOneField(
                                blank=True,
                                help_text="Its labels in every language, synonyms and acronyms: what search finds it by.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="%(class)s",
                                to="thesaurus.concept",
                                verbose_name="thesaurus concept",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "topic",
                        "verbose_name_plural": "topics",
                        "db_table": "resources_topic",
                        "ordering": ["name"],
                    },
                ),
            ],
            database_operations=[],
        ),
        move_content_types("resources", "thesaurus", ["topic", "audience", "region"]),
    ]
