"""CUSTOM_AUTH: a sign-in whose challenges the pool's own functions define, create and verify.

InitiateAuth(CUSTOM_AUTH, USERNAME) asks DefineAuthChallenge what comes first. CUSTOM_CHALLENGE
runs CreateAuthChallenge and returns its publicChallengeParameters (plus USERNAME) with a Session;
RespondToAuthChallenge(CUSTOM_CHALLENGE, ANSWER) runs VerifyAuthChallengeResponse with the
privateChallengeParameters, appends {challengeName, challengeResult, challengeMetadata} to the
history and asks DefineAuthChallenge again: another challenge, failAuthentication
(NotAuthorizedException) or issueTokens, after which the usual stages (new password, MFA,
devices) follow as for any first factor.

With SRP_A in the AuthParameters the history starts with {SRP_A, true}, and DefineAuthChallenge
may then ask for PASSWORD_VERIFIER: the SRP challenge of USER_SRP_AUTH, returned with a Session;
its answer (a right password only: a wrong one ends the sign-in as in USER_SRP_AUTH) enters the
history as {PASSWORD_VERIFIER, true}.

The history, the pending private parameters and the challenge's metadata travel in the Session's
encrypted progress, which expires with the client's AuthSessionValidity; at most MAX_CHALLENGES
challenges are presented in one sign-in. An unknown user, when the client prevents user-existence
errors, goes through the same triggers with userNotFound=true and can never receive tokens.

The challenge triggers get RespondToAuthChallenge's ClientMetadata as `clientMetadata`; run from
InitiateAuth they get none, as on Cognito (its ClientMetadata is PreAuthentication's `validationData`).
"""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.db import transaction

from core.errors import (
    InvalidLambdaResponseException,
    InvalidParameterException,
    NotAuthorizedException,
)
from userpools.domain import client_auth
from userpools.events import challenges
from userpools.events.challenges import Subject
from userpools.models import User, UserPool, UserPoolClient
from userpools.services import devices, lookup
from userpools.services.signin import clock, flows, lockout, session, srp_flow
from userpools.services.signin.attempt import Attempt
from userpools.services.signin.flows import INCORRECT
from userpools.services.signin.stages import required_response

CUSTOM_CHALLENGE = "CUSTOM_CHALLENGE"
PASSWORD_VERIFIER = srp_flow.CHALLENGE
SRP_A = "SRP_A"
MAX_CHALLENGES = 8
MAX_PRIVATE_CHARS = 4096  # privateChallengeParameters ride in the Session
_PROGRESS_KEY = "custom"
_USED_KEY = "signin:custom-session-used:{}"


@dataclass
class CustomState:
    """What the Session carries from one round to the next."""

    user_name: str
    not_found: bool
    history: list[dict] = field(default_factory=list)
    private: dict = field(default_factory=dict)
    metadata: str | None = None
    seed: dict = field(default_factory=dict)  # the first factor's progress (DEVICE_KEY)

    def to_progress(self) -> dict:
        return {_PROGRESS_KEY: {"n": self.user_name, "nf": self.not_found, "h": self.history,
                                "p": self.private, "m": self.metadata, "d": self.seed}}

    @classmethod
    def from_progress(cls, progress: dict) -> CustomState:
        data = progress.get(_PROGRESS_KEY)
        if not isinstance(data, dict):
            raise NotAuthorizedException(session.INVALID)
        return cls(data["n"], data["nf"], list(data["h"]), dict(data["p"]), data.get("m"), dict(data.get("d") or {}))

    def record(self, challenge_name: str, result: bool, metadata: str | None = None) -> None:
        self.history.append({"challengeName": challenge_name, "challengeResult": result, "challengeMetadata": metadata})


@dataclass(frozen=True)
class Round:
    """One round of a CUSTOM_AUTH sign-in: the request, the user (None if unknown) and the state."""

    attempt: Attempt
    user: User | None
    state: CustomState
    auth_time: datetime

    def subject(self) -> Subject:
        user_name = self.user.username if self.user is not None else self.state.user_name
        return Subject(self.attempt.pool, self.user, user_name, self.attempt.client_id, self.attempt.client_metadata)


