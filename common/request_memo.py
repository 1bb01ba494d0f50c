"""Values kept for the length of one request: read once, then reused until the response is sent.

Used for the versions of what each process keeps in memory (the thesaurus, the vocabulary): a
page that uses them several times checks the shared cache once. Outside a request (a management
command, a test calling code directly) nothing is kept: every call reads afresh.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any

from django.core.signals import request_finished, request_started

_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("request_memo", default=None)


def _started(**kwargs):
    _memo.set({})


def _finished(**kwargs):
    _memo.set(None)


request_started.connect(_started, dispatch_uid="common-request-memo-started")
request_finished.connect(_finished, dispatch_uid="common-request-memo-finished")


def remembered(key: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, once per request for ``key``."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]
