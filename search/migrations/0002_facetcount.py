"""How many published resources each facet value has, kept by statement triggers on the search
rows: the topics and organisations directories and the unfiltered search page read their exact
counts here instead of counting 100,000 rows on every request (bench/NOTES.md).

A statement-level trigger sees every row a statement changed at once (its transition tables), so
a bulk update or an import of thousands of rows adjusts each count once, in a fixed order (no
deadlock between two publishers).
"""

from django.db import migrations, models

# (facet, value) for each row of a table of search rows: one ('total', '') per row.
PAIRS = """
SELECT 'total' AS facet, '' AS value FROM {t}
UNION ALL SELECT 'kind', kind FROM {t}
UNION ALL SELECT 'language', language FROM {t}
UNION ALL SELECT 'access', access FROM {t}
UNION ALL SELECT 'year', year::text FROM {t}
UNION ALL SELECT 'has', 'recording' FROM {t} WHERE has_recording
UNION ALL SELECT 'has', 'file' FROM {t} WHERE has_file
UNION ALL SELECT 'topic', unnest(topic_ids)::text FROM {t}
UNION ALL SELECT 'organization', unnest(organization_ids)::text FROM {t}
UNION ALL SELECT 'audience', unnest(audience_ids)::text FROM {t}
UNION ALL SELECT 'region', unnest(region_ids)::text FROM {t}
"""


def add(table: str, sign: str) -> str:
    return (
        "INSERT INTO search_facetcount AS c (facet, value, n) "
        f"SELECT facet, value, {sign}count(*) FROM ({PAIRS.format(t=table)}) p "
        "GROUP BY facet, value ORDER BY facet, value "
        "ON CONFLICT (facet, value) DO UPDATE SET n = c.n + excluded.n;"
    )


CREATE = f"""
CREATE FUNCTION search_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN {add("new_rows", "")} RETURN NULL; END $$;
CREATE FUNCTION search_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN {add("old_rows", "-")} RETURN NULL; END $$;
CREATE FUNCTION search_count_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN {add("old_rows", "-")} {add("new_rows", "")} RETURN NULL; END $$;
CREATE TRIGGER search_count_insert AFTER INSERT ON search_searchrow
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_count_inserted();
CREATE TRIGGER search_count_delete AFTER DELETE ON search_searchrow
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_count_deleted();
CREATE TRIGGER search_count_update AFTER UPDATE ON search_searchrow
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION search_count_updated();
{add("search_searchrow", "")}
"""

DROP = """
DROP TRIGGER IF EXISTS search_count_insert ON search_searchrow;
DROP TRIGGER IF EXISTS search_count_delete ON search_searchrow;
DROP TRIGGER IF EXISTS search_count_update ON search_searchrow;
DROP FUNCTION IF EXISTS search_count_inserted();
DROP FUNCTION IF EXISTS search_count_deleted();
DROP FUNCTION IF EXISTS search_count_updated();
"""


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="FacetCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("facet", models.CharField(max_length=20)),
                ("value", models.TextField()),
                ("n", models.BigIntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("facet", "value"), name="search_facetcount_facet_value"
                    )
                ]
            },
        ),
        migrations.RunSQL(CREATE, DROP),
    ]
