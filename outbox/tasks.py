"""Celery tasks of the outbox. Messages carry a row id only, never a code, and keep no results."""
from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from outbox import store

log = logging.getLogger(__name__)


@shared_task(name="outbox.deliver", ignore_result=True)
def deliver(row_id: int) -> None:
    """Deliver one outbox row; after a failed attempt, come back when it is due again."""
    outcome = store.deliver(row_id)
    if outcome.retry_at is None:
        return
    countdown = max(0.0, (outcome.retry_at - timezone.now()).total_seconds())
    try:
        deliver.apply_async((row_id,), countdown=countdown)
    except Exception as exc:  # the broker went away: the relay will find the row when it is due
        log.warning("could not schedule outbox #%s again: %s", row_id, type(exc).__name__)
