"""What follows a proven identity: the next pending stage as a challenge, or tokens."""
from __future__ import annotations

from datetime import datetime

from triggers import events
from userpools.models import User, UserPoolClient
from userpools.services import devices, tokens
from userpools.services.signin import session, stages


def next_step(user: User, client: UserPoolClient, *, admin: bool, auth_time: datetime, progress: dict | None = None) -> dict:
    """The InitiateAuth/RespondToAuthChallenge response for a user who has passed every stage so far.

    `progress` carries what this sign-in has shown (see stages.Stage); a first factor may seed it,
    e.g. with the DEVICE_KEY its client named."""
    progress = dict(progress or {})
    stage = stages.next_pending(user, client, progress)
    if stage is not None:
        parameters = stage.parameters(user, client, progress)
        token = session.issue(client, user, stage.name, admin=admin, auth_time=auth_time, progress=progress)
        issued = getattr(stage, "issued", None)  # optional hook: a stage that must find its Session again
        if issued is not None:
            issued(client, progress, token)
        return {"ChallengeName": stage.name, "Session": token, "ChallengeParameters": parameters}
    events.post_authentication(user, client_id=client.client_id)
    result = tokens.issue_tokens(user, client, auth_time=auth_time)
    device = devices.new_device_metadata(user, progress)
    if device is not None:
        result["NewDeviceMetadata"] = device
    return {"ChallengeParameters": {}, "AuthenticationResult": result}