# --- InitiateAuth -------------------------------------------------------------------------------

def custom_auth_flow(attempt: Attempt) -> dict:
    """InitiateAuth / AdminInitiateAuth with CUSTOM_AUTH."""
    username = required_response(attempt.parameters, "USERNAME")
    client_auth.check_secret_hash(attempt.client, username, attempt.parameters.get("SECRET_HASH"))
    if not challenges.configured(attempt.pool):
        raise InvalidParameterException(challenges.NOT_CONFIGURED)
    big_a = srp_flow.parse_srp_a(attempt.parameters[SRP_A]) if attempt.parameters.get(SRP_A) else None
    user = lookup.find_user(attempt.pool, username)
    if user is None and not client_auth.prevents_user_existence_errors(attempt.client):
        raise flows.unknown_user(attempt.client)
    flows.pre_authenticate(attempt, user, username)
    if user is not None:
        lockout.refuse_if_locked(user)
    state = CustomState(user.username if user else username, user is None, seed=devices.first_factor_progress(attempt.parameters))
    if big_a is not None:
        state.record(SRP_A, True)
    with transaction.atomic():
        return _advance(Round(attempt, user, state, clock.now()), big_a=big_a)


# --- the rounds ---------------------------------------------------------------------------------

def _advance(current: Round, *, big_a: int | None = None) -> dict:
    """Ask DefineAuthChallenge what follows the history, and do it."""
    decision = challenges.define(current.subject(), current.state.history)
    if decision.fail:
        raise NotAuthorizedException(INCORRECT)
    if decision.issue_tokens:
        return _finish(current)
    if len(current.state.history) >= MAX_CHALLENGES:
        raise NotAuthorizedException(INCORRECT)
    if decision.challenge_name == CUSTOM_CHALLENGE:
        return _custom_challenge(current)
    if decision.challenge_name == PASSWORD_VERIFIER and big_a is not None:
        return _password_verifier(current, big_a)
    raise InvalidLambdaResponseException(challenges.UNRECOGNIZABLE)


def _finish(current: Round) -> dict:
    user = current.user
    if user is None:
        raise NotAuthorizedException(INCORRECT)
    flows.refuse_after_proof(user)
    progress = {**current.state.seed, **devices.first_factor_progress(current.attempt.parameters)}
    return flows.first_factor_passed(user, current.attempt, current.auth_time, progress)


def _custom_challenge(current: Round) -> dict:
    state = current.state
    challenge = challenges.create(current.subject(), CUSTOM_CHALLENGE, state.history)
    if len(json.dumps(challenge.private)) > MAX_PRIVATE_CHARS:
        raise InvalidLambdaResponseException(challenges.UNRECOGNIZABLE)
    state.private, state.metadata = challenge.private, challenge.metadata
    parameters = {**challenge.public, "USERNAME": state.user_name}
    return {"ChallengeName": CUSTOM_CHALLENGE, "Session": _issue(current, CUSTOM_CHALLENGE), "ChallengeParameters": parameters}


def _password_verifier(current: Round, big_a: int) -> dict:
    current.state.private, current.state.metadata = {}, None
    parameters = srp_flow.password_verifier_challenge(current.attempt, current.state.user_name, big_a, pre_authenticated=True)
    return {"ChallengeName": PASSWORD_VERIFIER, "Session": _issue(current, PASSWORD_VERIFIER), "ChallengeParameters": parameters}


def _issue(current: Round, challenge: str) -> str:
    # An unknown user's Session looks like any other: it names a user who does not exist.
    user = current.user or User(pool=current.attempt.pool, username=current.state.user_name)
    progress = {**current.state.to_progress(), "custom_id": secrets.token_urlsafe(16)}
    return session.issue(current.attempt.client, user, challenge, admin=current.attempt.admin,
                         auth_time=current.auth_time, progress=progress)


def _claim_once(client: UserPoolClient, pending: session.PendingChallenge) -> None:
    """A Session answers once, right or wrong: an older one would rewind the history (and with it
    the handler's count of wrong answers). The first claim of its id wins on every server."""
    timeout = client_auth.auth_session_seconds(client) + 60
    if not cache.add(_USED_KEY.format(pending.progress.get("custom_id")), 1, timeout=timeout):
        raise NotAuthorizedException(session.INVALID)


