"""Helpers for the audit-trail tests: a CloudTrail client, the stored rows as text, records made directly."""
from __future__ import annotations

import json
import uuid
from datetime import datetime

from django.core import serializers

from audit import services
from audit.models import Event
from awsapi.audit import CallRecord
from tests.conftest import make_client


def cloudtrail(base_url: str, **kwargs):
    return make_client(base_url, "cloudtrail", **kwargs)


def table_dump() -> str:
    """Every stored event, every column, as one JSON text (for secret scans)."""
    return serializers.serialize("json", Event.objects.all())


def all_events(ct, **kwargs) -> list[dict]:
    """Every event a lookup returns, following NextToken to the end."""
    events, token = [], None
    while True:
        page = ct.lookup_events(**kwargs, **({"NextToken": token} if token else {}))
        events += page["Events"]
        token = page.get("NextToken")
        if not token:
            return events


def trail(event: dict) -> dict:
    return json.loads(event["CloudTrailEvent"])


def stored(name: str, when: datetime, *, source: str = "test.amazonaws.com", arn: str | None = None, key: str | None = None) -> Event:
    """An event written straight through the service (times the pipeline could not give)."""
    record = CallRecord(request_id=str(uuid.uuid4()), event_source=source, event_name=name, source_ip="192.0.2.1",
                        principal_arn=arn, access_key_id=key, request_parameters={}, event_time=when)
    services.store(record)
    return Event.objects.get(request_id=record.request_id)
