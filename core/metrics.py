"""The service's Prometheus metrics, defined once (prometheus_client).

Any layer may count here; `ops` exposes them at /metrics. Every web worker writes its
values to files in PROMETHEUS_MULTIPROC_DIR (config/serve.py sets it up), and a scrape
adds up all workers' files, so the numbers do not depend on which worker answers.
"""
from __future__ import annotations

from prometheus_client import Counter, Histogram

# Latency buckets from a cached GetUser (~1 ms) to a slow trigger or Argon2 on a busy host.
_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

AWS_REQUESTS = Counter(
    "identity_aws_requests", "AWS API calls by service, operation and outcome (ok or the error type).",
    ["service", "operation", "outcome"],
)
AWS_REQUEST_SECONDS = Histogram(
    "identity_aws_request_seconds", "Time from the request's arrival to the call's audit record.",
    ["service", "operation", "outcome"], buckets=_BUCKETS,
)
SIGN_INS = Counter(
    "identity_sign_ins", "Sign-in calls (InitiateAuth, RespondToAuthChallenge and their Admin forms) by outcome.",
    ["operation", "outcome"],
)
LOCKOUTS = Counter("identity_lockouts", "Users locked after too many wrong passwords.")
TRIGGER_ATTEMPTS = Counter(
    "identity_trigger_attempts", "Trigger invocation attempts by trigger source and outcome.", ["trigger_source", "outcome"],
)
TRIGGER_SECONDS = Histogram(
    "identity_trigger_seconds", "Duration of trigger invocation attempts.", ["trigger_source"], buckets=_BUCKETS,
)
