"""The kept counts skip the statements that change nothing they count.

Every write of a published resource rewrites its search row (``INSERT … ON CONFLICT DO UPDATE``),
and such a statement fires both the INSERT and the UPDATE statement triggers, most often with no
row inserted and no counted column changed (an edit of a title, a derived field refreshed).
Recounting then cost a few milliseconds a write: generating 100,000 resources took four times
as long. Now an empty transition table, or an update whose counted columns are all unchanged,
returns at once.
"""

import importlib

from django.db import migrations

counts = importlib.import_module("search.migrations.0002_facetcount")
add = counts.add

COUNTED = (
    "kind, language, access, year, has_recording, has_file, topic_ids, organization_ids, "
    "audience_ids, region_ids"
)
UNCHANGED = f"""
NOT EXISTS (
  SELECT 1 FROM old_rows o FULL JOIN new_rows n USING (resource_id)
  WHERE o.resource_id IS NULL OR n.resource_id IS NULL
     OR ({", ".join(f"o.{c.strip()}" for c in COUNTED.split(","))})
        IS DISTINCT FROM ({", ".join(f"n.{c.strip()}" for c in COUNTED.split(","))})
)
"""

CREATE = f"""
CREATE OR REPLACE FUNCTION search_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM new_rows) THEN RETURN NULL; END IF;
  {add("new_rows", "")}
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION search_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM old_rows) THEN RETURN NULL; END IF;
  {add("old_rows", "-")}
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION search_count_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF {UNCHANGED} THEN RETURN NULL; END IF;
  {add("old_rows", "-")} {add("new_rows", "")}
  RETURN NULL;
END $$;
"""

BEFORE = f"""
CREATE OR REPLACE FUNCTION search_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN {add("new_rows", "")} RETURN NULL; END $$;
CREATE OR REPLACE FUNCTION search_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN {add("old_rows", "-")} RETURN NULL; END $$;
CREATE OR REPLACE FUNCTION search_count_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN {add("old_rows", "-")} {add("new_rows", "")} RETURN NULL; END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("search", "0004_searchrow_updated_at")]

    operations = [migrations.RunSQL(CREATE, BEFORE)]
