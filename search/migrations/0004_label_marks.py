"""Each search row carries a marker lexeme for every concept one of whose labels its text contains.

A query naming a concept used to test each label of the concept as a phrase; the GIN index cannot
decide a phrase by itself, so every row holding a phrase's words but not the phrase itself had its
full vector read from out of line storage ("survivors" with three filters: 904 ms at 100,000
resources, most of it rechecking rows with both "torture" and "victims"). Now the labels are
matched once, when a row is written, and a query asks for the concept's ``LABEL_<id>`` lexeme:
plain lexemes only, answered by the index alone (bench/NOTES.md).

Kept by the database, like the search rows themselves:
- ``search_labelquery`` holds each label's phrase in the configuration of its language (an acronym
  in every configuration), joined to that configuration's marker lexeme, with one lexeme a match
  must contain (``first``);
- the search row trigger adds the marks of the labels a row's vector matches, trying only the
  labels whose first lexeme it has (under a millisecond a row);
- a statement trigger on ``thesaurus_label`` rebuilds the queries of the concepts a statement
  touched and re-marks the rows that a query it added or removed matches (found through the
  index).
"""

import importlib

from django.db import migrations

initial = importlib.import_module("search.migrations.0001_initial")
counts = importlib.import_module("search.migrations.0002_counts")

# As resources.models.TEXT_SEARCH_CONFIGS reads today (a change there needs a migration, like
# the generated search column of resources_resource).
CONFIGS = {
    "en": "english", "fr": "french", "es": "spanish", "ar": "arabic", "pt": "portuguese",
    "ru": "russian", "tr": "turkish", "de": "german", "it": "italian", "nl": "dutch",
    "da": "danish",
}  # fmt: skip
FALLBACK = "simple"
ALL_CONFIGS = sorted({*CONFIGS.values(), FALLBACK})

MARKED = "r.search_vector || search_label_marks(r.search_vector, search_config(r.language))"
COLUMNS = initial.COLUMNS + ", updated_at"
VALUES_BEFORE = initial.VALUES + ", r.updated_at"
assert VALUES_BEFORE.count("r.search_vector, r.search_vector_simple") == 1
VALUES = VALUES_BEFORE.replace("r.search_vector, r.search_vector_simple",
                               f"{MARKED}, r.search_vector_simple")  # fmt: skip

# Every row's vector rewritten: without its GIN index, built again after (adding each row's
# lexemes to the index one row at a time took over ten minutes at 100,000 resources).
REWRITE = """
SET LOCAL maintenance_work_mem = '256MB';
DROP INDEX searchrow_vector_gin;
UPDATE search_searchrow s SET search_vector = {vector}
  FROM resources_resource r WHERE r.id = s.resource_id;
CREATE INDEX searchrow_vector_gin ON search_searchrow USING gin (search_vector);
"""

# The labels an UPDATE statement changed (old and new row side by side).
CHANGED_LABELS = (
    "FROM old_rows o JOIN new_rows n USING (id) "
    "WHERE (o.concept_id, o.language, o.kind, o.text) IS DISTINCT FROM "
    "(n.concept_id, n.language, n.kind, n.text)"
)

whens = " ".join(f"WHEN '{code}' THEN '{config}'" for code, config in CONFIGS.items())
every = ", ".join(f"'{config}'" for config in ALL_CONFIGS)

