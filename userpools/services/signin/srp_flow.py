"""USER_SRP_AUTH: sign-in by Secure Remote Password, the default of Amplify and Cognito's SDKs.

InitiateAuth(USERNAME, SRP_A) answers PASSWORD_VERIFIER with SALT, SRP_B, SECRET_BLOCK, USERNAME
and USER_ID_FOR_SRP, and no Session: the SECRET_BLOCK is the state. It is a Fernet token (seen by
clients as standard base64) holding the pool, client, API, user, A, the server's secret b and B,
so it cannot be read, forged or moved; it expires with the client's AuthSessionValidity and is
good for one answer (its id is claimed in the shared cache with `cache.add`).

RespondToAuthChallenge(PASSWORD_VERIFIER) checks PASSWORD_CLAIM_SIGNATURE and then goes on
exactly like a right password: lockout and per-IP failure accounting, the user-state refusals,
and the stage controller (further challenges or tokens). The password never reaches SRP: the
user's verifier is derived whenever a password is set (`passwords.password_fields`).

An unknown user, when the client prevents user-existence errors, gets a challenge that looks
like a real one (a salt stable per username, a B from a verifier nobody knows) and fails at
the answer as a wrong password would.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.cache import cache

from core.errors import (
    InvalidParameterException,
    NotAuthorizedException,
    PasswordResetRequiredException,
)
from userpools import hot_reads
from userpools.domain import client_auth, srp
from userpools.models import User, UserPool, UserPoolClient
from userpools.services import lookup
from userpools.services.signin import clock, flows, lockout, throttle
from userpools.services.signin.attempt import Attempt
from userpools.services.signin.flows import INCORRECT
from userpools.services.signin.stages import required_response

CHALLENGE = "PASSWORD_VERIFIER"
INVALID_SRP_A = "Invalid SRP_A value."
_USED_KEY = "signin:srp-block-used:{}"


@dataclass(frozen=True)
class PendingProof:
    """What a SECRET_BLOCK carries from the challenge to its answer."""

    block_id: str
    user_sub: str  # empty for the challenge of an unknown user
    user_id_for_srp: str
    given_username: str
    salt: str
    big_a: int
    b: int
    big_b_hex: str


# --- SECRET_BLOCK ----------------------------------------------------------------------------

@functools.lru_cache(maxsize=4)
def _fernet(key_material: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"srp-secret-block").derive(key_material.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _seal(attempt: Attempt, proof: PendingProof) -> str:
    payload = {
        "p": attempt.pool.id, "c": attempt.client.client_id, "a": attempt.admin,
        "i": proof.block_id, "u": proof.user_sub, "n": proof.user_id_for_srp, "g": proof.given_username,
        "s": proof.salt, "A": f"{proof.big_a:x}", "b": f"{proof.b:x}", "B": proof.big_b_hex,
    }
    data = json.dumps(payload, separators=(",", ":")).encode()
    token = _fernet(settings.ENCRYPTION_KEY).encrypt_at_time(data, int(clock.now().timestamp()))
    # Clients decode SECRET_BLOCK as standard base64 and sign its bytes.
    return base64.b64encode(base64.urlsafe_b64decode(token)).decode()


def _open(attempt: Attempt, raw_block: bytes) -> PendingProof:
    """The pending proof in a SECRET_BLOCK, if it is ours, unexpired and for this pool, client and API."""
    token = base64.urlsafe_b64encode(raw_block)
    ttl = client_auth.auth_session_seconds(attempt.client)
    try:
        payload = json.loads(_fernet(settings.ENCRYPTION_KEY).decrypt_at_time(token, ttl, int(clock.now().timestamp())))
    except (InvalidToken, ValueError):
        raise NotAuthorizedException(INCORRECT) from None
    if payload["p"] != attempt.pool.id or payload["c"] != attempt.client.client_id or payload["a"] != attempt.admin:
        raise NotAuthorizedException(INCORRECT)
    return PendingProof(
        block_id=payload["i"], user_sub=payload["u"], user_id_for_srp=payload["n"], given_username=payload["g"],
        salt=payload["s"], big_a=int(payload["A"], 16), b=int(payload["b"], 16), big_b_hex=payload["B"],
    )


def _claim_once(attempt: Attempt, proof: PendingProof) -> None:
    """A SECRET_BLOCK answers once, right or wrong: the first claim of its id wins on every server."""
    timeout = client_auth.auth_session_seconds(attempt.client) + 60
    if not cache.add(_USED_KEY.format(proof.block_id), 1, timeout=timeout):
        raise NotAuthorizedException(INCORRECT)


# --- the challenge ---------------------------------------------------------------------------

def parse_srp_a(a_hex: str) -> int:
    """The client's A, or InvalidParameterException (non-hex, oversized, 0 mod N)."""
    try:
        return srp.parse_public(a_hex)
    except srp.SrpError:
        raise InvalidParameterException(INVALID_SRP_A) from None


