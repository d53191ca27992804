"""The audit trail: one append-only row per call, as CloudTrail keeps them.

Rows are never changed or deleted by the application: `save()` refuses to update, and the
queryset refuses `update()`/`delete()`. Only `pruneaudit` removes rows, by age, through
`Event.objects.prune_batch`. On PostgreSQL a trigger (migration 0002) also refuses UPDATE and
DELETE unless the pruning transaction has set `audit.allow_prune`.
"""
from __future__ import annotations

import uuid
from typing import Any

from django.db import models

from core import prepared


class AppendOnlyError(Exception):
    """An attempt to change or delete an audit event."""


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Audit events are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit events are append-only; pruneaudit removes them by age.")

    def prune_batch(self, pks: list[uuid.UUID]) -> int:
        """Delete the given rows (the retention command's only path)."""
        if not pks:
            return 0
        query = models.QuerySet(model=self.model, using=self.db).filter(pk__in=pks)
        return query._raw_delete(query.db)


class Event(models.Model):
    """One CloudTrail event (management event, `eventType` AwsApiCall)."""

    event_id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event_time = models.DateTimeField()
    event_source = models.CharField(max_length=128)
    event_name = models.CharField(max_length=128)
    aws_region = models.CharField(max_length=32)
    source_ip = models.CharField(max_length=64, blank=True, default="")
    user_agent = models.CharField(max_length=1024, blank=True, default="")
    identity_type = models.CharField(max_length=32)  # Root, IAMUser, AssumedRole, Unknown
    principal_id = models.CharField(max_length=256, blank=True, default="")
    principal_arn = models.CharField(max_length=2048, blank=True, default="")
    account_id = models.CharField(max_length=32, blank=True, default="")
    access_key_id = models.CharField(max_length=128, blank=True, default="")
    username = models.CharField(max_length=256, blank=True, default="")
    request_parameters = models.JSONField(default=dict)  # secrets already hidden
    error_code = models.CharField(max_length=128, blank=True, default="")
    error_message = models.TextField(blank=True, default="")
    read_only = models.BooleanField()
    event_type = models.CharField(max_length=32, default="AwsApiCall")
    resources = models.JSONField(default=list)
    # The first resource, as columns so LookupEvents can find it by index.
    resource_type = models.CharField(max_length=128, blank=True, default="")
    resource_name = models.CharField(max_length=2048, blank=True, default="")
    request_id = models.CharField(max_length=64, blank=True, default="")
    additional_event_data = models.JSONField(null=True, blank=True)  # e.g. {"sub": ...} of the user a change was about

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ("-event_time", "-event_id")
        indexes = [
            models.Index(fields=["event_time", "event_id"], name="audit_time"),
            models.Index(fields=["event_name", "event_time"], name="audit_name_time"),
            models.Index(fields=["access_key_id", "event_time"], name="audit_key_time"),
            models.Index(fields=["username", "event_time"], name="audit_user_time"),
            models.Index(fields=["event_source", "event_time"], name="audit_source_time"),
            models.Index(fields=["resource_name", "event_time"], name="audit_resource_time"),
        ]

    def __str__(self) -> str:
        return f"{self.event_time:%Y-%m-%dT%H:%M:%SZ} {self.event_source} {self.event_name}"

    def insert(self) -> None:
        """Write this new event: the row `save()` would write, by one INSERT whose text is made
        once per database (every call writes an event, and building the statement through the ORM
        each time was a measurable share of a simple call's CPU)."""
        if not self._state.adding:
            raise AppendOnlyError("Audit events are append-only.")
        prepared.insert(self)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit events are append-only.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any):
        raise AppendOnlyError("Audit events are append-only; pruneaudit removes them by age.")
