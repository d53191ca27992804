"""The audit hook: every call the pipeline runs, allowed or refused, becomes one CallRecord
handed to each receiver. The CloudTrail work adds a receiver that stores them; until then the
default receiver logs at DEBUG.

Secrets in the request members (botocore marks their shapes `sensitive`) are replaced by
`HIDDEN_DUE_TO_SECURITY_REASONS` before any receiver sees them, as CloudTrail does.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

log = logging.getLogger(__name__)
HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS"


@dataclass(frozen=True)
class CallRecord:
    """One call as the audit trail sees it."""

    request_id: str
    event_source: str  # e.g. "cognito-idp.amazonaws.com"
    event_name: str  # the operation, e.g. "AdminCreateUser"
    source_ip: str | None
    principal_arn: str | None  # None for unsigned calls
    access_key_id: str | None
    request_parameters: dict[str, Any]  # secrets hidden
    error_code: str | None = None  # the wire error type on refusals and faults
    error_message: str | None = None
    event_time: datetime = field(default_factory=lambda: datetime.now(timezone.utc))


Receiver = Callable[[CallRecord], None]


def log_receiver(record: CallRecord) -> None:
    log.debug("%s %s by %s from %s: %s", record.event_source, record.event_name, record.principal_arn, record.source_ip, record.error_code or "ok")


_receivers: list[Receiver] = [log_receiver]


def add_receiver(receiver: Receiver) -> None:
    if receiver not in _receivers:
        _receivers.append(receiver)


def remove_receiver(receiver: Receiver) -> None:
    if receiver in _receivers:
        _receivers.remove(receiver)


def emit(record: CallRecord) -> None:
    """Hand a record to every receiver; a failing receiver never fails the call."""
    for receiver in list(_receivers):
        try:
            receiver(record)
        except Exception:
            log.exception("Audit receiver %r failed", receiver)


def hide_sensitive(shape, value: Any) -> Any:
    """`value` with every member whose botocore shape is `sensitive` replaced by HIDDEN."""
    if shape is None:
        return value
    if shape.metadata.get("sensitive"):
        return HIDDEN
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        members = shape.members
        return {name: hide_sensitive(members.get(name), item) for name, item in value.items()}
    if kind == "list" and isinstance(value, list):
        return [hide_sensitive(shape.member, item) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {key: hide_sensitive(shape.value, item) for key, item in value.items()}
    return value
