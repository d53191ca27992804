"""The AWS pipeline's calls, counted: an audit receiver (awsapi.audit) feeding core.metrics."""
from __future__ import annotations

from awsapi.audit import CallRecord
from core import metrics, request_context

SIGN_IN_OPERATIONS = frozenset({"InitiateAuth", "AdminInitiateAuth", "RespondToAuthChallenge", "AdminRespondToAuthChallenge"})


def receive(record: CallRecord) -> None:
    """Count one call by service, operation and outcome, with its latency so far."""
    service = record.event_source.split(".", 1)[0]
    outcome = record.error_code or "ok"
    metrics.AWS_REQUESTS.labels(service, record.event_name, outcome).inc()
    seconds = request_context.seconds_since_start()
    if seconds is not None:
        metrics.AWS_REQUEST_SECONDS.labels(service, record.event_name, outcome).observe(seconds)
    if record.event_name in SIGN_IN_OPERATIONS and service == "cognito-idp":
        metrics.SIGN_INS.labels(record.event_name, outcome).inc()
