"""How many published resources each facet value has, kept beside the search rows; and each
row's last change.

- The search rows carry ``updated_at`` (the sitemaps' last changes), not indexed: it changes with
  every save, and a changed indexed column turns every rewrite of the row into a non-HOT update of
  all its indexes, the GIN ones included (generating resources took four times as long).
- Statement-level triggers with transition tables on ``search_searchrow`` append the changes to
  the counts (``search_facetdelta``: a bulk update of 100,000 rows appends once); a statement that
  changes nothing counted (a title edited, a derived field refreshed) returns at once. No count row
  is updated by a trigger: updating the "total" row once per resource made a transaction that
  writes thousands of resources quadratic (each update of a row already updated in the same
  transaction walks the chain of its earlier versions: 5,000 resources took 96 s instead of 20).
- ``search_fold_counts()``, run by the vocabulary refresh after each public change, folds the
  deltas into ``search_facetcount``; readers read the view ``search_facettotal`` (both summed),
  exact whether or not the deltas were folded yet.
"""

import importlib

from django.db import migrations, models

initial = importlib.import_module("search.migrations.0001_initial")

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
COUNTED = [
    "kind", "language", "access", "year", "has_recording", "has_file", "topic_ids",
    "organization_ids", "audience_ids", "region_ids",
]  # fmt: skip


def counts(table: str, sign: str = "", pairs: str = PAIRS) -> str:
    """The counts of the rows of ``table``, grouped (negated with ``sign`` "-")."""
    return (
        f"SELECT facet, value, {sign}count(*) AS n FROM ({pairs.format(t=table)}) p "
        "GROUP BY facet, value"
    )


def append(table: str, sign: str = "", pairs: str = PAIRS) -> str:
    return f"INSERT INTO search_facetdelta (facet, value, n) {counts(table, sign, pairs)};"


def trigger_function(name: str, skip: str, body: str, *, replace: bool = False) -> str:
    return f"""
CREATE {"OR REPLACE " if replace else ""}FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF {skip} THEN RETURN NULL; END IF;
  {body}
  RETURN NULL;
END $$;"""


UNCHANGED = (
    "NOT EXISTS (SELECT 1 FROM old_rows o FULL JOIN new_rows n USING (resource_id) "
    "WHERE o.resource_id IS NULL OR n.resource_id IS NULL "
    f"OR ({', '.join(f'o.{c}' for c in COUNTED)}) "
    f"IS DISTINCT FROM ({', '.join(f'n.{c}' for c in COUNTED)}))"
)


def count_functions(pairs: str = PAIRS, *, replace: bool = False) -> str:
    """The functions of the statement triggers that append each change to the counts (search
    0005 gives them pairs without the rows that have no year)."""
    return (
        trigger_function(
            "search_count_inserted",
            "NOT EXISTS (SELECT 1 FROM new_rows)",
            append("new_rows", pairs=pairs),
            replace=replace,
        )
        + trigger_function(
            "search_count_deleted",
            "NOT EXISTS (SELECT 1 FROM old_rows)",
            append("old_rows", "-", pairs),
            replace=replace,
        )
        + trigger_function(
            "search_count_updated",
            UNCHANGED,
            append("old_rows", "-", pairs) + append("new_rows", pairs=pairs),
            replace=replace,
        )
    )


CREATE = (
    initial.sync_function(initial.COLUMNS + ", updated_at", initial.VALUES + ", r.updated_at")
    + "UPDATE search_searchrow s SET updated_at = r.updated_at FROM resources_resource r "
    "WHERE r.id = s.resource_id;"
    + count_functions()
    + f"""
CREATE TRIGGER search_count_insert AFTER INSERT ON search_searchrow
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_count_inserted();
CREATE TRIGGER search_count_delete AFTER DELETE ON search_searchrow
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_count_deleted();
CREATE TRIGGER search_count_update AFTER UPDATE ON search_searchrow
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION search_count_updated();
CREATE FUNCTION search_fold_counts() RETURNS void LANGUAGE sql AS $$
  WITH folded AS (DELETE FROM search_facetdelta RETURNING facet, value, n)
  INSERT INTO search_facetcount AS c (facet, value, n)
  SELECT facet, value, sum(n) FROM folded GROUP BY facet, value ORDER BY facet, value
  ON CONFLICT (facet, value) DO UPDATE SET n = c.n + excluded.n;
$$;
CREATE VIEW search_facettotal AS
  SELECT facet || ':' || value AS id, facet, value, sum(n)::bigint AS n
  FROM (SELECT facet, value, n FROM search_facetcount
        UNION ALL SELECT facet, value, n FROM search_facetdelta) AS counted
  GROUP BY facet, value;
INSERT INTO search_facetcount (facet, value, n) {counts("search_searchrow")};
"""
)
DROP = (
    """
DROP VIEW IF EXISTS search_facettotal;
DROP TRIGGER IF EXISTS search_count_insert ON search_searchrow;
DROP TRIGGER IF EXISTS search_count_delete ON search_searchrow;
DROP TRIGGER IF EXISTS search_count_update ON search_searchrow;
DROP FUNCTION IF EXISTS search_count_inserted();
DROP FUNCTION IF EXISTS search_count_deleted();
DROP FUNCTION IF EXISTS search_count_updated();
DROP FUNCTION IF EXISTS search_fold_counts();
"""
    # Back to the function of 0001, before the column goes.
    + initial.sync_function(initial.COLUMNS, initial.VALUES)
)


def count_model(name: str, **options) -> migrations.CreateModel:
    return migrations.CreateModel(
        name=name,
        fields=[
            (
                "id",
                models.BigAutoField(
                    auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                ),
            ),  # fmt: skip
            ("facet", models.CharField(max_length=20)),
            ("value", models.TextField()),
            ("n", models.BigIntegerField()),
        ],
        **options,
    )


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="searchrow", name="updated_at", field=models.DateTimeField(null=True)
        ),
        migrations.AddIndex(
            model_name="searchrow",
            index=models.Index(fields=["sort_title", "resource"], name="searchrow_sort_title"),
        ),
        count_model(
            "FacetCount",
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("facet", "value"), name="search_facetcount_facet_value"
                    )
                ]
            },
        ),
        count_model("FacetDelta"),
        migrations.CreateModel(
            name="FacetTotal",
            fields=[
                ("id", models.TextField(primary_key=True, serialize=False)),
                ("facet", models.CharField(max_length=20)),
                ("value", models.TextField()),
                ("n", models.BigIntegerField()),
            ],
            options={"db_table": "search_facettotal", "managed": False},
        ),
        migrations.RunSQL(CREATE, DROP),
    ]
