"""Remembered devices: the pool's DeviceConfiguration, the device key handed out with tokens
(NewDeviceMetadata), ConfirmDevice (the client's device SRP verifier), and the user's and the
administrator's device operations.

A device row is created when its key is handed out and becomes a device once confirmed (it has
a verifier); unconfirmed rows are invisible to every operation except ConfirmDevice.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction

from core import pagination
from core.errors import InvalidParameterException, ResourceNotFoundException
from userpools.models import Device, User, UserPool
from userpools.services import lookup
from userpools.services.pools import get_pool
from userpools.services.signin import clock

REMEMBERED, NOT_REMEMBERED = "remembered", "not_remembered"
DEFAULT_LIMIT = 60
UNCONFIRMED_KEY_LIFETIME = timedelta(days=1)
_GROUP_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def tracks_devices(pool: UserPool) -> bool:
    """Any DeviceConfiguration turns device tracking on (DescribeUserPool returns none otherwise)."""
    return pool.config.get("DeviceConfiguration") is not None


def mfa_skipped_on_remembered_devices(pool: UserPool) -> bool:
    """Whether a remembered device lets its user skip MFA (ChallengeRequiredOnNewDevice)."""
    return bool((pool.config.get("DeviceConfiguration") or {}).get("ChallengeRequiredOnNewDevice"))


def _remembered_only_on_prompt(pool: UserPool) -> bool:
    return bool((pool.config.get("DeviceConfiguration") or {}).get("DeviceOnlyRememberedOnUserPrompt"))


def group_key(user: User) -> str:
    """The user's DeviceGroupKey: stable per user, derived so it needs no storage."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"device-group:{user.pool_id}:{user.sub}".encode(), hashlib.sha256).digest()
    return "-" + "".join(_GROUP_ALPHABET[byte % len(_GROUP_ALPHABET)] for byte in digest[:9])


def confirmed_device(user: User, device_key: str, *, lock: bool = False) -> Device | None:
    """The user's device with this key that has an SRP verifier, if any."""
    rows = Device.objects.select_for_update(no_key=True) if lock else Device.objects
    return rows.filter(user=user, device_key=device_key).exclude(srp_verifier="").first()


# --- handed out with tokens ------------------------------------------------------------------

def new_device_metadata(user: User) -> dict:
    """NewDeviceMetadata, a device key for a sign-in that `signs_in_from_new_device`. Call inside
    the sign-in's transaction."""
    # Keys a client never confirmed would pile up with every sign-in; a day is ample to confirm one.
    Device.objects.filter(user=user, srp_verifier="", created__lt=clock.now() - UNCONFIRMED_KEY_LIFETIME).delete()
    device = Device.objects.create(
        user=user, device_key=f"{settings.REGION}_{uuid.uuid4()}", device_group_key=group_key(user), srp_salt="", srp_verifier=""
    )
    return {"DeviceKey": device.device_key, "DeviceGroupKey": device.device_group_key}


def signs_in_from_new_device(user: User, progress: dict) -> bool:
    """Whether the pool tracks devices and this sign-in named none of the user's confirmed ones."""
    if not tracks_devices(user.pool):
        return False
    return not (progress.get("device_key") and confirmed_device(user, progress["device_key"]) is not None)


def first_factor_progress(parameters: dict[str, str]) -> dict:
    """The progress a first factor starts with: the DEVICE_KEY its client named, if any."""
    device_key = parameters.get("DEVICE_KEY")
    return {"device_key": device_key} if device_key else {}


# --- ConfirmDevice -----------------------------------------------------------------------------

def _hex_from_base64(text: str | None, member: str) -> str:
    try:
        raw = base64.b64decode(text or "", validate=True)
    except (binascii.Error, ValueError):
        raise InvalidParameterException(f"Invalid {member}.") from None
    if not raw:
        raise InvalidParameterException(f"Invalid {member}.")
    return raw.hex()