CREATE = f"""
CREATE FUNCTION search_config(language text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE language {whens} ELSE '{FALLBACK}' END
$$;

-- The queries of the labels of these concepts (each label in its language's configuration, an
-- acronym in every one; labels of stop words only match nothing and are left out).
CREATE FUNCTION search_label_queries(concepts bigint[])
RETURNS TABLE (concept_id bigint, config text, first text, query tsquery)
LANGUAGE sql STABLE AS $$
  SELECT DISTINCT l.concept_id, c.config,
    (tsvector_to_array(to_tsvector(c.config::regconfig, l.text)))[1],
    phraseto_tsquery(c.config::regconfig, l.text) && format('%L', 'CONFIG_' || c.config)::tsquery
  FROM thesaurus_label l
  CROSS JOIN LATERAL unnest(CASE WHEN l.kind = 'acronym' THEN ARRAY[{every}]
    ELSE ARRAY[search_config(left(l.language, 2))] END) AS c(config)
  WHERE l.concept_id = ANY(concepts)
    AND numnode(phraseto_tsquery(c.config::regconfig, l.text)) > 0
$$;

-- The marker lexemes of the concepts (all, or these) with a label that the vector ``v`` of a row
-- indexed with ``config`` contains.
CREATE FUNCTION search_label_marks(v tsvector, config text, concepts bigint[] DEFAULT NULL)
RETURNS tsvector LANGUAGE sql STABLE AS $$
  SELECT coalesce(string_agg(DISTINCT 'LABEL_' || q.concept_id, ' '), '')::tsvector
  FROM unnest(tsvector_to_array(v)) AS w(lexeme)
  JOIN search_labelquery q ON q.config = search_label_marks.config AND q.first = w.lexeme
  WHERE q.query @@ v AND (concepts IS NULL OR q.concept_id = ANY(concepts))
$$;

-- The labels of these concepts changed: their queries again, and the marks of the rows that a
-- query added or removed matches (only those can gain or lose a marker: a label edited costs what
-- its old and new texts match, not what the concept's other labels do).
CREATE FUNCTION search_relabel(concepts bigint[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  before text[];
  candidates tsquery;
BEGIN
  IF coalesce(cardinality(concepts), 0) = 0 THEN RETURN; END IF;
  before := ARRAY(SELECT concept_id || ' ' || query::text FROM search_labelquery
                  WHERE concept_id = ANY(concepts));
  DELETE FROM search_labelquery WHERE concept_id = ANY(concepts);
  INSERT INTO search_labelquery (concept_id, config, first, query)
    SELECT * FROM search_label_queries(concepts);
  -- Each query as "<concept> <tsquery>": what changed is the difference of the two sets.
  SELECT string_agg(format('(%s)', substr(changed, strpos(changed, ' ') + 1)), ' | ')::tsquery
    INTO candidates
  FROM ((SELECT concept_id || ' ' || query::text FROM search_labelquery
         WHERE concept_id = ANY(concepts) EXCEPT SELECT unnest(before))
        UNION (SELECT unnest(before) EXCEPT SELECT concept_id || ' ' || query::text
               FROM search_labelquery WHERE concept_id = ANY(concepts))) AS d(changed);
  IF candidates IS NULL THEN RETURN; END IF;
  UPDATE search_searchrow s SET search_vector = n.v
  FROM (
    SELECT resource_id, ts_delete(search_vector, ARRAY(SELECT 'LABEL_' || c FROM unnest(concepts) c))
      || search_label_marks(search_vector, search_config(language), concepts) AS v
    FROM search_searchrow WHERE search_vector @@ candidates
  ) AS n
  WHERE s.resource_id = n.resource_id AND s.search_vector <> n.v;
END
$$;

{
    counts.trigger_function(
        "search_labels_inserted",
        "NOT EXISTS (SELECT 1 FROM new_rows)",
        "PERFORM search_relabel(ARRAY(SELECT DISTINCT concept_id FROM new_rows));",
    )
}
{
    counts.trigger_function(
        "search_labels_deleted",
        "NOT EXISTS (SELECT 1 FROM old_rows)",
        "PERFORM search_relabel(ARRAY(SELECT DISTINCT concept_id FROM old_rows));",
    )
}
{
    counts.trigger_function(
        "search_labels_updated",
        f"NOT EXISTS (SELECT 1 {CHANGED_LABELS})",
        "PERFORM search_relabel(ARRAY(SELECT DISTINCT unnest(ARRAY[o.concept_id, n.concept_id]) "
        f"{CHANGED_LABELS}));",
    )
}
CREATE TRIGGER search_labels_insert AFTER INSERT ON thesaurus_label
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_labels_inserted();
CREATE TRIGGER search_labels_delete AFTER DELETE ON thesaurus_label
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_labels_deleted();
CREATE TRIGGER search_labels_update AFTER UPDATE ON thesaurus_label
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION search_labels_updated();

{initial.sync_function(COLUMNS, VALUES)}

INSERT INTO search_labelquery (concept_id, config, first, query)
  SELECT * FROM search_label_queries(ARRAY(SELECT id FROM thesaurus_concept));
ANALYZE search_labelquery;
{REWRITE.format(vector=MARKED)}
"""

DROP = f"""
DROP TRIGGER IF EXISTS search_labels_insert ON thesaurus_label;
DROP TRIGGER IF EXISTS search_labels_delete ON thesaurus_label;
DROP TRIGGER IF EXISTS search_labels_update ON thesaurus_label;
DROP FUNCTION IF EXISTS search_labels_inserted();
DROP FUNCTION IF EXISTS search_labels_deleted();
DROP FUNCTION IF EXISTS search_labels_updated();
DROP FUNCTION IF EXISTS search_relabel(bigint[]);
{initial.sync_function(COLUMNS, VALUES_BEFORE)}
{REWRITE.format(vector="r.search_vector")}
DROP FUNCTION IF EXISTS search_label_marks(tsvector, text, bigint[]);
DROP FUNCTION IF EXISTS search_label_queries(bigint[]);
DROP FUNCTION IF EXISTS search_config(text);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_labelquery"),
        ("thesaurus", "0001_initial"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
