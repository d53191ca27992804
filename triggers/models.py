"""A record of every trigger invocation attempt, for operators (listed in Django admin)."""
from __future__ import annotations

from django.db import models


class TriggerInvocation(models.Model):
    """One attempt at running a trigger function, and its outcome."""

    class Outcome(models.TextChoices):
        SUCCESS = "SUCCESS"
        HANDLER_ERROR = "HANDLER_ERROR"  # the plugin raised: UserLambdaValidationException
        INVALID_RESPONSE = "INVALID_RESPONSE"  # InvalidLambdaResponseException
        TIMEOUT = "TIMEOUT"  # no answer in time: UnexpectedLambdaException
        FAILED = "FAILED"  # could not run (unknown plugin, worker crash): UnexpectedLambdaException

    pool_id = models.CharField(max_length=55)
    trigger_source = models.CharField(max_length=64)
    function_name = models.CharField(max_length=140)
    attempt = models.PositiveSmallIntegerField(default=1)
    synchronous = models.BooleanField(default=True)
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            # The admin lists newest first, overall and per pool.
            models.Index(fields=["-started_at"], name="trigger_inv_started"),
            models.Index(fields=["pool_id", "-started_at"], name="trigger_inv_pool_started"),
        ]

    def __str__(self) -> str:
        return f"{self.trigger_source} on {self.pool_id}: {self.outcome}"
