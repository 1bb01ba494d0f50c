"""The search rows carry each resource's last change (``updated_at``): the sitemaps' last
changes of a topic, an organisation or a section are then read from the narrow table."""

from django.db import migrations, models

COLUMNS = (
    "kind, language, access, published_at, sort_date, year, sort_title, starts_at, ends_at, "
    "has_file, has_recording, topic_ids, organization_ids, audience_ids, region_ids, "
    "search_vector, search_vector_simple, rank_vector"
    ", updated_at"
)
VALUES = (
    "r.kind, r.language, r.access, r.published_at, r.sort_date, "
    "extract(year FROM r.sort_date)::smallint, lower(r.title), r.starts_at, r.ends_at, "
    "r.has_file, r.recording_url <> '', r.topic_ids, r.organization_ids, r.audience_ids, "
    "r.region_ids, r.search_vector, r.search_vector_simple, ts_filter(r.search_vector, '{a,b}')"
    ", r.updated_at"
)


def function(columns: str, values: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION search_sync_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'published' AND NEW.published_at IS NOT NULL THEN
    INSERT INTO search_searchrow (resource_id, {columns})
      SELECT r.id, {values} FROM (SELECT NEW.*) r
    ON CONFLICT (resource_id) DO UPDATE SET
      ({columns}) = ROW({", ".join(f"EXCLUDED.{c.strip()}" for c in columns.split(","))});
  ELSIF TG_OP = 'UPDATE' THEN
    DELETE FROM search_searchrow WHERE resource_id = NEW.id;
  END IF;
  RETURN NULL;
END
$$;
"""


FILL = (
    "UPDATE search_searchrow s SET updated_at = r.updated_at FROM resources_resource r "
    "WHERE r.id = s.resource_id;"
)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_sort_title_index")]

    operations = [
        migrations.AddField(
            model_name="searchrow", name="updated_at", field=models.DateTimeField(null=True)
        ),
        migrations.AddIndex(
            model_name="searchrow",
            index=models.Index(fields=["-updated_at"], name="searchrow_updated_at"),
        ),
        migrations.RunSQL(
            function(COLUMNS, VALUES) + FILL,
            # Back to the function of 0001, before the column goes.
            function(COLUMNS.removesuffix(", updated_at"), VALUES.removesuffix(", r.updated_at")),
        ),
    ]
