"""DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER: a sign-in that named a remembered device
proves it holds the device's secret, by SRP against the verifier ConfirmDevice stored (the
device group key in place of the pool name, the device key in place of the username).

Ordered before the MFA stages (stage_order.ORDER): with ChallengeRequiredOnNewDevice, a device that
passes skips MFA, as on Cognito. The server's SRP secret and SECRET_BLOCK travel in the (encrypted)
Session.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

from django.core.cache import cache

from core.errors import InvalidParameterException, NotAuthorizedException
from userpools.domain import client_auth, srp
from userpools.models import Device, User, UserPoolClient
from userpools.services import devices
from userpools.services.signin import clock
from userpools.services.signin.attempt import Attempt
from userpools.services.signin.stages import required_response

INCORRECT = "Incorrect username or password."


def _device(user: User, progress: dict, *, lock: bool = False) -> Device | None:
    key = progress.get("device_key")
    return devices.confirmed_device(user, key, lock=lock) if key else None


# pycognito answers the device challenges without the Session (Cognito accepts that), so the
# sign-in that named a device leaves its latest Session in the shared cache under the device key.
def _session_key(client: UserPoolClient, device_key: str) -> str:
    return f"signin:device-session:{client.client_id}:{hashlib.sha256(device_key.encode()).hexdigest()}"


def _remember_session(client: UserPoolClient, progress: dict, token: str) -> None:
    cache.set(_session_key(client, progress["device_key"]), token, timeout=client_auth.auth_session_seconds(client))


def resumable_session(client: UserPoolClient, challenge: str, responses: dict[str, str]) -> str | None:
    """The Session of the sign-in waiting for this device's answer, for an answer sent without one.
    The Session still binds the user, client and challenge, and is checked like any other."""
    device_key = responses.get("DEVICE_KEY")
    if challenge not in (DeviceSrpAuth.name, DevicePasswordVerifier.name) or not device_key:
        return None
    return cache.get(_session_key(client, device_key))


def _named_device(responses: dict[str, str], progress: dict) -> None:
    if required_response(responses, "DEVICE_KEY") != progress.get("device_key"):
        raise NotAuthorizedException(INCORRECT)


class DeviceSrpAuth:
    """The client sends SRP_A for its remembered device."""

    name = "DEVICE_SRP_AUTH"

    def is_pending(self, user: User, attempt: Attempt, progress: dict) -> bool:
        if progress.get("device_srp") or progress.get("device_authenticated") or not devices.tracks_devices(user.pool):
            return False
        device = _device(user, progress)
        return device is not None and device.remembered

    def parameters(self, user: User, attempt: Attempt, progress: dict) -> dict[str, str]:
        return {}

    def issued(self, client: UserPoolClient, progress: dict, token: str) -> None:
        _remember_session(client, progress, token)

    def respond(self, user: User, attempt: Attempt, responses: dict[str, str], progress: dict) -> dict:
        _named_device(responses, progress)
        try:
            big_a = srp.parse_public(required_response(responses, "SRP_A"))
        except srp.SrpError:
            raise InvalidParameterException("Invalid SRP_A.") from None
        device = _device(user, progress)
        if device is None:
            raise NotAuthorizedException("Device does not exist.")
        b, big_b = srp.server_challenge(device.srp_verifier)
        return {**progress, "device_srp": {"A": f"{big_a:x}", "b": f"{b:x}", "B": big_b}}


class DevicePasswordVerifier:
    """The client proves the device secret: PASSWORD_CLAIM_SIGNATURE over the SECRET_BLOCK."""

    name = "DEVICE_PASSWORD_VERIFIER"

    def is_pending(self, user: User, attempt: Attempt, progress: dict) -> bool:
        return bool(progress.get("device_srp")) and not progress.get("device_authenticated")

    def parameters(self, user: User, attempt: Attempt, progress: dict) -> dict[str, str]:
        device = _device(user, progress)
        if device is None:  # forgotten since the first factor named it
            raise NotAuthorizedException("Device does not exist.")
        block = base64.b64encode(secrets.token_bytes(64)).decode()
        progress["device_srp"] = {**progress["device_srp"], "block": block}  # carried in the Session
        return {
            "SALT": device.srp_salt,
            "SRP_B": progress["device_srp"]["B"],
            "SECRET_BLOCK": block,
            "USERNAME": user.username,
            "DEVICE_KEY": device.device_key,
        }

    def issued(self, client: UserPoolClient, progress: dict, token: str) -> None:
        _remember_session(client, progress, token)

    def respond(self, user: User, attempt: Attempt, responses: dict[str, str], progress: dict) -> dict:
        _named_device(responses, progress)
        state = progress["device_srp"]
        block = required_response(responses, "PASSWORD_CLAIM_SECRET_BLOCK")
        if not hmac.compare_digest(block.encode(), state.get("block", "").encode()):
            raise NotAuthorizedException(INCORRECT)
        # One answer per SECRET_BLOCK on every app server, though the Session itself is stateless.
        if not cache.add(f"signin:device-block:{hashlib.sha256(block.encode()).hexdigest()}", 1, timeout=3600):
            raise NotAuthorizedException("Invalid session for the user.")
        device = _device(user, progress, lock=True)
        if device is None:
            raise NotAuthorizedException("Device does not exist.")
        try:
            proven = srp.verify_claim(
                name=device.device_group_key,
                user_id=device.device_key,
                verifier_hex=device.srp_verifier,
                big_a=int(state["A"], 16),
                b=int(state["b"], 16),
                big_b_hex=state["B"],
                secret_block=base64.b64decode(block),
                timestamp=required_response(responses, "TIMESTAMP"),
                signature=required_response(responses, "PASSWORD_CLAIM_SIGNATURE"),
            )
        except (srp.SrpError, binascii.Error, ValueError):
            proven = False
        if not proven:
            raise NotAuthorizedException(INCORRECT)
        device.last_authenticated = clock.now()
        device.save(update_fields=["last_authenticated", "modified"])
        facts = {**progress, "device_authenticated": True, "amr": sorted({*progress.get("amr", ["pwd"]), "device"})}
        if devices.mfa_skipped_on_remembered_devices(user.pool):
            facts["mfa_skipped_by_device"] = True
        return facts
