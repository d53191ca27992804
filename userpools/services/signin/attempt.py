"""The request a sign-in step serves (`Attempt`), below the flows, the stages and the controller
that all read it, so none of them has to import another to name it."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from userpools.models import UserPool, UserPoolClient


@dataclass(frozen=True)
class Attempt:
    """One InitiateAuth or RespondToAuthChallenge request (public or admin API)."""

    pool: UserPool
    client: UserPoolClient
    parameters: dict[str, str]  # AuthParameters, or ChallengeResponses
    admin: bool
    source_ip: str | None
    # Cognito routes ClientMetadata by operation: InitiateAuth's reaches only PreAuthentication and
    # UserMigration, as their `validationData`; RespondToAuthChallenge's reaches the triggers the
    # answer runs (PostAuthentication, PreTokenGeneration, Define/Create/VerifyAuthChallenge) as
    # `clientMetadata`. Each field holds what the triggers see, so one of the two is always empty.
    client_metadata: dict[str, str] = field(default_factory=dict)
    validation_data: dict[str, str] = field(default_factory=dict)
    challenge_name: str | None = None  # the ChallengeName answered; None for InitiateAuth
    session: str | None = None  # the answer's Session
    # A hosted-UI sign-in ends in an authorization code, not tokens: the last step names the user.
    hosted: bool = False

    @property
    def client_id(self) -> str:
        """The app client's id, as the triggers' callerContext names it."""
        return self.client.client_id


Flow = Callable[[Attempt], dict]
