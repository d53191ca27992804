"""Deleting what can no longer be used: expired codes (verification and OAuth), refresh tokens and
their revocations, unconfirmed device keys, expired web and hosted-UI sessions, shared-cache rows
and rate-limit counters, old trigger records, and outbox messages that failed long ago.

Everything is deleted by age with indexed or small-table filters, in batches, so a purge never
holds a long lock. Run it periodically: Celery beat (`ops.tasks.purge_expired`, every
PURGE_INTERVAL_SECONDS) or `manage.py purgeexpired` from cron where there is no beat.
"""
from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.shared_cache import SharedDatabaseCache
from outbox.models import OutboxMessage
from triggers.models import TriggerInvocation
from userpools.keys import LONGEST_TOKEN_LIFETIME
from userpools.models import AuthorizationCode, Device, HostedSession, LimitCounter, RefreshToken, VerificationCode
from userpools.services.devices import UNCONFIRMED_KEY_LIFETIME

BATCH_SIZE = 1000


def purge_expired(batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Delete every expired row; how many of each kind went."""
    now = timezone.now()
    # A refresh token's row decides whether the access and ID tokens of its sign-in are revoked
    # (userpools.services.tokens), so it stays until the last of those has expired too.
    token_horizon = now - LONGEST_TOKEN_LIFETIME
    counts = {
        "codes": _delete(VerificationCode.objects.filter(expires_at__lt=now), batch_size),
        "refresh_tokens": _delete(
            RefreshToken.objects.filter(Q(expires_at__lt=token_horizon) | Q(revoked_at__lt=token_horizon)), batch_size
        ),
        "device_keys": _delete(Device.objects.filter(srp_verifier="", created__lt=now - UNCONFIRMED_KEY_LIFETIME), batch_size),
        "sessions": _delete(Session.objects.filter(expire_date__lt=now), batch_size),
        "trigger_records": _delete(
            TriggerInvocation.objects.filter(started_at__lt=now - timedelta(days=settings.TRIGGER_RECORD_RETENTION_DAYS)), batch_size
        ),
        "authorization_codes": _delete(AuthorizationCode.objects.filter(expires_at__lt=now), batch_size),
        "hosted_sessions": _delete(HostedSession.objects.filter(Q(expires_at__lt=now) | Q(revoked_at__isnull=False)), batch_size),
        "limit_counters": _delete(LimitCounter.objects.filter(expires_at__lt=now), batch_size),
        # Failed messages are kept a while for the operator to see (the backlog's `failed` count);
        # their payloads hold codes, so not for ever.
        "failed_messages": _delete(
            OutboxMessage.objects.filter(failed_at__lt=now - timedelta(days=settings.OUTBOX_FAILED_RETENTION_DAYS)), batch_size
        ),
    }
    shared = caches["default"]
    counts["cache_entries"] = shared.purge_expired() if isinstance(shared, SharedDatabaseCache) else 0
    return counts


def _delete(rows: QuerySet, batch_size: int) -> int:
    """Delete in batches of primary keys, so no statement locks more than `batch_size` rows."""
    deleted = 0
    while True:
        batch = list(rows.values_list("pk", flat=True)[:batch_size])
        if not batch:
            return deleted
        deleted += rows.model.objects.filter(pk__in=batch).delete()[1].get(rows.model._meta.label, 0)
