"""A resource is filed under its own date (when it was presented or its organisation published
it), else its session's day; no longer under the day it was listed here when it has neither
(those have no year, and sort after the dated ones: see search 0005).

And live sessions that give only their day (a webinar with a date, no time) are sessions: each
resource keeps when its session starts and when it is over (``session_start``, ``session_end``,
indexed), the events page, calendars and the digest read them.

The columns are generated. Django would add each one with its own ``ALTER TABLE``, each a rewrite
of the table (about 20 s at 100,000 resources); they are changed here in one statement, one
rewrite, with the expressions Django writes for the model's fields. A rewrite fires no trigger:
search 0005 brings the search rows in line.
"""

from django.db import migrations, models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Cast, Coalesce

LIVE = "\"kind\" IN ('webinar', 'e-consultation', 'event')"
DAY = f'"date" IS NOT NULL AND {LIVE}'
FORWARD = f"""
ALTER TABLE resources_resource
  DROP COLUMN sort_date,
  ADD COLUMN sort_date date
    GENERATED ALWAYS AS (COALESCE("date", (timezone('UTC', "starts_at"))::date)) STORED,
  ADD COLUMN session_start timestamp with time zone GENERATED ALWAYS AS (CASE
    WHEN "starts_at" IS NOT NULL THEN "starts_at"
    WHEN ({DAY}) THEN timezone('UTC', (("date"))::timestamp) ELSE NULL END) STORED,
  ADD COLUMN session_end timestamp with time zone GENERATED ALWAYS AS (CASE
    WHEN "starts_at" IS NOT NULL THEN COALESCE("ends_at", "starts_at")
    WHEN ({DAY}) THEN timezone('UTC', (("date") + 1)::timestamp) ELSE NULL END) STORED;
"""
BACKWARD = """
ALTER TABLE resources_resource
  DROP COLUMN session_start,
  DROP COLUMN session_end,
  DROP COLUMN sort_date,
  ADD COLUMN sort_date date GENERATED ALWAYS AS (COALESCE("date",
    (timezone('UTC', "starts_at"))::date, (timezone('UTC', "published_at"))::date)) STORED;
"""


def utc_midnight(days_after: int = 0) -> Func:
    shift = f" + {days_after}" if days_after else ""
    return Func(
        F("date"),
        template=f"timezone('UTC', ((%(expressions)s){shift})::timestamp)",
        output_field=models.DateTimeField(),
    )


LIVE_KINDS = ("webinar", "e-consultation", "event")
PUBLISHED_SESSION = Q(status="published", published_at__isnull=False, session_start__isnull=False)
FIELDS = {
    "sort_date": models.GeneratedField(
        db_persist=True,
        expression=Coalesce(
            "date",
            Cast(Func(Value("UTC"), F("starts_at"), function="timezone"), models.DateField()),
        ),
        output_field=models.DateField(),
    ),
    "session_start": models.GeneratedField(
        db_persist=True,
        expression=models.Case(
            models.When(starts_at__isnull=False, then=F("starts_at")),
            models.When(Q(kind__in=LIVE_KINDS, date__isnull=False), then=utc_midnight()),
        ),
        output_field=models.DateTimeField(),
    ),
    "session_end": models.GeneratedField(
        db_persist=True,
        expression=models.Case(
            models.When(starts_at__isnull=False, then=Coalesce("ends_at", "starts_at")),
            models.When(Q(kind__in=LIVE_KINDS, date__isnull=False), then=utc_midnight(1)),
        ),
        output_field=models.DateTimeField(),
    ),
}


class Migration(migrations.Migration):
    dependencies = [("resources", "0011_concepts")]

    operations = [
        migrations.RemoveIndex(model_name="resource", name="resource_published_sort_date"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="resource", name="sort_date"),
                *[
                    migrations.AddField(model_name="resource", name=name, field=field)
                    for name, field in FIELDS.items()
                ],
            ],
            database_operations=[migrations.RunSQL(FORWARD, BACKWARD)],
        ),
        migrations.AddIndex(
            model_name="resource",
            index=models.Index(
                F("sort_date").desc(),
                F("id").desc(),
                condition=Q(status="published"),
                name="resource_published_sort_date",
            ),
        ),
        migrations.AddIndex(
            model_name="resource",
            index=models.Index(
                F("session_end"),
                condition=PUBLISHED_SESSION,
                name="resource_session_end",
            ),
        ),
        migrations.AddIndex(
            model_name="resource",
            index=models.Index(
                F("session_start").desc(),
                F("id").desc(),
                condition=PUBLISHED_SESSION,
                name="resource_session_start",
            ),
        ),
    ]
