"""The IAM and STS operations this server answers (query protocol): one line per operation.

Registered from `IamConfig.ready()`. IAM has no operations yet; it is registered so its calls
reach the query front and get a clean `InvalidAction` rather than nothing.
"""
from __future__ import annotations

from awsapi.registry import AwsService, Handler
from iam import api

IAM = AwsService(model_name="iam", iam_prefix="iam", signing_name="iam", event_source="iam.amazonaws.com")
STS = AwsService(model_name="sts", iam_prefix="sts", signing_name="sts", event_source="sts.amazonaws.com")

IAM_OPERATIONS: dict[str, Handler] = {}

STS_OPERATIONS: dict[str, Handler] = {
    "GetCallerIdentity": api.get_caller_identity,
}
