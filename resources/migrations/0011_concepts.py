"""Topics, audiences and regions are concepts of the thesaurus; a resource's search column carries
the marker lexemes of the concepts it is tagged with (concept_keys), so that a query naming a
concept finds what is tagged with it.

Organisations count with those they are part of, and only when published. The search column is a
generated column: it is removed and added again with its GIN index (a table rewrite). The
configurations are frozen here as they were when this ran.
"""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.db.models.deletion
from django.conf import settings
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
    CombinedSearchVector(
        SearchVector("title", weight="A", config=config)
        + SearchVector("summary", "topic_names", weight="B", config=config)
        + SearchVector(
            "description", "organization_names", "presenters", weight="C", config=config
        ),
        "||",
        by_language(marker, SearchVectorField()),
        None,
    ),
    "||",
    models.Func(
        Cast("concept_keys", SearchVectorField()),
        models.Value("B"),
        function="setweight",
        output_field=SearchVectorField(),
    ),
    None,
)


def link_concepts(apps, schema_editor):
    """Give every topic, audience and region a concept, named after it in English."""
    Concept = apps.get_model("thesaurus", "Concept")
    Label = apps.get_model("thesaurus", "Label")
    taken = {
        text.lower()
        for text in Label.objects.filter(language="en", kind="pref").values_list("text", flat=True)
    }
    for model_name, kind in [("Topic", "topic"), ("Audience", "audience"), ("Region", "region")]:
        for row in (
            apps.get_model("resources", model_name).objects.filter(concept=None).order_by("pk")
        ):
            uri = f"{settings.THESAURUS_NAMESPACE}{kind}/{row.slug}"
            if Concept.objects.filter(uri=uri).exists():
                uri = f"{uri}-{row.pk}"
            concept = Concept.objects.create(uri=uri, kind=kind)
            label_kind = "alt" if row.name.lower() in taken else "pref"
            taken.add(row.name.lower())
            Label.objects.create(concept=concept, language="en", kind=label_kind, text=row.name)
            row.concept = concept
            row.save(update_fields=["concept"])


ORGANIZATION_IDS = (
    "ARRAY(SELECT DISTINCT x FROM resources_resource_organizations ro "
    "JOIN organizations_organization o ON o.id = ro.organization_id "
    "CROSS JOIN LATERAL unnest(o.ancestor_ids || o.id::integer) x "
    "WHERE ro.resource_id = resources_resource.id AND o.status = 'published' ORDER BY x)"
)
REFRESH = f"""
UPDATE resources_resource SET
  organization_ids = {ORGANIZATION_IDS},
  organization_names = coalesce((SELECT string_agg(trim(o.name || ' ' || o.acronym), ' '
      ORDER BY o.name) FROM organizations_organization o WHERE o.id = ANY({ORGANIZATION_IDS})), ''),
  concept_keys = array_to_string(ARRAY(SELECT 'CONCEPT_' || c FROM (
      SELECT t.concept_id FROM resources_taggedresource tr JOIN resources_topic t ON t.id = tr.tag_id
       WHERE tr.content_object_id = resources_resource.id
      UNION SELECT a.concept_id FROM resources_resource_audiences ra
        JOIN resources_audience a ON a.id = ra.audience_id WHERE ra.resource_id = resources_resource.id
      UNION SELECT g.concept_id FROM resources_resource_regions rg
        JOIN resources_region g ON g.id = rg.region_id WHERE rg.resource_id = resources_resource.id
      UNION SELECT o.concept_id FROM organizations_organization o WHERE o.id = ANY({ORGANIZATION_IDS})
  ) s(c) WHERE c IS NOT NULL ORDER BY c), ' ')
"""


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0010_search_in_each_language"),
        ("organizations", "0003_part_of_and_concepts"),
        ("thesaurus", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="audience",
            name="concept",
            field=models.OneToOneField(
                blank=True,
                help_text="Its labels in every language, synonyms and acronyms: what search finds it by.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="%(class)s",
                to="thesaurus.concept",
                verbose_name="thesaurus concept",
            ),
        ),
        migrations.AddField(
            model_name="region",
            name="concept",
            field=models.OneToOneField(
                blank=True,
                help_text="Its labels in every language, synonyms and acronyms: what search finds it by.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="%(class)s",
                to="thesaurus.concept",
                verbose_name="thesaurus concept",
            ),
        ),
        migrations.AddField(
            model_name="topic",
            name="concept",
            field=models.OneToOneField(
                blank=True,
                help_text="Its labels in every language, synonyms and acronyms: what search finds it by.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="%(class)s",
                to="thesaurus.concept",
                verbose_name="thesaurus concept",
            ),
        ),
        migrations.AddField(
            model_name="topic",
            name="former_slugs",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.SlugField(max_length=100),
                blank=True,
                default=list,
                editable=False,
                size=None,
            ),
        ),
        migrations.AddField(
            model_name="resource",
            name="concept_keys",
            field=models.TextField(blank=True, editable=False),
        ),
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
        migrations.RunPython(link_concepts, migrations.RunPython.noop),
        migrations.RunSQL(REFRESH, migrations.RunSQL.noop),
    ]
