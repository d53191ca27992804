"""A custom sender handler written as for AWS Lambda: it decrypts `request.code` with the AWS
Encryption SDK and KMS (reached through AWS_ENDPOINT_URL_KMS), then "sends" it by recording it."""
import base64
import json
import os

import aws_encryption_sdk
from aws_encryption_sdk.identifiers import CommitmentPolicy

SENT: list[dict] = []  # {"event": ..., "secret": ...}, newest last

_client = aws_encryption_sdk.EncryptionSDKClient(commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT)


def send_with_provider(event, context):
    key_provider = aws_encryption_sdk.StrictAwsKmsMasterKeyProvider(key_ids=[os.environ["KEY_ARN"]])
    plaintext, _ = _client.decrypt(source=base64.b64decode(event["request"]["code"]), key_provider=key_provider)
    SENT.append({"event": event, "secret": plaintext.decode()})


def send_to_outbox(event, context):
    """The same handler on a worker process: it "sends" by appending to the SENDER_OUTBOX file."""
    key_provider = aws_encryption_sdk.StrictAwsKmsMasterKeyProvider(key_ids=[os.environ["KEY_ARN"]])
    plaintext, _ = _client.decrypt(source=base64.b64decode(event["request"]["code"]), key_provider=key_provider)
    with open(os.environ["SENDER_OUTBOX"], "a") as outbox:
        outbox.write(json.dumps({"triggerSource": event["triggerSource"], "userName": event["userName"], "secret": plaintext.decode()}) + "\n")


PLUGINS = ",".join(f"{name}=tests.triggers.sender_plugins:{name}" for name in ("send_with_provider", "send_to_outbox"))