@transaction.atomic
def confirm_device(access_token: str, device_key: str, verifier_config: dict | None, name: str | None) -> bool:
    """ConfirmDevice: store the device's SRP verifier. Returns UserConfirmationNecessary: True when
    the pool remembers devices only when the user says so (UpdateDeviceStatus)."""
    user = lookup.signed_in_user(access_token)
    device = Device.objects.select_for_update(no_key=True).filter(user=user, device_key=device_key).first()
    if device is None:
        raise ResourceNotFoundException("Device does not exist.")
    config = verifier_config or {}
    device.srp_verifier = _hex_from_base64(config.get("PasswordVerifier"), "PasswordVerifier")
    device.srp_salt = _hex_from_base64(config.get("Salt"), "Salt")
    device.name = (name or "")[:256]
    on_prompt = _remembered_only_on_prompt(user.pool)
    device.remembered = not on_prompt
    device.last_authenticated = clock.now()
    device.save()
    return on_prompt


# --- the device operations ---------------------------------------------------------------------

def device_type(device: Device) -> dict:
    """A DeviceType for the API's responses."""
    attributes = [
        {"Name": "device_status", "Value": "valid"},
        {"Name": "device_name", "Value": device.name},
        {"Name": "dev:device_remembered_status", "Value": REMEMBERED if device.remembered else NOT_REMEMBERED},
    ]
    if device.last_ip:
        attributes.append({"Name": "last_ip_used", "Value": device.last_ip})
    result = {
        "DeviceKey": device.device_key,
        "DeviceAttributes": attributes,
        "DeviceCreateDate": device.created,
        "DeviceLastModifiedDate": device.modified,
    }
    if device.last_authenticated:
        result["DeviceLastAuthenticatedDate"] = device.last_authenticated
    return result


def _admin_user(pool_id: str, username: str, *, lock: bool = False) -> User:
    return lookup.require_user(get_pool(pool_id), username, lock=lock)


def _require_device(user: User, device_key: str, *, lock: bool = False) -> Device:
    device = confirmed_device(user, device_key, lock=lock)
    if device is None:
        raise ResourceNotFoundException("Device does not exist.")
    return device


def _page(user: User, limit: int | None, token: str | None) -> tuple[list[dict], str | None]:
    rows = Device.objects.filter(user=user).exclude(srp_verifier="")
    found, next_token = pagination.keyset_page(rows, "id", limit or DEFAULT_LIMIT, f"devices:{user.pk}", token)
    return [device_type(device) for device in found], next_token


def get_device(access_token: str, device_key: str) -> dict:
    """GetDevice, by the user's access token."""
    return device_type(_require_device(lookup.signed_in_user(access_token), device_key))


def admin_get_device(pool_id: str, username: str, device_key: str) -> dict:
    """AdminGetDevice."""
    return device_type(_require_device(_admin_user(pool_id, username), device_key))


def list_devices(access_token: str, limit: int | None, token: str | None) -> tuple[list[dict], str | None]:
    """ListDevices, by the user's access token: one page and the next token."""
    return _page(lookup.signed_in_user(access_token), limit, token)


def admin_list_devices(pool_id: str, username: str, limit: int | None, token: str | None) -> tuple[list[dict], str | None]:
    """AdminListDevices: one page and the next token."""
    return _page(_admin_user(pool_id, username), limit, token)


def _set_status(user: User, device_key: str, status: str | None) -> None:
    device = _require_device(user, device_key, lock=True)
    device.remembered = status == REMEMBERED
    device.save(update_fields=["remembered", "modified"])


@transaction.atomic
def update_device_status(access_token: str, device_key: str, status: str | None) -> None:
    """UpdateDeviceStatus, by the user's access token."""
    _set_status(lookup.signed_in_user(access_token), device_key, status)


@transaction.atomic
def admin_update_device_status(pool_id: str, username: str, device_key: str, status: str | None) -> None:
    """AdminUpdateDeviceStatus."""
    _set_status(_admin_user(pool_id, username), device_key, status)


@transaction.atomic
def forget_device(access_token: str, device_key: str) -> None:
    """ForgetDevice, by the user's access token."""
    _require_device(lookup.signed_in_user(access_token), device_key, lock=True).delete()


@transaction.atomic
def admin_forget_device(pool_id: str, username: str, device_key: str) -> None:
    """AdminForgetDevice."""
    _require_device(_admin_user(pool_id, username), device_key, lock=True).delete()
