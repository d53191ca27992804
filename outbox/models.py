"""The transactional outbox: work to be done after an operation commits, written in its transaction."""
from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class OutboxMessage(models.Model):
    """One message to deliver (a mail, a text, an asynchronous trigger), kept until it is delivered.

    `payload` is JSON encrypted with core.crypto: it carries codes and temporary passwords. A
    sender claims the row for `claimed_until` (`claim` names the claim), sends, and deletes it;
    a failed attempt sets the next `due_at`; after its kind's last attempt `failed_at` is set.
    """

    kind = models.CharField(max_length=40)
    payload = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    claim = models.CharField(max_length=32, blank=True, default="")
    claimed_until = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        indexes = [
            # The relay's scan and the backlog gauge look only at rows still to deliver.
            models.Index(fields=["due_at"], name="outbox_pending_due", condition=Q(failed_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.attempts} attempts)"
