"""Background jobs of the lowest layer: sending the outbox, and keeping the job tables small.

Each periodic job is deferred once per tick however many workers run (procrastinate's periodic
defers table refuses a second job for the same tick). Times are UTC.
"""

from django.conf import settings
from procrastinate.contrib.django import app

from common import jobs, outbox


@app.task(queue="mail")
def send_message(message_id: int) -> str:
    """Send one e-mail of the outbox (deferred by ``common.outbox.store``)."""
    outcome = outbox.send(message_id)
    return {True: "sent", False: "refused, kept for a retry", None: "nothing to send"}[outcome]


@app.periodic(cron="*/5 * * * *")
@app.task(queue="mail", queueing_lock="common.retry_outbox")
def retry_outbox(timestamp: int) -> str:
    """Retry the e-mails the mail server refused."""
    sent, failed = outbox.send_waiting()
    return f"{sent} sent, {failed} still failing"


@app.periodic(cron="30 4 * * *")
@app.task(queueing_lock="common.delete_old_jobs")
def delete_old_jobs(timestamp: int) -> str:
    """Delete the jobs that ended long ago."""
    deleted = jobs.delete_old_jobs(settings.JOB_RETENTION_DAYS)
    return f"{deleted} old jobs deleted"


@app.periodic(cron="*/10 * * * *")
@app.task(queueing_lock="common.retry_stalled_jobs", pass_context=True)
async def retry_stalled_jobs(context, timestamp: int) -> str:
    """Take back the jobs of workers that died."""
    # A worker killed without warning (a crash, SIGKILL, a host lost) leaves the job it held
    # "doing"; its heartbeat stops, and after 30 s of silence the job is queued again.
    stalled = list(await context.app.job_manager.get_stalled_jobs())
    for job in stalled:
        await context.app.job_manager.retry_job(job)
    return f"{len(stalled)} jobs of stopped workers queued again"
