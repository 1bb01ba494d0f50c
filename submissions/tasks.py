"""Background jobs of the submissions: forgetting submitters' details (README: "Background
work"). Times are UTC."""

from django.conf import settings
from procrastinate.contrib.django import app

from submissions.purge import purge_submitter_details


@app.periodic(cron="0 3 * * *")
@app.task(queueing_lock="submissions.purge_submitters")
def purge_submitters(timestamp: int) -> str:
    """Forget the submitters of old decisions."""
    purged, deleted = purge_submitter_details(settings.PURGE_SUBMITTERS_AFTER_DAYS)
    return f"{purged} submissions purged, {deleted} old e-mails deleted"
