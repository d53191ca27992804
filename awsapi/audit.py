"""The audit hook: every call the pipeline runs, allowed or refused, becomes one CallRecord
handed to each receiver: a DEBUG logger always, and the `audit` app's store (CloudTrail's
trail), which it adds as a *required* receiver.

A required receiver's failure fails the call: the pipeline emits the record of a successful call
inside the call's transaction, so a change whose record cannot be written is rolled back rather
than left unaudited. Other receivers never fail the call.

Secrets in the request members (botocore marks their shapes `sensitive`, or they are entries of a
plain string map named in `_SECRET_ENTRIES`) are replaced by `HIDDEN_DUE_TO_SECURITY_REASONS`
before any receiver sees them, as CloudTrail does.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger(__name__)
HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS"
# NUL and unpaired surrogates: validation refuses them, but the refusal's record still carries the
# members as sent, and neither PostgreSQL nor a UTF-8 encoder can store them.
_UNWRITABLE = re.compile("[\x00\ud800-\udfff]")
# Maps whose shape botocore leaves unmarked but some of whose entries are secrets, by shape name:
# an identity provider's ProviderDetails carries its client secret (OIDC, social) or Apple's key.
_SECRET_ENTRIES = {"ProviderDetailsType": frozenset({"client_secret", "private_key"})}


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
    user_agent: str | None = None  # the HTTP User-Agent
    principal_id: str | None = None  # GetCallerIdentity's UserId: the account (root), AIDA... (user), AROA...:session
    # A Django admin account acting through the admin site (it has no AWS principal); its username.
    admin_account: str | None = None
    additional_event_data: dict[str, Any] | None = None  # CloudTrail's additionalEventData (e.g. the user's sub)
    event_time: datetime = field(default_factory=lambda: datetime.now(UTC))


Receiver = Callable[[CallRecord], None]


def log_receiver(record: CallRecord) -> None:
    log.debug("%s %s by %s from %s: %s", record.event_source, record.event_name, record.principal_arn, record.source_ip, record.error_code or "ok")


_receivers: list[Receiver] = [log_receiver]
_required: list[Receiver] = []


def add_receiver(receiver: Receiver, *, required: bool = False) -> None:
    """Add a receiver; a `required` one's exceptions propagate out of `emit` (see the module doc)."""
    if receiver not in _receivers:
        _receivers.append(receiver)
    if required and receiver not in _required:
        _required.append(receiver)


def remove_receiver(receiver: Receiver) -> None:
    if receiver in _receivers:
        _receivers.remove(receiver)
    if receiver in _required:
        _required.remove(receiver)


def emit(record: CallRecord) -> None:
    """Hand a record to every receiver. A failing optional receiver never fails the call; the
    first failing required one is re-raised once every receiver has had the record."""
    failure: Exception | None = None
    for receiver in list(_receivers):
        try:
            receiver(record)
        except Exception as exc:
            if receiver in _required:
                failure = failure or exc
            else:
                log.exception("Audit receiver %r failed", receiver)
    if failure is not None:
        raise failure


def hide_sensitive(shape, value: Any) -> Any:
    """`value` with every member whose botocore shape is `sensitive`, and every secret map entry, replaced by HIDDEN."""
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
        secret = _SECRET_ENTRIES.get(shape.name, frozenset())
        # Keys compared case-blind: a refused call's record holds the members as sent.
        return {key: HIDDEN if str(key).lower() in secret else hide_sensitive(shape.value, item) for key, item in value.items()}
    return value


def writable(value: Any) -> Any:
    """`value` with NUL and unpaired surrogates in its strings and keys replaced by U+FFFD."""
    if isinstance(value, str):
        return _UNWRITABLE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {writable(key): writable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [writable(item) for item in value]
    return value
