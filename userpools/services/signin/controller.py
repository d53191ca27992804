"""What follows a proven identity: the next pending stage as a challenge, or tokens."""
from __future__ import annotations

from datetime import datetime

from userpools.events import lifecycle
from userpools.models import User
from userpools.services import devices, tokens
from userpools.services.signin import session, stage_order
from userpools.services.signin.attempt import Attempt

# Cognito names the pre token generation source after the answer that completed the sign-in.
TOKEN_SOURCES = {
    "NEW_PASSWORD_REQUIRED": "TokenGeneration_NewPasswordChallenge",
    "DEVICE_PASSWORD_VERIFIER": "TokenGeneration_AuthenticateDevice",
}
AUTHENTICATION_SOURCE = "TokenGeneration_Authentication"


def next_step(user: User, attempt: Attempt, *, auth_time: datetime, progress: dict | None = None) -> dict:
    """The InitiateAuth/RespondToAuthChallenge response for a user who has passed every stage so far.

    `progress` carries what this sign-in has shown (see stages.Stage); a first factor may seed it,
    e.g. with the DEVICE_KEY its client named."""
    client = attempt.client
    progress = dict(progress or {})
    stage = stage_order.next_pending(user, attempt, progress)
    if stage is not None:
        parameters = stage.parameters(user, attempt, progress)
        token = session.issue(client, user, stage.name, admin=attempt.admin, auth_time=auth_time, progress=progress)
        issued = getattr(stage, "issued", None)  # optional hook: a stage that must find its Session again
        if issued is not None:
            issued(client, progress, token)
        return {"ChallengeName": stage.name, "Session": token, "ChallengeParameters": parameters}
    new_device = devices.signs_in_from_new_device(user, progress)
    lifecycle.post_authentication(user, client_id=client.client_id, client_metadata=attempt.client_metadata,
                               new_device_used=new_device)
    if attempt.hosted:  # the hosted UI issues a code (or tokens) for this user itself
        return {"ChallengeParameters": {}, "SignedIn": {"sub": str(user.sub), "auth_time": auth_time}}
    source = TOKEN_SOURCES.get(attempt.challenge_name or "", AUTHENTICATION_SOURCE)
    result = tokens.issue_tokens(user, client, auth_time=auth_time, source=source, client_metadata=attempt.client_metadata)
    if new_device:
        result["NewDeviceMetadata"] = devices.new_device_metadata(user)
    return {"ChallengeParameters": {}, "AuthenticationResult": result}
