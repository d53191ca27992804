"""Writing TriggerInvocation rows so they outlive the operation that invoked the trigger.

A failing trigger rolls back the caller's transaction, and the record of that failure must not go
with it. A second connection cannot help on SQLite (the caller holds the only write lock), so rows
made inside a transaction wait in a per-thread buffer and are written once no transaction is open:
after the commit, when the view has returned (before the response goes out, so a client that has
its answer never races the write), after a Celery task, or at the next record made outside one.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, HttpResponse

from triggers.models import TriggerInvocation

log = logging.getLogger(__name__)
_local = threading.local()


def _pending() -> list[TriggerInvocation]:
    if not hasattr(_local, "rows"):
        _local.rows = []
    return _local.rows


def record(**fields: Any) -> None:
    """Record one invocation now, or after the open transaction commits (see the module docstring)."""
    _pending().append(TriggerInvocation(**fields))
    if connection.in_atomic_block:
        transaction.on_commit(flush)
    else:
        flush()


def flush(**_: Any) -> None:
    """Write the buffered rows, unless a transaction is still open (then a later flush will)."""
    rows = _pending()
    if not rows or connection.in_atomic_block:
        return
    batch, rows[:] = list(rows), []
    try:
        TriggerInvocation.objects.bulk_create(batch)
    except DatabaseError:  # losing the audit row must never fail the caller's operation
        log.exception("could not record %d trigger invocation(s)", len(batch))


def flush_after_view(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Middleware: rows buffered by a rolled-back operation are written before the response leaves."""

    def middleware(request: HttpRequest) -> HttpResponse:
        try:
            return get_response(request)
        finally:
            flush()

    return middleware


def connect_signals() -> None:
    """Flush buffered records after every Celery task."""
    from celery.signals import task_postrun

    task_postrun.connect(flush, weak=False, dispatch_uid="triggers.records.flush")
