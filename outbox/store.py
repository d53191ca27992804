"""Writing, claiming and delivering outbox rows. Any process may deliver any row: a sender first
claims it with one conditional UPDATE (no row lock held while it sends, so SQLite and a slow mail
server never block other writers), sends, then deletes it. A sender killed mid-send leaves its
claim to expire after OUTBOX_LEASE_SECONDS, and the row is sent again: at least once, and once
unless a process dies between the send and the delete.
"""
from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import F, Min, Q
from django.utils import timezone

from core import crypto
from outbox import registry
from outbox.models import OutboxMessage

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 300


@dataclass(frozen=True)
class Attempt:
    """What one call to `deliver` did: sent the row, or left it due again at `retry_at`."""

    delivered: bool
    retry_at: datetime | None = None


@dataclass(frozen=True)
class Backlog:
    """Rows still to deliver, the age of the oldest, and rows given up after their last attempt."""

    pending: int
    oldest_pending_age_seconds: float
    failed: int


def write(kind: str, payload: dict[str, Any]) -> int:
    """Add a row in the caller's transaction; the payload is stored encrypted."""
    return OutboxMessage.objects.create(kind=kind, payload=crypto.encrypt(json.dumps(payload))).pk


def _claimable(now: datetime) -> Q:
    return Q(failed_at__isnull=True) & (Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))


def deliver(row_id: int, *, even_if_not_due: bool = False) -> Attempt:
    """Claim row `row_id` and run its kind's handler once. Not delivered when another sender holds
    it, it is gone (delivered), not yet due, or the attempt failed (then `retry_at` says when)."""
    now = timezone.now()
    token = uuid.uuid4().hex
    rows = OutboxMessage.objects.filter(_claimable(now), pk=row_id)
    if not even_if_not_due:
        rows = rows.filter(due_at__lte=now)
    lease = timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    if not rows.update(claim=token, claimed_until=now + lease, attempts=F("attempts") + 1):
        return Attempt(False)
    row = OutboxMessage.objects.get(pk=row_id)
    kind = registry.kind(row.kind)
    try:
        if kind is None:
            raise LookupError(f"no handler for outbox kind {row.kind}")
        kind.handler(json.loads(crypto.decrypt(row.payload)), row.attempts)
    except Exception as exc:  # any failure is retried later; the payload is never logged
        log.warning("outbox %s #%s attempt %d failed: %s", row.kind, row_id, row.attempts, type(exc).__name__)
        return _release(row, token, kind, exc)
    if not OutboxMessage.objects.filter(pk=row_id, claim=token).delete()[0]:
        log.warning("outbox %s #%s outlived its claim while sending: it may be sent twice", row.kind, row_id)
    return Attempt(True)


def _release(row: OutboxMessage, token: str, kind: registry.Kind | None, exc: Exception) -> Attempt:
    now = timezone.now()
    retry_at = now + timedelta(seconds=min(2 ** row.attempts, MAX_BACKOFF_SECONDS))
    last = kind is not None and row.attempts >= kind.max_attempts()
    OutboxMessage.objects.filter(pk=row.pk, claim=token).update(
        claim="", claimed_until=None, due_at=retry_at, failed_at=now if last else None,
        last_error=type(exc).__name__[:200],  # never the message: it may quote the payload
    )
    return Attempt(False, None if last else retry_at)


def deliver_now(row_id: int, attempts: int) -> bool:
    """Up to `attempts` attempts at once, without back-off pauses (delivery in the caller's
    process); whether the row is no longer waiting (sent, or given up)."""
    for _ in range(attempts):
        outcome = deliver(row_id, even_if_not_due=True)
        if outcome.delivered or outcome.retry_at is None:
            return True
    return False


def relay(limit: int = 100) -> int:
    """Deliver up to `limit` due rows that no sender holds, oldest first; how many were sent."""
    now = timezone.now()
    due = OutboxMessage.objects.filter(_claimable(now), due_at__lte=now).order_by("due_at").values_list("pk", flat=True)
    return sum(deliver(row_id).delivered for row_id in list(due[:limit]))


def backlog() -> Backlog:
    """The outbox backlog, for readiness and metrics: pending rows, the oldest one's age, failed rows."""
    waiting = OutboxMessage.objects.filter(failed_at__isnull=True)
    oldest = waiting.aggregate(oldest=Min("created_at"))["oldest"]
    return Backlog(
        pending=waiting.count(),
        oldest_pending_age_seconds=(timezone.now() - oldest).total_seconds() if oldest else 0.0,
        failed=OutboxMessage.objects.filter(failed_at__isnull=False).count(),
    )
