"""Use cases of the audit trail: store a call, look events up, prune by age."""
from __future__ import annotations

import base64
import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from audit import errors, write_behind
from audit.identity import admin_site_identity, identity_of, is_read_only
from audit.models import Event
from audit.resources import resources_of
from awsapi.audit import CallRecord

MAX_RESULTS = 50
_TOKEN_SALT = "audit.lookup-events"


def store(record: CallRecord) -> None:
    """Write one call as an event: in the caller's transaction when there is one, else (a read,
    a sign-in, a refusal: nothing commits with it) queued for the process's writer (write_behind)
    while records come often enough to gather in its batches, or written now.

    A failed insert in a transaction propagates, so the pipeline fails (and rolls back) a change
    it could not record. Only a refusal written inside a transaction takes a savepoint (two more
    round trips), so its failed insert does not poison that transaction.
    """
    fields = event_fields(record)
    if not connection.in_atomic_block:
        if write_behind.enabled() and write_behind.writer.gathers():
            write_behind.writer.add(fields)  # it commits with nothing else: written within a window
        else:
            Event(**fields).insert()
    elif record.error_code:
        with transaction.atomic():  # a refusal's failed insert must not poison the caller's transaction
            Event(**fields).insert()
    else:  # a success's record fails with its change
        Event(**fields).insert()


def event_fields(record: CallRecord) -> dict[str, Any]:
    """The event a call makes, as its fields' values: queued as they are (a model instance cost
    more CPU than the rest of the record), or made into an `Event` to be written now."""
    if record.admin_account:
        who = admin_site_identity(record.admin_account, settings.ACCOUNT_ID)
    else:
        who = identity_of(record.principal_arn, record.principal_id, record.access_key_id)
    params = record.request_parameters if isinstance(record.request_parameters, dict) else {}
    resources = resources_of(record.event_source, params)
    first = resources[0] if resources else {"ResourceType": "", "ResourceName": ""}
    return {
        "event_id": uuid.uuid4(),
        "event_time": record.event_time,
        "event_source": record.event_source,
        "event_name": record.event_name,
        "aws_region": settings.REGION,
        "source_ip": record.source_ip or "",
        "user_agent": (record.user_agent or "")[:1024],
        "identity_type": who.type,
        "principal_id": who.principal_id or "",
        "principal_arn": who.arn or "",
        "account_id": who.account_id or "",
        "access_key_id": record.access_key_id or "",
        "username": who.user_name or "",
        "request_parameters": params,
        "error_code": record.error_code or "",
        "error_message": record.error_message or "",
        "read_only": is_read_only(record.event_name),
        "resources": resources,
        "resource_type": first["ResourceType"],
        "resource_name": first["ResourceName"][:2048],
        "request_id": record.request_id,
        "additional_event_data": record.additional_event_data,
    }


def receive(record: CallRecord) -> None:
    """The pipeline's required audit receiver (awsapi.audit): store the call."""
    store(record)


# --- LookupEvents ---------------------------------------------------------------------------

# LookupAttributes key -> the filter it means
_ATTRIBUTE_FILTERS = {
    "EventId": lambda value: Q(event_id=_uuid_or_none(value)) if _uuid_or_none(value) else Q(pk__in=[]),
    "EventName": lambda value: Q(event_name=value),
    "ReadOnly": lambda value: Q(read_only=value.lower() == "true"),
    "Username": lambda value: Q(username=value),
    "ResourceType": lambda value: Q(resource_type=value),
    "ResourceName": lambda value: Q(resource_name=value),
    "EventSource": lambda value: Q(event_source=value),
    "AccessKeyId": lambda value: Q(access_key_id=value),
}


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class Lookup:
    """One LookupEvents request, checked."""

    attribute: tuple[str, str] | None
    start: datetime | None
    end: datetime | None
    max_results: int

    def fingerprint(self) -> str:
        """What a NextToken is bound to: the same filters must come with it (as on AWS)."""
        parts = [self.attribute, self.start.isoformat() if self.start else None, self.end.isoformat() if self.end else None]
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Page:
    events: list[Event]
    next_token: str | None


