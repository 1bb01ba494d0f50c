"""Search rows are filed under the resource's own date (resources 0012): a resource without one
has no date and no year here. It is counted under no year, left out of every year and date range,
and sorted after the dated ones both ways ("newest" and "oldest" first), by id among themselves.

- ``sort_date`` and ``year`` may be empty; the kept counts leave out the rows without a year (the
  count triggers' functions are given pairs that skip them);
- "newest first" reads ``searchrow_newest`` (``sort_date DESC NULLS LAST``); "oldest first" and the
  year and date ranges still read ``searchrow_sort_date`` (backwards: ``ASC NULLS LAST``);
- the rows whose date changed are rewritten in one statement (the counts follow through their
  statement trigger, once); backwards, the rows without a date get the day their resource was
  published again, as before.
"""

import importlib

from django.db import migrations, models

counts = importlib.import_module("search.migrations.0002_counts")

YEAR = "UNION ALL SELECT 'year', year::text FROM {t}\n"
assert counts.PAIRS.count(YEAR) == 1
PAIRS = counts.PAIRS.replace(YEAR, YEAR.rstrip("\n") + " WHERE year IS NOT NULL\n")

# The rows whose date is not their resource's (the sync function writes the same columns).
REFILE = """
UPDATE search_searchrow s
  SET sort_date = r.sort_date, year = extract(year FROM r.sort_date)::smallint
  FROM resources_resource r
  WHERE r.id = s.resource_id AND s.sort_date IS DISTINCT FROM r.sort_date;
"""
# Backwards (resources 0012 is still applied: the resource has no date to give): the day it was
# published, as the sort date was before.
UNFILE = """
UPDATE search_searchrow s
  SET sort_date = (s.published_at AT TIME ZONE 'UTC')::date,
      year = extract(year FROM s.published_at AT TIME ZONE 'UTC')::smallint
  WHERE s.sort_date IS NULL;
"""
FORWARD = counts.count_functions(PAIRS, replace=True) + REFILE
# The rows filed again while the functions still skip empty years (the rows leaving the counts
# have none), then the functions of 0002.
BACKWARD = UNFILE + counts.count_functions(replace=True)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_label_marks"),
        ("resources", "0012_sort_date_own_dates"),
    ]

    operations = [
        migrations.AlterField(
            model_name="searchrow", name="sort_date", field=models.DateField(null=True)
        ),
        migrations.AlterField(
            model_name="searchrow", name="year", field=models.SmallIntegerField(null=True)
        ),
        migrations.AddIndex(
            model_name="searchrow",
            index=models.Index(
                models.OrderBy(models.F("sort_date"), descending=True, nulls_last=True),
                models.OrderBy(models.F("resource_id"), descending=True),
                name="searchrow_newest",
            ),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
