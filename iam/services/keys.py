"""Long-term access keys: the root key, IAM users' keys, and when a key was last used."""
from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone as djtz

from core.generation import ProcessCache
from iam import errors as iam_errors
from iam import ids
from iam.models import LAST_USED_GRANULARITY, AccessKey, Principal
from iam.services import authorization

ROOT_NAME = "root"
MAX_KEYS_PER_USER = 2


@dataclass(frozen=True)
class NewAccessKey:
    access_key_id: str
    secret_access_key: str
    key: AccessKey | None = None


def root_principal() -> Principal:
    principal, _ = Principal.objects.get_or_create(name=ROOT_NAME, defaults={"is_root": True})
    return principal


def create_access_key(principal: Principal, *, enforce_limit: bool = False) -> NewAccessKey:
    """A new active key for `principal`; its secret is returned once and kept encrypted."""
    if enforce_limit and principal.access_keys.count() >= MAX_KEYS_PER_USER:
        raise iam_errors.LimitExceeded(f"Cannot exceed quota for AccessKeysPerUser: {MAX_KEYS_PER_USER}")
    key_id, secret = ids.access_key_id(), ids.secret_access_key()
    key = AccessKey(access_key_id=key_id, principal=principal)
    key.secret = secret
    key.save()
    return NewAccessKey(key_id, secret, key)


def ensure_root_key() -> AccessKey | None:
    """Make the root key from ROOT_ACCESS_KEY_ID/ROOT_SECRET_ACCESS_KEY exist (idempotent; a key
    deactivated with UpdateAccessKey is not reactivated)."""
    key_id, secret = settings.ROOT_ACCESS_KEY_ID, settings.ROOT_SECRET_ACCESS_KEY
    if not key_id or not secret:
        return None
    try:
        with transaction.atomic():
            key = AccessKey.objects.select_related("principal").filter(access_key_id=key_id).first()
            if key is None:
                key = AccessKey(access_key_id=key_id, principal=root_principal())
                key.secret = secret
                key.save()
            elif not key.principal.is_root or key.secret != secret:
                # A key deactivated through IAM (root put away once IAM users exist) stays inactive.
                key.principal = root_principal()
                key.secret = secret
                key.save()
    except IntegrityError:  # another server created it first
        key = AccessKey.objects.get(access_key_id=key_id)
    return key


# Keys with their principals, cached per process under the IAM generation (authorization.py),
# which any save or delete of a key or principal bumps. Not copied: callers only read them, and
# `record_use` notes the last use on the shared object so the once-a-minute write stays so.
_keys: ProcessCache[AccessKey] = ProcessCache(authorization.GENERATION, copies=False)


def find_active_key(access_key_id: str) -> AccessKey | None:
    """The active key with this id (the configured root key is made on first use)."""
    key = _keys.get(access_key_id, lambda: AccessKey.objects.select_related("principal").filter(access_key_id=access_key_id).first())
    if key is None and access_key_id == settings.ROOT_ACCESS_KEY_ID:
        key = ensure_root_key()
    if key is None or key.status != AccessKey.ACTIVE:
        return None
    return key


def record_use(key: AccessKey, service: str, region: str) -> None:
    """Note that `key` signed a call, unless that was noted less than a minute ago."""
    now = djtz.now()
    if key.last_used is not None and now - key.last_used < LAST_USED_GRANULARITY and key.last_used_service == service:
        return
    AccessKey.objects.filter(pk=key.pk).update(last_used=now, last_used_service=service, last_used_region=region)
    key.last_used, key.last_used_service, key.last_used_region = now, service, region


def user_keys(user: Principal) -> list[AccessKey]:
    return list(user.access_keys.order_by("created", "id"))


def key_of_user(user: Principal, access_key_id: str) -> AccessKey:
    key = user.access_keys.filter(access_key_id=access_key_id).first()
    if key is None:
        raise iam_errors.NoSuchEntity(f"The Access Key with id {access_key_id} cannot be found.")
    return key


def set_status(user: Principal, access_key_id: str, status: str) -> None:
    key = key_of_user(user, access_key_id)
    key.status = status
    key.save(update_fields=["status"])


def delete_key(user: Principal, access_key_id: str) -> None:
    key_of_user(user, access_key_id).delete()


def last_used(access_key_id: str) -> AccessKey:
    key = AccessKey.objects.select_related("principal").filter(access_key_id=access_key_id).first()
    if key is None:
        raise iam_errors.NoSuchEntity(f"The Access Key with id {access_key_id} cannot be found.")
    return key