def make_lookup(attributes: list[dict], start: datetime | None, end: datetime | None, max_results: int | None) -> Lookup:
    """Check the request as CloudTrail does; raises its errors."""
    if max_results is not None and not 1 <= max_results <= MAX_RESULTS:
        raise errors.InvalidMaxResultsException(f"MaxResults must be between 1 and {MAX_RESULTS}.")
    if len(attributes) > 1:
        raise errors.InvalidLookupAttributesException("You cannot specify more than one lookup attribute.")
    attribute = None
    if attributes:
        key, value = attributes[0].get("AttributeKey"), attributes[0].get("AttributeValue")
        if key not in _ATTRIBUTE_FILTERS:
            raise errors.InvalidLookupAttributesException(f"Invalid lookup attribute key: {key}.")
        if not isinstance(value, str) or not value:
            raise errors.InvalidLookupAttributesException("The lookup attribute value must not be empty.")
        if key == "ReadOnly" and value.lower() not in ("true", "false"):
            raise errors.InvalidLookupAttributesException("ReadOnly must be true or false.")
        attribute = (key, value)
    if start is not None and end is not None and start > end:
        raise errors.InvalidTimeRangeException("Start time must be before end time.")
    return Lookup(attribute, start, end, max_results or MAX_RESULTS)


def lookup(query: Lookup, next_token: str | None) -> Page:
    """Newest first, keyset-paginated on (event_time, event_id): O(page) per call at any size.
    Every call that returned before this one is in it (write_behind.settle)."""
    write_behind.settle()
    events: QuerySet[Event] = Event.objects.all()
    if query.attribute is not None:
        key, value = query.attribute
        events = events.filter(_ATTRIBUTE_FILTERS[key](value))
    if query.start is not None:
        events = events.filter(event_time__gte=query.start)
    if query.end is not None:
        events = events.filter(event_time__lte=query.end)
    if next_token:
        after_time, after_id = _read_token(next_token, query)
        events = events.filter(Q(event_time__lt=after_time) | Q(event_time=after_time, event_id__lt=after_id))
    rows = list(events.order_by("-event_time", "-event_id")[: query.max_results + 1])
    page, more = rows[: query.max_results], len(rows) > query.max_results
    token = _make_token(page[-1], query) if more else None
    return Page(page, token)


def _make_token(last: Event, query: Lookup) -> str:
    payload = {"t": last.event_time.isoformat(), "i": str(last.event_id), "q": query.fingerprint()}
    signed = signing.dumps(payload, salt=_TOKEN_SALT, compress=True)
    return base64.urlsafe_b64encode(signed.encode()).decode()


def _read_token(token: str, query: Lookup) -> tuple[datetime, uuid.UUID]:
    try:
        payload = signing.loads(base64.urlsafe_b64decode(token.encode()).decode(), salt=_TOKEN_SALT)
        if payload["q"] != query.fingerprint():
            raise ValueError("token of another query")
        return datetime.fromisoformat(payload["t"]), uuid.UUID(payload["i"])
    except (signing.BadSignature, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise errors.InvalidNextTokenException("Invalid NextToken.") from None


# --- retention ------------------------------------------------------------------------------

def prune(older_than_days: int, batch_size: int = 1000) -> int:
    """Delete events older than `older_than_days`, oldest first, one short transaction per batch."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted = 0
    while True:
        with transaction.atomic():
            _allow_prune()
            pks = list(Event.objects.filter(event_time__lt=cutoff).order_by("event_time").values_list("pk", flat=True)[:batch_size])
            deleted += Event.objects.prune_batch(pks)
        if len(pks) < batch_size:
            return deleted


def _allow_prune() -> None:
    """Tell the PostgreSQL guard trigger that this transaction is the retention command."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('audit.allow_prune', 'on', true)")
