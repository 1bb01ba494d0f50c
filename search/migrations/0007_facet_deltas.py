"""Counts kept as a folded table plus pending deltas, so that no transaction updates the same
count row again and again.

Updating the "total" count once per written resource made a transaction that writes thousands of
resources quadratic (each update of a row already updated in the same transaction walks the
chain of its earlier versions): 5,000 resources in one transaction took 96 s, 1,000 took 5.6 s.
Now the triggers append deltas (``search_facetdelta``, no row is ever updated), the vocabulary
refresh after each public change folds them into ``search_facetcount``
(``search_fold_counts()``), and readers read ``search_facettotal``: both, summed, so that a count
is exact whether or not the deltas were folded yet.
"""

import importlib

from django.db import migrations, models

counts = importlib.import_module("search.migrations.0002_facetcount")
skip = importlib.import_module("search.migrations.0005_counts_skip_unchanged")
PAIRS = counts.PAIRS


def append(table: str, sign: str) -> str:
    return (
        "INSERT INTO search_facetdelta (facet, value, n) "
        f"SELECT facet, value, {sign}count(*) FROM ({PAIRS.format(t=table)}) p "
        "GROUP BY facet, value;"
    )


CREATE = f"""
CREATE OR REPLACE FUNCTION search_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM new_rows) THEN RETURN NULL; END IF;
  {append("new_rows", "")}
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION search_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM old_rows) THEN RETURN NULL; END IF;
  {append("old_rows", "-")}
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION search_count_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF {skip.UNCHANGED} THEN RETURN NULL; END IF;
  {append("old_rows", "-")} {append("new_rows", "")}
  RETURN NULL;
END $$;
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
"""
DROP = """
DROP VIEW IF EXISTS search_facettotal;
DROP FUNCTION IF EXISTS search_fold_counts();
SELECT 1;
"""


class Migration(migrations.Migration):
    dependencies = [("search", "0006_no_updated_at_index")]

    operations = [
        migrations.CreateModel(
            name="FacetDelta",
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
        ),
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
        # Reversing goes back to the functions of 0005 (their count updates in place).
        migrations.RunSQL(CREATE, DROP + skip.CREATE),
    ]
