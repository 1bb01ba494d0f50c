"""The nightly link check, spread over the night (README: "Background work"). Times are UTC.

At 01:00 one job lists the links due (``links_to_check``, the selection of ``manage.py
check_links``) and defers them in batches, scheduled evenly until 05:00; the batches share a lock,
so that however many workers run, one batch is checked at a time and no site is asked by two
workers at once.
"""

import datetime as dt

from django.utils import timezone
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from upkeep.linkcheck import check_resources, links_to_check

SPREAD = dt.timedelta(hours=4)  # the night's batches start between 01:00 and 05:00
BATCH_SIZE = 50
# A link checked less than this many days ago (by "Check the link now", or a batch of last night
# that ran late) is left alone tonight.
RECHECK_AFTER_DAYS = 0.5


@app.periodic(cron="0 1 * * *")
@app.task(queueing_lock="upkeep.plan_link_checks")
def plan_link_checks(timestamp: int) -> str:
    """Check every published link, spread over the night."""
    due = list(
        links_to_check(older_than=RECHECK_AFTER_DAYS).order_by("pk").values_list("pk", flat=True)
    )
    batches = [due[start : start + BATCH_SIZE] for start in range(0, len(due), BATCH_SIZE)]
    now = timezone.now()
    step = SPREAD / max(len(batches), 1)
    for number, batch in enumerate(batches):
        # The first batch starts at once, the others one step apart.
        when = {"schedule_at": now + number * step} if number else {}
        check_links.configure(**when).defer(resource_ids=batch)
    return f"{len(due)} links in {len(batches)} batches, one every {step.total_seconds():.0f} s"


@app.task(lock="upkeep.check_links", retry=RetryStrategy(max_attempts=2, wait=300))
def check_links(resource_ids: list[int]) -> str:
    """Check a batch of links (deferred by ``plan_link_checks``)."""
    resources = links_to_check(older_than=RECHECK_AFTER_DAYS).filter(pk__in=resource_ids)
    return str(check_resources(resources))
