"""CloudTrail on the wire (AWS JSON 1.1): LookupEvents. Translates members <-> the service."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.conf import settings

from audit import errors, services
from audit.records import cloudtrail_json
from awsapi.registry import CallContext

EVENT_CATEGORIES = ("insight",)


def precheck(operation: str, params: dict) -> None:
    """CloudTrail's own errors for what generic shape validation would call InvalidParameter:
    MaxResults out of 1..50, an unknown EventCategory, more than one or an unknown lookup attribute."""
    if operation != "LookupEvents" or not isinstance(params, dict):
        return
    max_results = params.get("MaxResults")
    if isinstance(max_results, int) and not isinstance(max_results, bool):
        services.make_lookup([], None, None, max_results)
    category = params.get("EventCategory")
    if category is not None and category not in EVENT_CATEGORIES:
        raise errors.InvalidEventCategoryException(f"Invalid EventCategory: {category}.")
    attributes = params.get("LookupAttributes")
    if isinstance(attributes, list) and all(isinstance(item, dict) for item in attributes):
        services.make_lookup(attributes, None, None, None)


def lookup_events(params: dict, context: CallContext) -> dict:
    query = services.make_lookup(
        params.get("LookupAttributes") or [], _time(params.get("StartTime")), _time(params.get("EndTime")), params.get("MaxResults")
    )
    if params.get("EventCategory") == "insight":
        return {"Events": []}  # this server raises no Insights events
    page = services.lookup(query, params.get("NextToken"))
    response: dict[str, Any] = {"Events": [_event(event) for event in page.events]}
    if page.next_token:
        response["NextToken"] = page.next_token
    return response


def _time(value: Any) -> datetime | None:
    if value is None:
        return None
    return datetime.fromtimestamp(float(value), tz=UTC)


def _event(event) -> dict[str, Any]:
    item: dict[str, Any] = {
        "EventId": str(event.event_id),
        "EventName": event.event_name,
        "ReadOnly": "true" if event.read_only else "false",
        "EventTime": event.event_time,
        "EventSource": event.event_source,
        "Resources": list(event.resources),
        "CloudTrailEvent": cloudtrail_json(event, settings.ACCOUNT_ID),
    }
    if event.access_key_id:
        item["AccessKeyId"] = event.access_key_id
    if event.username:
        item["Username"] = event.username
    return item
