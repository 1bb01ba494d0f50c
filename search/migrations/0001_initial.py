"""The narrow table of published rows the search reads, kept by a trigger on resources_resource.

The full search vectors are stored out of line (read through their GIN indexes only), and what
the search scans, counts and ranks on is kept in line and uncompressed: see search/models.py and
bench/NOTES.md.
"""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

COLUMNS = (
    "kind, language, access, published_at, sort_date, year, sort_title, starts_at, ends_at, "
    "has_file, has_recording, topic_ids, organization_ids, audience_ids, region_ids, "
    "search_vector, search_vector_simple, rank_vector"
)
VALUES = (
    "r.kind, r.language, r.access, r.published_at, r.sort_date, "
    "extract(year FROM r.sort_date)::smallint, lower(r.title), r.starts_at, r.ends_at, "
    "r.has_file, r.recording_url <> '', r.topic_ids, r.organization_ids, r.audience_ids, "
    "r.region_ids, r.search_vector, r.search_vector_simple, ts_filter(r.search_vector, '{a,b}')"
)


def sync_function(columns: str, values: str, *, replace: bool = True) -> str:
    """The row trigger's function: writes a published resource's search row, deletes it when
    the resource is no longer published (0002 adds a column to it)."""
    excluded = ", ".join(f"EXCLUDED.{c.strip()}" for c in columns.split(","))
    return f"""
CREATE {"OR REPLACE " if replace else ""}FUNCTION search_sync_row() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'published' AND NEW.published_at IS NOT NULL THEN
    INSERT INTO search_searchrow (resource_id, {columns})
      SELECT r.id, {values} FROM (SELECT NEW.*) r
    ON CONFLICT (resource_id) DO UPDATE SET ({columns}) = ROW({excluded});
  ELSIF TG_OP = 'UPDATE' THEN
    DELETE FROM search_searchrow WHERE resource_id = NEW.id;
  END IF;
  RETURN NULL;
END
$$;
"""


CREATE = f"""
ALTER TABLE search_searchrow SET (toast_tuple_target = 128);
ALTER TABLE search_searchrow
  ALTER COLUMN search_vector SET STORAGE EXTERNAL,
  ALTER COLUMN search_vector_simple SET STORAGE EXTERNAL,
  ALTER COLUMN rank_vector SET STORAGE PLAIN,
  ALTER COLUMN topic_ids SET STORAGE PLAIN,
  ALTER COLUMN organization_ids SET STORAGE PLAIN,
  ALTER COLUMN audience_ids SET STORAGE PLAIN,
  ALTER COLUMN region_ids SET STORAGE PLAIN,
  ALTER COLUMN sort_title SET STORAGE PLAIN;
-- No planner statistics on the vectors: with them a common word is estimated to match most rows
-- and the planner scans the table, reading every row's vector (out of line) to test it; without
-- them it asks the GIN index, which answers a tsquery of plain lexemes without reading any.
ALTER TABLE search_searchrow
  ALTER COLUMN search_vector SET STATISTICS 0,
  ALTER COLUMN search_vector_simple SET STATISTICS 0;

{sync_function(COLUMNS, VALUES, replace=False)}

CREATE TRIGGER search_sync AFTER INSERT OR UPDATE ON resources_resource
  FOR EACH ROW EXECUTE FUNCTION search_sync_row();

INSERT INTO search_searchrow (resource_id, {COLUMNS})
  SELECT r.id, {VALUES} FROM resources_resource r
  WHERE r.status = 'published' AND r.published_at IS NOT NULL;
ANALYZE search_searchrow;
"""
DROP = """
DROP TRIGGER IF EXISTS search_sync ON resources_resource;
DROP FUNCTION IF EXISTS search_sync_row();
"""


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("resources", "0011_concepts"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchRow",
            fields=[
                (
                    "resource",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_row",
                        serialize=False,
                        to="resources.resource",
                    ),
                ),
                ("kind", models.CharField(max_length=20)),
                ("language", models.CharField(max_length=3)),
                ("access", models.CharField(max_length=20)),
                ("published_at", models.DateTimeField()),
                ("sort_date", models.DateField()),
                ("year", models.SmallIntegerField()),
                ("sort_title", models.TextField()),
                ("starts_at", models.DateTimeField(null=True)),
                ("ends_at", models.DateTimeField(null=True)),
                ("has_file", models.BooleanField()),
                ("has_recording", models.BooleanField()),
                (
                    "topic_ids",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.IntegerField(), size=None
                    ),
                ),
                (
                    "organization_ids",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.IntegerField(), size=None
                    ),
                ),
                (
                    "audience_ids",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.IntegerField(), size=None
                    ),
                ),
                (
                    "region_ids",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.IntegerField(), size=None
                    ),
                ),
                ("search_vector", django.contrib.postgres.search.SearchVectorField()),
                ("search_vector_simple", django.contrib.postgres.search.SearchVectorField()),
                ("rank_vector", django.contrib.postgres.search.SearchVectorField()),
            ],
            options={
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(
                        fields=["search_vector"], name="searchrow_vector_gin"
                    ),
                    django.contrib.postgres.indexes.GinIndex(
                        fields=["search_vector_simple"], name="searchrow_simple_gin"
                    ),
                    django.contrib.postgres.indexes.GinIndex(
                        fields=["topic_ids"], name="searchrow_topic_ids_gin"
                    ),
                    django.contrib.postgres.indexes.GinIndex(
                        fields=["organization_ids"], name="searchrow_organization_ids_gin"
                    ),
                    models.Index(
                        models.OrderBy(models.F("sort_date"), descending=True),
                        models.OrderBy(models.F("resource_id"), descending=True),
                        name="searchrow_sort_date",
                    ),
                    models.Index(fields=["-published_at"], name="searchrow_published_at"),
                    models.Index(fields=["starts_at"], name="searchrow_starts_at"),
                ],
            },
        ),
        migrations.RunSQL(CREATE, DROP),
    ]