def _decoy(pool: UserPool, username: str) -> tuple[str, str]:
    """A salt and verifier for a user who does not exist: stable per username (a second probe sees
    the same salt, as for a real user), derived from our key so nobody can tell them apart."""
    key = hashlib.sha256(f"srp-decoy:{settings.ENCRYPTION_KEY}".encode()).digest()
    seed = hmac.new(key, f"{pool.id}\0{lookup.username_key(pool, username)}".encode(), hashlib.sha256).digest()
    salt = f"{int.from_bytes(seed[:srp.SALT_BYTES], 'big') | 1 << (srp.SALT_BYTES * 8 - 1):x}"
    verifier = int.from_bytes(hashlib.shake_256(seed).digest(len(srp.N_HEX) // 2), "big") % srp.N
    return salt, f"{verifier:x}"


def password_verifier_challenge(attempt: Attempt, username: str, big_a: int, *, pre_authenticated: bool = False) -> dict[str, str]:
    """The PASSWORD_VERIFIER ChallengeParameters for `username` (also used by CUSTOM_AUTH's SRP_A,
    whose sign-in has run the PreAuthentication trigger already: `pre_authenticated`)."""
    source_ip = None if attempt.admin else attempt.source_ip
    throttle.refuse_if_throttled(source_ip)
    user = lookup.find_user(attempt.pool, username)
    if user is None and not client_auth.prevents_user_existence_errors(attempt.client):
        raise flows.unknown_user(attempt.client)
    if not pre_authenticated:
        flows.pre_authenticate(attempt, user, username)
    if user is None:
        lockout.refuse_if_phantom_locked(attempt.pool, lookup.username_key(attempt.pool, username))
        salt, verifier = _decoy(attempt.pool, username)
        user_sub, user_id = "", username
    else:
        lockout.refuse_if_locked(user)
        if user.status == User.RESET_REQUIRED:
            raise PasswordResetRequiredException("Password reset required for the user")
        # A user without a verifier (no password yet) gets a challenge that no answer passes.
        stored = user.srp_verifier  # decrypted on each access
        salt, verifier = (user.srp_salt, stored) if stored else _decoy(attempt.pool, username)
        user_sub, user_id = str(user.sub), user.username
    b, big_b_hex = srp.server_challenge(verifier)
    proof = PendingProof(
        block_id=secrets.token_urlsafe(16), user_sub=user_sub, user_id_for_srp=user_id, given_username=username,
        salt=salt, big_a=big_a, b=b, big_b_hex=big_b_hex,
    )
    return {"SALT": salt, "SRP_B": big_b_hex, "SECRET_BLOCK": _seal(attempt, proof), "USERNAME": user_id, "USER_ID_FOR_SRP": user_id}


def user_srp_flow(attempt: Attempt) -> dict:
    """InitiateAuth / AdminInitiateAuth with USER_SRP_AUTH."""
    username = required_response(attempt.parameters, "USERNAME")
    a_hex = required_response(attempt.parameters, "SRP_A")
    client_auth.check_secret_hash(attempt.client, username, attempt.parameters.get("SECRET_HASH"))
    big_a = parse_srp_a(a_hex)
    return {"ChallengeName": CHALLENGE, "ChallengeParameters": password_verifier_challenge(attempt, username, big_a)}


# --- the answer ------------------------------------------------------------------------------

def _check_secret_hash(client: UserPoolClient, names: list[str], given: str | None) -> None:
    """SECRET_HASH over the answer's USERNAME; SDKs that hash the name first typed are accepted too."""
    secret = client.secret
    if secret is None or not given:
        client_auth.check_secret_hash(client, names[0], given)
        return
    if not any(hmac.compare_digest(client_auth.secret_hash(secret, name, client.client_id), given) for name in names):
        raise NotAuthorizedException(f"Unable to verify secret hash for client {client.client_id}")


def _names_user(pool: UserPool, username: str, proof: PendingProof, user: User) -> bool:
    if username in (proof.user_id_for_srp, proof.given_username):
        return True
    found = lookup.find_user(pool, username)
    return found is not None and found.pk == user.pk


def _signature_matches(attempt: Attempt, user: User, proof: PendingProof, raw_block: bytes, timestamp: str, signature: str) -> bool:
    verifier = user.srp_verifier  # decrypted on each access
    if not verifier or user.srp_salt != proof.salt:
        return False  # no verifier, or the password changed since the challenge
    return _verifies(attempt, proof, verifier, raw_block, timestamp, signature)


def _verifies(attempt: Attempt, proof: PendingProof, verifier_hex: str, raw_block: bytes, timestamp: str, signature: str) -> bool:
    try:
        return srp.verify_claim(
            name=srp.pool_name(attempt.pool.id), user_id=proof.user_id_for_srp, verifier_hex=verifier_hex,
            big_a=proof.big_a, b=proof.b, big_b_hex=proof.big_b_hex, secret_block=raw_block,
            timestamp=timestamp, signature=signature,
        )
    except srp.SrpError:  # u == 0: no key can be agreed, so no proof
        return False


def _claimed_user(attempt: Attempt) -> tuple[User, Callable[[User], bool]]:
    """The user a PASSWORD_VERIFIER answer claims to be, and the check of its signature; Cognito's
    error (counting failures) when it cannot be that user's answer."""
    responses = attempt.parameters
    username = required_response(responses, "USERNAME")
    block_text = required_response(responses, "PASSWORD_CLAIM_SECRET_BLOCK")
    signature = required_response(responses, "PASSWORD_CLAIM_SIGNATURE")
    timestamp = required_response(responses, "TIMESTAMP")
    try:
        srp.parse_timestamp(timestamp)
    except srp.SrpError as error:
        raise InvalidParameterException(str(error)) from None
    try:
        raw_block = srp.decode_base64(block_text)
    except srp.SrpError:
        raise NotAuthorizedException(INCORRECT) from None
    proof = _open(attempt, raw_block)
    _check_secret_hash(attempt.client, [username, proof.given_username], responses.get("SECRET_HASH"))
    source_ip = None if attempt.admin else attempt.source_ip
    throttle.refuse_if_throttled(source_ip)
    _claim_once(attempt, proof)
    user = hot_reads.user_by_sub(attempt.pool.id, uuid.UUID(proof.user_sub), None) if proof.user_sub else None
    if user is not None:
        user.pool = attempt.pool
    if user is None or not _names_user(attempt.pool, username, proof, user):
        phantom = lookup.username_key(attempt.pool, proof.given_username) if user is None else None
        if phantom is not None:
            lockout.refuse_if_phantom_locked(attempt.pool, phantom)
        # The same key derivation as for a real user, so timing does not tell the two apart.
        _, decoy_verifier = _decoy(attempt.pool, proof.given_username)
        _verifies(attempt, proof, decoy_verifier, raw_block, timestamp, signature)
        if phantom is not None:
            lockout.record_phantom_failure(attempt.pool, phantom)
        throttle.record_failure(source_ip)
        raise NotAuthorizedException(INCORRECT)
    lockout.refuse_if_locked(user)
    if user.status == User.RESET_REQUIRED:
        raise PasswordResetRequiredException("Password reset required for the user")
    return user, lambda fresh: _signature_matches(attempt, fresh, proof, raw_block, timestamp, signature)


def prove(attempt: Attempt) -> User:
    """The user a PASSWORD_VERIFIER answer proves, or Cognito's error (counting failures)."""
    user, signature_matches = _claimed_user(attempt)
    flows.check_proof(attempt, user, signature_matches)
    return user


def password_verifier_answer(attempt: Attempt) -> dict:
    """RespondToAuthChallenge / AdminRespondToAuthChallenge with PASSWORD_VERIFIER."""
    user, signature_matches = _claimed_user(attempt)
    return flows.proof_then_next_step(attempt, user, signature_matches)
