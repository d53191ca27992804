"""The AWS pipeline's calls, counted: an audit receiver (awsapi.audit) feeding core.metrics."""
from __future__ import annotations

from typing import Any

from awsapi.audit import CallRecord
from core import metrics, request_context

SIGN_IN_OPERATIONS = frozenset({"InitiateAuth", "AdminInitiateAuth", "RespondToAuthChallenge", "AdminRespondToAuthChallenge"})

# Each (source, operation, outcome)'s metric children, found once: prometheus_client's labels()
# checks and locks at every use. The keys are bounded: operations times their error codes.
_children: dict[tuple[str, str, str], tuple[Any, Any, Any]] = {}


def receive(record: CallRecord) -> None:
    """Count one call by service, operation and outcome, with its latency so far."""
    outcome = record.error_code or "ok"
    key = (record.event_source, record.event_name, outcome)
    children = _children.get(key)
    if children is None:
        children = _children[key] = _labelled(*key)
    requests, latency, sign_ins = children
    requests.inc()
    seconds = request_context.seconds_since_start()
    if seconds is not None:
        latency.observe(seconds)
    if sign_ins is not None:
        sign_ins.inc()


def _labelled(event_source: str, operation: str, outcome: str) -> tuple[Any, Any, Any]:
    service = event_source.split(".", 1)[0]
    sign_ins = metrics.SIGN_INS.labels(operation, outcome) if operation in SIGN_IN_OPERATIONS and service == "cognito-idp" else None
    return metrics.AWS_REQUESTS.labels(service, operation, outcome), metrics.AWS_REQUEST_SECONDS.labels(service, operation, outcome), sign_ins
