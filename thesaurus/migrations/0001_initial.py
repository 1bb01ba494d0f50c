"""The thesaurus: concepts and their labels in each language (SKOS)."""

import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Concept",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "uri",
                    models.CharField(
                        blank=True,
                        help_text="Its identifier in SKOS files. Left empty, one is made from the label.",
                        max_length=500,
                        unique=True,
                        verbose_name="URI",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("topic", "Topic"),
                            ("audience", "Audience"),
                            ("region", "Country or region"),
                            ("organization", "Organisation"),
                            ("term", "Other term"),
                        ],
                        default="term",
                        max_length=12,
                        verbose_name="kind",
                    ),
                ),
                (
                    "notation",
                    models.CharField(
                        blank=True,
                        help_text="A code, e.g. a country's ISO code.",
                        max_length=50,
                        verbose_name="notation",
                    ),
                ),
                ("definition", models.TextField(blank=True, verbose_name="definition")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "broader",
                    models.ManyToManyField(
                        blank=True,
                        help_text="More general concepts: a search for them also finds this one's resources.",
                        related_name="narrower",
                        to="thesaurus.concept",
                        verbose_name="broader concepts",
                    ),
                ),
                (
                    "related",
                    models.ManyToManyField(
                        blank=True, to="thesaurus.concept", verbose_name="related concepts"
                    ),
                ),
            ],
            options={
                "verbose_name": "concept",
                "verbose_name_plural": "concepts",
                "ordering": ["pk"],
            },
        ),
        migrations.CreateModel(
            name="Label",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "language",
                    models.CharField(
                        help_text="A language code: en, fr, es, ar…",
                        max_length=10,
                        verbose_name="language",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("pref", "Preferred"),
                            ("alt", "Alternative"),
                            ("acronym", "Acronym or abbreviation"),
                            ("hidden", "Hidden (a misspelling or old form, found but never shown)"),
                        ],
                        default="alt",
                        max_length=8,
                        verbose_name="kind",
                    ),
                ),
                ("text", models.CharField(max_length=200, verbose_name="label")),
                (
                    "concept",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="labels",
                        to="thesaurus.concept",
                    ),
                ),
            ],
            options={
                "verbose_name": "label",
                "verbose_name_plural": "labels",
                "ordering": ["language", "kind", "text"],
            },
        ),
        migrations.AddIndex(
            model_name="concept",
            index=models.Index(fields=["kind"], name="thesaurus_concept_kind"),
        ),
        migrations.AddConstraint(
            model_name="label",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "pref")),
                fields=("concept", "language"),
                name="thesaurus_one_preferred_label_per_language",
            ),
        ),
        migrations.AddConstraint(
            model_name="label",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("text"),
                models.F("language"),
                condition=models.Q(("kind", "pref")),
                name="thesaurus_unique_preferred_label",
            ),
        ),
        migrations.AddConstraint(
            model_name="label",
            constraint=models.UniqueConstraint(
                models.F("concept"),
                models.F("language"),
                django.db.models.functions.text.Lower("text"),
                name="thesaurus_label_once_per_concept",
            ),
        ),
    ]
