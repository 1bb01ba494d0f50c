"""The vocabulary of published resources, for "did you mean" (see resources/vocabulary.py)."""

from django.db import migrations

CREATE = """
CREATE MATERIALIZED VIEW resources_vocabulary AS
SELECT word, ndoc FROM ts_stat(
    $$SELECT search_vector_simple FROM resources_resource WHERE status = 'published'$$
)
WHERE word ~ '^[[:alpha:]]{3,}$';
CREATE UNIQUE INDEX resources_vocabulary_word ON resources_vocabulary (word);
"""
DROP = "DROP MATERIALIZED VIEW IF EXISTS resources_vocabulary;"


class Migration(migrations.Migration):
    dependencies = [("resources", "0003_facet_columns")]

    operations = [migrations.RunSQL(CREATE, DROP)]
