"""What every background job shares, on top of procrastinate (README: "Background work").

The tasks themselves live in each app's ``tasks.py``; procrastinate's Django app finds them.
Here: the error of a failed job is written down for the admin (procrastinate keeps only a job's
status and events), the admin's summary of the queue's health, and the deletion of old jobs.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import (
    ProcrastinateEvent,
    ProcrastinateJob,
    ProcrastinateWorker,
)

logger = logging.getLogger(__name__)

# A worker writes its heartbeat every 10 seconds; one silent for longer than this is gone.
WORKER_SILENT_AFTER = dt.timedelta(seconds=60)
FINISHED = ["succeeded", "failed", "cancelled", "aborted"]


def on_app_ready(procrastinate_app) -> None:
    """``PROCRASTINATE_ON_APP_READY``: every worker records the errors of failed jobs."""
    defaults = procrastinate_app.worker_defaults
    defaults["task_middleware"] = [
        *defaults.get("task_middleware", []),
        record_failure,
        record_failure_async,
    ]


def record_failure(call_next, context, worker):
    """A task middleware (for tasks written as plain functions): when a job raises, keep its
    error and traceback (a :class:`~common.models.JobFailure`), then let procrastinate fail or
    retry it as usual."""
    try:
        return call_next()
    except Exception as error:
        write_failure(context.job, error, traceback.format_exc())
        raise


async def record_failure_async(call_next, context, worker):
    """The same, for tasks written as coroutines."""
    try:
        return await call_next()
    except Exception as error:
        await sync_to_async(write_failure)(context.job, error, traceback.format_exc())
        raise


def write_failure(job, error: Exception, text: str) -> None:
    from .models import JobFailure

    try:
        JobFailure.objects.create(
            job_id=job.id,
            task_name=job.task_name,
            attempt=job.attempts + 1,
            error=f"{type(error).__name__}: {error}"[:2000],
            traceback=text[-20000:],
        )
    except Exception:  # the database itself may be what failed: the log still has it
        logger.exception("Could not record the failure of job %s", job.id)


@dataclass
class PeriodicRun:
    """One periodic job as the admin shows it: what it does, when it last ended and how, and
    when it runs next."""

    task_name: str
    label: str
    cron: str
    last_at: dt.datetime | None = None
    last_status: str = ""
    next_at: dt.datetime | None = None

    @property
    def succeeded(self) -> bool:
        return self.last_status == "succeeded"


def periodic_runs(now: dt.datetime | None = None) -> list[PeriodicRun]:
    """Every periodic job (``@app.periodic``), with its last finished run: one query."""
    now = now or timezone.now()
    runs = {}
    for periodic in app.periodic_registry.periodic_tasks.values():
        task = periodic.task
        label = (task.func.__doc__ or task.name).strip().splitlines()[0].rstrip(".")
        next_at = periodic.croniter.get_next(dt.datetime, start_time=now)
        runs[task.name] = PeriodicRun(task.name, label, periodic.cron, next_at=next_at)
    last = (
        ProcrastinateEvent.objects.filter(
            type__in=["succeeded", "failed"], job__task_name__in=list(runs)
        )
        .order_by("job__task_name", "-at")
        .distinct("job__task_name")
        .values_list("job__task_name", "type", "at")
    )
    for task_name, status, at in last:
        runs[task_name].last_status, runs[task_name].last_at = status, at
    return sorted(runs.values(), key=lambda run: run.label)


def queue_health(now: dt.datetime | None = None) -> dict:
    """The admin's summary: failed jobs, jobs waiting to run, live workers, periodic jobs."""
    now = now or timezone.now()
    return {
        "failed": ProcrastinateJob.objects.filter(status="failed").count(),
        "waiting": ProcrastinateJob.objects.filter(
            Q(scheduled_at=None) | Q(scheduled_at__lte=now), status="todo"
        ).count(),
        "workers": ProcrastinateWorker.objects.filter(
            last_heartbeat__gte=now - WORKER_SILENT_AFTER
        ).count(),
        "periodic": periodic_runs(now),
    }


def delete_old_jobs(days: int) -> int:
    """Delete the jobs that ended more than ``days`` ago, with their events and recorded
    errors, except the last run of each periodic job. Returns how many jobs went."""
    from .models import JobFailure

    periodic = [name for name, _ in app.periodic_registry.periodic_tasks]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            DELETE FROM procrastinate_jobs
            WHERE status = ANY(%(finished)s::procrastinate_job_status[])
              AND (SELECT max(at) FROM procrastinate_events event
                   WHERE event.job_id = procrastinate_jobs.id)
                  < now() - make_interval(days => %(days)s)
              AND id NOT IN (
                SELECT DISTINCT ON (task_name) id FROM procrastinate_jobs
                WHERE task_name = ANY(%(periodic)s)
                  AND status IN ('succeeded', 'failed')
                ORDER BY task_name, id DESC
              )
            """,
            {"finished": FINISHED, "days": days, "periodic": periodic},
        )
        deleted = cursor.rowcount
    JobFailure.objects.filter(
        ~Exists(ProcrastinateJob.objects.filter(id=OuterRef("job_id")))
    ).delete()
    return deleted
