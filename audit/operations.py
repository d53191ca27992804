"""The CloudTrail operations this server answers: one line per AWS operation.

Registered from `AuditConfig.ready()`. CloudTrail's IAM resource is always "*".
"""
from __future__ import annotations

from audit import api
from awsapi.registry import AwsService, Handler

CLOUDTRAIL = AwsService(
    model_name="cloudtrail",
    iam_prefix="cloudtrail",
    signing_name="cloudtrail",
    event_source="cloudtrail.amazonaws.com",
    target_prefix="com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101",
    precheck=api.precheck,
    # No transaction around it: on SQLite one holds the write lock while LookupEvents waits for
    # the other processes' audit writers (audit.write_behind.settle), which need that lock.
    reads_only=frozenset({"LookupEvents"}),
)

OPERATIONS: dict[str, Handler] = {
    "LookupEvents": api.lookup_events,
}
