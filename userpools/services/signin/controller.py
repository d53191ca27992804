"""What follows a proven identity: the next pending stage as a challenge, or tokens."""
from __future__ import annotations

from datetime import datetime

from userpools.models import User, UserPoolClient
from userpools.services import tokens
from userpools.services.signin import session, stages


def next_step(user: User, client: UserPoolClient, *, admin: bool, auth_time: datetime, progress: dict | None = None) -> dict:
    """The InitiateAuth/RespondToAuthChallenge response for a user who has passed every stage so far.

    `progress` carries what this sign-in has shown (see stages.Stage); a first factor may seed it,
    e.g. with the DEVICE_KEY its client named."""
    progress = dict(progress or {})
    stage = stages.next_pending(user, client, progress)
    if stage is not None:
        parameters = stage.parameters(user, client, progress)
        return {
            "ChallengeName": stage.name,
            "Session": session.issue(client, user, stage.name, admin=admin, auth_time=auth_time, progress=progress),
            "ChallengeParameters": parameters,
        }
    return {"ChallengeParameters": {}, "AuthenticationResult": tokens.issue_tokens(user, client, auth_time=auth_time)}
