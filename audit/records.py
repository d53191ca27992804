"""The CloudTrail record (`CloudTrailEvent` JSON) of a stored event (pure apart from the row)."""
from __future__ import annotations

import json
from typing import Any

from audit.identity import ADMIN_SITE_ACCOUNT, ANONYMOUS, UNKNOWN, Identity, admin_site_identity
from audit.models import Event

EVENT_VERSION = "1.08"


def iso(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def identity(event: Event) -> Identity:
    if event.identity_type == ADMIN_SITE_ACCOUNT:
        return admin_site_identity(event.username, event.account_id)
    if not event.principal_arn:
        return Identity(UNKNOWN, principal_id=event.principal_id or ANONYMOUS, access_key_id=event.access_key_id or None)
    return Identity(
        event.identity_type,
        arn=event.principal_arn,
        account_id=event.account_id,
        principal_id=event.principal_id,
        user_name=event.username or None,
        access_key_id=event.access_key_id or None,
    )


def cloudtrail_record(event: Event, recipient_account: str) -> dict[str, Any]:
    """The full record, in CloudTrail's field order and names (eventVersion 1.08)."""
    record: dict[str, Any] = {
        "eventVersion": EVENT_VERSION,
        "userIdentity": identity(event).as_element(),
        "eventTime": iso(event.event_time),
        "eventSource": event.event_source,
        "eventName": event.event_name,
        "awsRegion": event.aws_region,
        "sourceIPAddress": event.source_ip,
        "userAgent": event.user_agent,
    }
    if event.error_code:
        record["errorCode"] = event.error_code
        record["errorMessage"] = event.error_message
    record.update(
        {
            "requestParameters": event.request_parameters or None,
            "responseElements": None,  # never stored: responses carry secrets (tokens, keys)
            **({"additionalEventData": event.additional_event_data} if event.additional_event_data else {}),
            "requestID": event.request_id,
            "eventID": str(event.event_id),
            "readOnly": event.read_only,
            "eventType": event.event_type,
            "managementEvent": True,
            "recipientAccountId": recipient_account,
            "eventCategory": "Management",
        }
    )
    if event.resources:
        record["resources"] = [
            {"accountId": recipient_account, "type": item["ResourceType"], **_name_or_arn(item["ResourceName"])}
            for item in event.resources
        ]
    return record


def _name_or_arn(name: str) -> dict[str, str]:
    return {"ARN": name} if name.startswith("arn:") else {"name": name}


def cloudtrail_json(event: Event, recipient_account: str) -> str:
    return json.dumps(cloudtrail_record(event, recipient_account), separators=(",", ":"))
