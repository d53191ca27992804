"""`enqueue`: the one way to ask for work after commit. The row is written in the caller's
transaction; once it commits, the row id goes to a Celery worker, or, with no broker (the
embedded default), the row is delivered in this process right away. A broker that cannot take
the id costs at most its short socket timeouts, and is then skipped for BROKER_PAUSE_SECONDS:
the row waits in the database for a relay (relay_loop on each worker, `manage.py relayoutbox`).
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.db import transaction

from outbox import registry, store, tasks

log = logging.getLogger(__name__)

BROKER_PAUSE_SECONDS = 5.0
INLINE_ATTEMPTS = 3  # without a broker: attempts right after commit (Lambda retries an async call twice), the rest left to the relay
INLINE_RELAY_LIMIT = 10  # ... which also sends a few rows an earlier request left behind

_pause = threading.Lock()
_broker_down_until = 0.0


def enqueue(kind: str, payload: dict[str, Any]) -> None:
    """Write a `kind` message in the open transaction (or now) and send it after commit."""
    row_id = store.write(kind, payload)
    transaction.on_commit(lambda: hand_off(row_id, kind))


def uses_broker() -> bool:
    """Whether a broker takes the work (Celery configured and not eager)."""
    from config.celery import app

    return bool(settings.CELERY_BROKER_URL) and not app.conf.task_always_eager


def hand_off(row_id: int, kind: str) -> None:
    """After commit: give the row to a worker, or deliver it here without a broker."""
    if uses_broker():
        _publish(row_id)
        return
    found = registry.kind(kind)
    if store.deliver_now(row_id, min(INLINE_ATTEMPTS, found.max_attempts()) if found else 1):
        # Only after a delivery that went through: a provider that is down (each attempt perhaps
        # an EMAIL_TIMEOUT long) must not hold this request for ten more rows as well.
        store.relay(limit=INLINE_RELAY_LIMIT)


def _publish(row_id: int) -> None:
    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        return  # the broker failed moments ago: do not make every caller wait for it again
    try:
        tasks.deliver.apply_async((row_id,))
    except Exception as exc:
        with _pause:
            _broker_down_until = time.monotonic() + BROKER_PAUSE_SECONDS
        log.error("broker unreachable, outbox #%s waits for the relay: %s", row_id, type(exc).__name__)