# --- RespondToAuthChallenge ---------------------------------------------------------------------

def _pending(attempt: Attempt, challenge: str) -> session.PendingChallenge:
    if not attempt.session:
        raise InvalidParameterException("Missing required parameter Session")
    pending = session.read(attempt.session, attempt.client, admin=attempt.admin)
    if pending.challenge != challenge or _PROGRESS_KEY not in pending.progress or "custom_id" not in pending.progress:
        raise NotAuthorizedException(session.INVALID)
    return pending


def _names(pool: UserPool, username: str, state: CustomState, user: User | None) -> bool:
    if lookup.username_key(pool, username) == lookup.username_key(pool, state.user_name):
        return True
    found = lookup.find_user(pool, username) if user is not None else None
    return found is not None and user is not None and found.pk == user.pk


def _session_user(attempt: Attempt, pending: session.PendingChallenge, state: CustomState, username: str) -> User | None:
    """The (row-locked) user of the Session; None for an unknown user's sign-in."""
    user = None
    if not state.not_found:
        user = User.objects.select_for_update(no_key=True).select_related("pool").filter(pool=attempt.pool, sub=pending.user_sub).first()
        if user is None or not session.still_valid_for(pending, user):
            raise NotAuthorizedException(session.INVALID)
        if not user.enabled:
            raise NotAuthorizedException("User is disabled.")
    if not _names(attempt.pool, username, state, user):
        raise NotAuthorizedException(session.INVALID)
    return user


def custom_challenge_answer(attempt: Attempt) -> dict:
    """RespondToAuthChallenge / AdminRespondToAuthChallenge with CUSTOM_CHALLENGE."""
    responses = attempt.parameters
    username = required_response(responses, "USERNAME")
    answer = required_response(responses, "ANSWER")
    client_auth.check_secret_hash(attempt.client, username, responses.get("SECRET_HASH"))
    pending = _pending(attempt, CUSTOM_CHALLENGE)
    state = CustomState.from_progress(pending.progress)
    _claim_once(attempt.client, pending)
    with transaction.atomic():
        user = _session_user(attempt, pending, state, username)
        current = Round(attempt, user, state, pending.auth_time)
        correct = challenges.verify(current.subject(), state.private, answer)
        state.record(CUSTOM_CHALLENGE, correct, state.metadata)
        return _advance(current)


def custom_session(attempt: Attempt) -> session.PendingChallenge | None:
    """The custom sign-in a PASSWORD_VERIFIER answer continues; None for a plain USER_SRP_AUTH.

    A SECRET_BLOCK issued inside CUSTOM_AUTH must not skip the custom challenges by being answered
    without its Session, so Session-less answers are taken only where USER_SRP_AUTH is allowed."""
    if attempt.session:
        try:
            return _pending(attempt, PASSWORD_VERIFIER)
        except NotAuthorizedException:
            if not _allows_plain_srp(attempt.client):
                raise
            return None
    if not _allows_plain_srp(attempt.client):
        raise NotAuthorizedException(INCORRECT)
    return None


def _allows_plain_srp(client: UserPoolClient) -> bool:
    try:
        client_auth.require_flow(client, "USER_SRP_AUTH")
    except InvalidParameterException:
        return False
    return True


def password_verifier_round(attempt: Attempt, pending: session.PendingChallenge) -> dict:
    """PASSWORD_VERIFIER inside CUSTOM_AUTH (`pending` from custom_session): one round of the history."""
    state = CustomState.from_progress(pending.progress)
    _claim_once(attempt.client, pending)
    proven = srp_flow.prove(attempt)  # a wrong password fails here, counted as in USER_SRP_AUTH
    if state.not_found or str(proven.sub) != pending.user_sub:
        raise NotAuthorizedException(session.INVALID)
    with transaction.atomic():
        user = _session_user(attempt, pending, state, required_response(attempt.parameters, "USERNAME"))
        state.record(PASSWORD_VERIFIER, True)
        return _advance(Round(attempt, user, state, pending.auth_time))
