"""RespondToAuthChallenge / AdminRespondToAuthChallenge: resume a sign-in from its Session."""
from __future__ import annotations

from django.db import transaction

from core.errors import InvalidParameterException, NotAuthorizedException
from userpools.domain import client_auth
from userpools.models import User, UserPool
from userpools.services import lookup
from userpools.services.signin import (
    controller,
    device_stages,
    session,
    stage_order,
    stages,
)
from userpools.services.signin.attempt import Attempt
from userpools.services.signin.stages import required_response


def _names_user(pool: UserPool, username: str, user: User) -> bool:
    """Whether the USERNAME of the answer names the session's user (by username or alias)."""
    if lookup.username_key(pool, username) == user.username_key:
        return True
    found = lookup.find_user(pool, username)
    return found is not None and found.pk == user.pk


def _session_user(pool: UserPool, pending: session.PendingChallenge, username: str, *, lock: bool) -> User:
    rows = User.objects.select_for_update(no_key=True) if lock else User.objects
    user = rows.filter(pool=pool, sub=pending.user_sub).first()
    if user is None or not _names_user(pool, username, user) or not session.still_valid_for(pending, user):
        raise NotAuthorizedException(session.INVALID)
    return user


def respond(attempt: Attempt) -> dict:
    """The answer to a stage after the first factor (the Attempt's ChallengeName)."""
    name, client, responses = attempt.challenge_name or "", attempt.client, attempt.parameters
    stage = stage_order.find(name)
    if stage is None:
        raise InvalidParameterException(f"Unsupported challenge name {name}")
    token = attempt.session or device_stages.resumable_session(client, name, responses)
    if not token:
        raise InvalidParameterException("Missing required parameter Session")
    username = required_response(responses, "USERNAME")
    client_auth.check_secret_hash(client, username, responses.get("SECRET_HASH"))
    pending = session.read(token, client, admin=attempt.admin)
    if pending.challenge != name:
        raise NotAuthorizedException(session.INVALID)
    try:
        with transaction.atomic():
            # The row lock makes a Session good for one answer even when two arrive at once.
            user = _session_user(attempt.pool, pending, username, lock=True)
            if not user.enabled:
                raise NotAuthorizedException("User is disabled.")
            progress = stage.respond(user, attempt, responses, dict(pending.progress))
            if progress is None:
                progress = pending.progress
            return controller.next_step(user, attempt, auth_time=pending.auth_time, progress=progress)
    except stages.FailedAnswer as failed:
        with transaction.atomic():  # a wrong code still counts, though the answer rolled back
            failed.record()
        raise failed.error from None
