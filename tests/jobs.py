"""Running background jobs in tests, through procrastinate's own worker, on the real database.

``run_jobs()`` is what a worker would do now: it runs every job that is due, oldest first (and
those that these jobs defer, when due), then returns. Periodic jobs are not deferred by it (the
periodic deferrer is the worker's clock: tests/test_tasks.py runs it with two real workers);
a test defers the periodic job it wants, with the tick it stands for.
"""

from __future__ import annotations

import json

from asgiref.sync import async_to_sync
from django.db import connections
from procrastinate.contrib.django import DjangoApp, app
from procrastinate.contrib.django.db_cleanup import (
    close_db_connections,
    close_db_connections_async,
)
from procrastinate.contrib.django.django_connector import DjangoConnector
from procrastinate.contrib.django.models import ProcrastinateJob

JSON_TYPES = {114, 3802}  # json, jsonb


class TestConnector(DjangoConnector):
    """procrastinate's Django connector, able to run a worker: Django reads JSON columns as
    text (its model fields decode them), and a worker needs the job's arguments decoded."""

    def _dictfetch(self, cursor):
        columns = [(column.name, column.type_code in JSON_TYPES) for column in cursor.description]
        for row in cursor.fetchall():
            yield {
                name: json.loads(value) if is_json and isinstance(value, str) else value
                for (name, is_json), value in zip(columns, row, strict=True)
            }


def run_jobs() -> None:
    """Run the jobs that are due with a procrastinate worker that stops when none is left.

    The worker reads and writes the job tables on the test's own connection (Django's connector,
    from this thread, decoding JSON), so it sees what the test wrote in its transaction; the job
    itself runs in a worker thread, which is given that same connection, as Django's live server
    threads are. Only one job runs at a time."""
    shared = connections["default"]

    def on_the_tests_connection(call_next, context, worker):
        connections["default"] = shared
        shared.inc_thread_sharing()
        try:
            return call_next()
        finally:
            shared.dec_thread_sharing()
            del connections["default"]

    # The project's app, less its periodic jobs: only what is in the queue runs.
    runner = DjangoApp(connector=TestConnector())
    runner.tasks = dict(app.tasks)
    middleware = [
        mw
        for mw in app.worker_defaults.get("task_middleware", [])
        # Closing "old" connections would close the test's own, in its transaction.
        if mw not in (close_db_connections, close_db_connections_async)
    ]
    async_to_sync(runner.run_worker_async)(
        wait=False,
        concurrency=1,
        install_signal_handlers=False,
        listen_notify=False,
        update_heartbeat_interval=3600,
        abort_job_polling_interval=3600,
        task_middleware=[on_the_tests_connection, *middleware],
    )


def jobs_of(task_name: str):
    """The jobs of one task, oldest first."""
    return ProcrastinateJob.objects.filter(task_name=task_name).order_by("id")
