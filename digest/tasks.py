"""The quarterly digest, sent by a worker (README: "Background work"). Times are UTC."""

import datetime as dt

from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from digest.digest import Digest, Quarter
from digest.mailing import digest_recipients, queue_digest


@app.periodic(cron="0 6 1 1,4,7,10 *")
# Queued all at once or not at all (one transaction), so a retry after a failure sends it once.
@app.task(
    queueing_lock="digest.send_quarterly_digest", retry=RetryStrategy(max_attempts=4, wait=900)
)
def send_quarterly_digest(timestamp: int) -> str:
    """Send the past quarter's digest to its subscribers."""
    quarter = Quarter.containing(dt.datetime.fromtimestamp(timestamp, dt.UTC)).previous
    recipients = digest_recipients()
    if not recipients:
        return f"The {quarter} digest has no recipients"
    if Digest(quarter).is_empty:
        return f"Nothing to tell of {quarter}: no digest sent"
    queued = queue_digest(quarter, recipients)
    return f"The {quarter} digest queued for {queued} addresses"
