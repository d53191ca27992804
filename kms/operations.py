"""The KMS operations this server answers: one line per AWS operation.

Registered from `KmsConfig.ready()`.
"""
from __future__ import annotations

from awsapi.registry import AwsService, Handler
from kms import keys
from kms.api import decrypt, encrypt, generate_data_key


def resource(operation: str, params: dict) -> str:
    """The IAM resource of a KMS call: the key it names (NotFoundException for names no key has)."""
    return keys.key_arn(params["KeyId"]) if "KeyId" in params else "*"


KMS = AwsService(
    model_name="kms",
    iam_prefix="kms",
    signing_name="kms",
    event_source="kms.amazonaws.com",
    target_prefix="TrentService",
    resource=resource,
)

# One line per operation; registered from KmsConfig.ready().
OPERATIONS: dict[str, Handler] = {
    "Decrypt": decrypt,
    "Encrypt": encrypt,
    "GenerateDataKey": generate_data_key,
}
