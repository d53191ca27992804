"""Cognito's custom-auth challenge triggers: DefineAuthChallenge, CreateAuthChallenge and
VerifyAuthChallengeResponse. Each function builds its trigger's `request`, runs it through
`runner.invoke` and checks the `response`, returning plain values to the CUSTOM_AUTH flow.

`history` is the sign-in's `session` list as the handlers see it: one
{challengeName, challengeResult, challengeMetadata} per challenge answered so far, oldest first.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.errors import InvalidLambdaResponseException, InvalidParameterException
from triggers import runner
from userpools.events.lifecycle import user_attributes
from userpools.models import User, UserPool

NOT_CONFIGURED = "Custom auth lambda trigger is not configured for the user pool."
UNRECOGNIZABLE = "Unrecognizable lambda output"


@dataclass(frozen=True)
class Decision:
    """DefineAuthChallenge's answer: fail, issue tokens, or present `challenge_name`."""

    challenge_name: str | None
    issue_tokens: bool
    fail: bool


@dataclass(frozen=True)
class Challenge:
    """CreateAuthChallenge's answer."""

    public: dict[str, str]
    private: dict[str, Any]
    metadata: str | None


@dataclass(frozen=True)
class Subject:
    """Whom the challenge triggers are about: a user, or (userNotFound) only the name given."""

    pool: UserPool
    user: User | None
    user_name: str
    client_id: str
    client_metadata: dict[str, str]

    def base_request(self) -> dict[str, Any]:
        """The members every challenge trigger's request starts with."""
        return {"userAttributes": user_attributes(self.user) if self.user is not None else {}, "userNotFound": self.user is None}


def _invoke(subject: Subject, source: str, request: dict, response: dict) -> dict | None:
    request["clientMetadata"] = dict(subject.client_metadata)
    return runner.invoke(subject.pool, source, request, user_name=subject.user_name,
                         client_id=subject.client_id, response=response)


def _bool(response: dict, name: str) -> bool:
    value = response.get(name)
    if value is not None and not isinstance(value, bool):
        raise InvalidLambdaResponseException(UNRECOGNIZABLE)
    return bool(value)


def _optional_string(response: dict, name: str) -> str | None:
    value = response.get(name)
    if value is not None and not isinstance(value, str):
        raise InvalidLambdaResponseException(UNRECOGNIZABLE)
    return value or None


def configured(pool: UserPool) -> bool:
    """Whether the pool has a DefineAuthChallenge function (CUSTOM_AUTH needs one)."""
    return runner.configured_function(pool, "DefineAuthChallenge") is not None


def define(subject: Subject, history: list[dict]) -> Decision:
    """DefineAuthChallenge_Authentication: what comes next after `history`."""
    request = {**subject.base_request(), "session": [dict(entry) for entry in history]}
    response = _invoke(subject, "DefineAuthChallenge_Authentication", request,
                       {"challengeName": None, "issueTokens": None, "failAuthentication": None})
    if response is None:
        raise InvalidParameterException(NOT_CONFIGURED)
    return Decision(_optional_string(response, "challengeName"), _bool(response, "issueTokens"), _bool(response, "failAuthentication"))


def _string_map(value: Any) -> dict[str, str]:
    """publicChallengeParameters become ChallengeParameters, a map of strings on the wire."""
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(item, str) for item in value.values()):
        raise InvalidLambdaResponseException(UNRECOGNIZABLE)
    return {str(key): item for key, item in value.items()}


def create(subject: Subject, challenge_name: str, history: list[dict]) -> Challenge:
    """CreateAuthChallenge_Authentication: the contents of the next challenge."""
    request = {**subject.base_request(), "challengeName": challenge_name, "session": [dict(entry) for entry in history]}
    response = _invoke(subject, "CreateAuthChallenge_Authentication", request,
                       {"publicChallengeParameters": None, "privateChallengeParameters": None, "challengeMetadata": None})
    if response is None:
        raise InvalidParameterException(NOT_CONFIGURED)
    private = response.get("privateChallengeParameters")
    if private is not None and not isinstance(private, dict):
        raise InvalidLambdaResponseException(UNRECOGNIZABLE)
    return Challenge(_string_map(response.get("publicChallengeParameters")), private or {},
                     _optional_string(response, "challengeMetadata"))


def verify(subject: Subject, private: dict[str, Any], answer: str) -> bool:
    """VerifyAuthChallengeResponse_Authentication: whether `answer` is right."""
    request = {**subject.base_request(), "privateChallengeParameters": dict(private), "challengeAnswer": answer}
    response = _invoke(subject, "VerifyAuthChallengeResponse_Authentication", request, {"answerCorrect": None})
    if response is None:
        raise InvalidParameterException(NOT_CONFIGURED)
    return _bool(response, "answerCorrect")
