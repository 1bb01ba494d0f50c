"""The main search vector is stemmed with the text search configuration of each resource's
language, and carries that configuration's marker lexeme (see resources/models.py and search.py).

A generated column cannot be altered: it is removed and added again (with its GIN index), which
rewrites the table. The configurations are frozen here as they were when this ran.
"""

import django.contrib.postgres.indexes
from django.contrib.postgres.search import (
    CombinedSearchVector,
    SearchConfig,
    SearchVector,
    SearchVectorField,
)
from django.db import migrations, models
from django.db.models.functions import Cast

CONFIGS = {
    "arabic": ["ar"], "danish": ["da"], "dutch": ["nl"], "english": ["en"], "french": ["fr"],
    "german": ["de"], "italian": ["it"], "portuguese": ["pt"], "russian": ["ru"],
    "spanish": ["es"], "turkish": ["tr"],
}  # fmt: skip
FALLBACK = "simple"


def by_language(value, output_field):
    whens = [
        models.When(language__in=codes, then=value(config)) for config, codes in CONFIGS.items()
    ]
    return models.Case(*whens, default=value(FALLBACK), output_field=output_field)


def marker(config):
    return Cast(models.Value(f"CONFIG_{config}"), SearchVectorField())


config = by_language(SearchConfig, models.TextField())
vector = CombinedSearchVector(
    SearchVector("title", weight="A", config=config)
    + SearchVector("summary", "topic_names", weight="B", config=config)
    + SearchVector("description", "organization_names", "presenters", weight="C", config=config),
    "||",
    by_language(marker, SearchVectorField()),
    None,
)


class Migration(migrations.Migration):
    dependencies = [("resources", "0009_language_versions")]

    operations = [
        migrations.RemoveIndex(model_name="resource", name="resource_search_gin"),
        migrations.RemoveField(model_name="resource", name="search_vector"),
        migrations.AddField(
            model_name="resource",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True, expression=vector, output_field=SearchVectorField()
            ),
        ),
        migrations.AddIndex(
            model_name="resource",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="resource_search_gin"
            ),
        ),
    ]
