"""The audit log: one entry point for every change recorded in the admin's history.

``log_action(user, objects, message)`` writes one ``LogEntry`` per object, in one statement,
the way pretix's ``log_action`` is the one door to its log. An entry names the object by
``label`` when given (a submission by its number and title, never its submitter), else by the
object itself; ``action`` is Django's ``CHANGE`` unless said otherwise (``DELETION``,
``ADDITION``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType

__all__ = ["ADDITION", "CHANGE", "DELETION", "log_action"]


def log_action(
    user,
    objects: Iterable,
    message: str,
    *,
    action: int = CHANGE,
    label: str | None = None,
) -> list[LogEntry]:
    """Record that ``user`` did ``action`` to each of ``objects``, saying ``message``."""
    if user is None or user.pk is None:
        return []
    entries = [
        LogEntry(
            user_id=user.pk,
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=str(obj.pk),
            object_repr=(label if label is not None else str(obj))[:200],
            action_flag=action,
            change_message=message,
        )
        for obj in objects
    ]
    return LogEntry.objects.bulk_create(entries)
