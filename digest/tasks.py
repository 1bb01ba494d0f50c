"""Background jobs of the digest: the quarterly e-mail to its subscribers, and forgetting sign-ups
nobody confirmed (README: "Background work"). Times are UTC."""

import datetime as dt

from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from .digest import Digest, Quarter
from .mailing import send_to_subscribers
from .signup import purge_unconfirmed


@app.periodic(cron="0 6 1 1,4,7,10 *")
# A retry after a failure goes on where the first run stopped: nobody gets the quarter twice.
@app.task(
    queue="mail",
    queueing_lock="digest.send_quarterly_digest",
    retry=RetryStrategy(max_attempts=4, wait=900),
)
def send_quarterly_digest(timestamp: int) -> str:
    """Send the past quarter's digest to its subscribers."""
    quarter = Quarter.containing(dt.datetime.fromtimestamp(timestamp, dt.UTC)).previous
    if Digest(quarter).is_empty:
        return f"Nothing to tell of {quarter}: no digest sent"
    return f"The {quarter} digest queued for {send_to_subscribers(quarter)} subscribers"


@app.periodic(cron="20 5 * * *")
@app.task(queueing_lock="digest.purge_unconfirmed")
def forget_unconfirmed_digest_sign_ups(timestamp: int) -> str:
    """Digest sign-ups whose confirmation link expired unused: their address is forgotten."""
    return f"{purge_unconfirmed()} unconfirmed digest sign-ups forgotten"
