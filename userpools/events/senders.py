"""CustomEmailSender_* / CustomSMSSender_*: when a pool names a sender function for a medium, the
function delivers every code and temporary password of that medium instead of us. As on Cognito,
the secret travels encrypted (an Encryption SDK message under the pool's KMSKeyID, which the
handler decrypts through our KMS endpoint), and the trigger runs asynchronously after commit."""
from __future__ import annotations

from triggers import runner
from userpools.events.lifecycle import user_attributes
from userpools.models import User, UserPool

EMAIL_SENDER = "CustomEmailSender"
SMS_SENDER = "CustomSMSSender"
_REQUEST_TYPES = {EMAIL_SENDER: "customEmailSenderRequestV1", SMS_SENDER: "customSMSSenderRequestV1"}


def sender_for(pool: UserPool, medium: str) -> str | None:
    """The LambdaConfig member of the pool's sender for EMAIL or SMS, or None when we deliver."""
    key = EMAIL_SENDER if medium == "EMAIL" else SMS_SENDER
    return key if runner.configured_function(pool, key) is not None else None


def send_through_sender(user: User, sender: str, message_source: str, secret: str, *, client_id: str | None = None,
                        client_metadata: dict | None = None) -> None:
    """Queue the sender trigger for `secret` (a code, or an invitation's temporary password), under the
    source matching the CustomMessage one (CustomMessage_SignUp -> CustomEmailSender_SignUp, ...)."""
    source = message_source.replace("CustomMessage", sender, 1)
    request = sender_request(user.pool, source, secret, user_attributes(user), client_metadata)
    runner.invoke(user.pool, source, request, user_name=user.username, client_id=client_id, synchronous=False, lambda_config_key=sender)


def sender_request(pool: UserPool, source: str, secret: str, attributes: dict[str, str], client_metadata: dict | None = None) -> dict:
    """The event `request` of a sender source, with `secret` encrypted under the pool's KMSKeyID."""
    # Imported here so the Encryption SDK loads only for pools that use a sender.
    from kms import envelope

    return {
        "type": _REQUEST_TYPES[runner.config_key_for(source)],
        "code": envelope.encrypt_secret(pool.config["LambdaConfig"]["KMSKeyID"], secret, {"userpool-id": pool.id}),
        "clientMetadata": client_metadata or {},
        "userAttributes": attributes,
    }


def is_sender_source(source: str) -> bool:
    """Whether a trigger source is a custom sender's (CustomEmailSender_*, CustomSMSSender_*)."""
    return runner.config_key_for(source) in _REQUEST_TYPES
