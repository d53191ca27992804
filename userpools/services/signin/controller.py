"""What follows a proven identity: the next pending stage as a challenge, or tokens."""
from __future__ import annotations

from datetime import datetime

from userpools.models import User, UserPoolClient
from userpools.services import tokens
from userpools.services.signin import session, stages


def next_step(user: User, client: UserPoolClient, *, admin: bool, auth_time: datetime) -> dict:
    """The InitiateAuth/RespondToAuthChallenge response for a user who has passed every stage so far."""
    stage = stages.next_pending(user, client)
    if stage is not None:
        return {
            "ChallengeName": stage.name,
            "Session": session.issue(client, user, stage.name, admin=admin, auth_time=auth_time),
            "ChallengeParameters": stage.parameters(user, client),
        }
    return {"ChallengeParameters": {}, "AuthenticationResult": tokens.issue_tokens(user, client, auth_time=auth_time)}
