"""User-pool use cases: create, describe, update, delete, list."""
from __future__ import annotations

import copy
import secrets
import string

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction

from core import pagination
from core.errors import InvalidParameterException, ResourceNotFoundException
from userpools import config_cache, hot_reads
from userpools.domain import schema
from userpools.models import UserPool
from userpools.services import limits, tags

_ID_ALPHABET = string.ascii_letters + string.digits

DEFAULT_PASSWORD_POLICY = {
    "MinimumLength": 8,
    "RequireUppercase": True,
    "RequireLowercase": True,
    "RequireNumbers": True,
    "RequireSymbols": True,
    "TemporaryPasswordValidityDays": 7,
}

# Members of CreateUserPool/UpdateUserPool kept as given; computed ones are added on describe.
_UPDATABLE = (
    "Policies", "DeletionProtection", "LambdaConfig", "AutoVerifiedAttributes", "SmsVerificationMessage",
    "EmailVerificationMessage", "EmailVerificationSubject", "VerificationMessageTemplate",
    "SmsAuthenticationMessage", "UserAttributeUpdateSettings", "MfaConfiguration", "DeviceConfiguration",
    "EmailConfiguration", "SmsConfiguration", "AdminCreateUserConfig", "UserPoolAddOns",
    "AccountRecoverySetting", "UserPoolTier",
)
_CREATE_ONLY = ("AliasAttributes", "UsernameAttributes", "UsernameConfiguration")
_VALID_ALIASES = {"phone_number", "email", "preferred_username"}
_VALID_USERNAME_ATTRIBUTES = {"phone_number", "email"}
_VERIFIABLE = {"phone_number", "email"}


# Written by SetUserPoolMfaConfig only, so UpdateUserPool keeps them.
_SET_BY_MFA_CONFIG = ("SmsMfaConfiguration", "SoftwareTokenMfaConfiguration", "EmailMfaConfiguration")


def get_pool(pool_id: str) -> UserPool:
    """A user pool by id (a private copy), or ResourceNotFoundException."""
    return _found(pool_id, config_cache.pool(pool_id))


def get_pool_to_read(pool_id: str) -> UserPool:
    """`get_pool` for a read that changes nothing: the process's shared copy, never to be changed."""
    return _found(pool_id, config_cache.pool_to_read(pool_id))


def _found(pool_id: str, pool: UserPool | None) -> UserPool:
    if pool is None:
        raise ResourceNotFoundException(f"User pool {pool_id} does not exist.")
    return pool


def _new_pool_id() -> str:
    return f"{settings.REGION}_" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(9))


def _defaults() -> dict:
    return {
        "Policies": {"PasswordPolicy": dict(DEFAULT_PASSWORD_POLICY)},
        "DeletionProtection": "INACTIVE",
        "LambdaConfig": {},
        "MfaConfiguration": "OFF",
        "VerificationMessageTemplate": {"DefaultEmailOption": "CONFIRM_WITH_CODE"},
        "EmailConfiguration": {"EmailSendingAccount": "COGNITO_DEFAULT"},
        "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": False, "UnusedAccountValidityDays": 7},
        "UserPoolTier": "ESSENTIALS",
    }


def _settable(params: dict) -> dict:
    config = _defaults()
    for key in _UPDATABLE:
        if params.get(key) is not None:
            config[key] = copy.deepcopy(params[key])
    policy = dict(DEFAULT_PASSWORD_POLICY)
    policy.update((config.get("Policies") or {}).get("PasswordPolicy") or {})
    config["Policies"] = {**(config.get("Policies") or {}), "PasswordPolicy": policy}
    template = dict(config.get("VerificationMessageTemplate") or {})
    template.setdefault("DefaultEmailOption", "CONFIRM_WITH_CODE")
    config["VerificationMessageTemplate"] = template
    if "AdminCreateUserConfig" in params:
        admin = dict(params["AdminCreateUserConfig"] or {})
        admin.setdefault("AllowAdminCreateUserOnly", False)
        admin.setdefault("UnusedAccountValidityDays", policy["TemporaryPasswordValidityDays"])
        config["AdminCreateUserConfig"] = admin
    auto = config.get("AutoVerifiedAttributes") or []
    if set(auto) - _VERIFIABLE:
        raise InvalidParameterException("AutoVerifiedAttributes may only contain email and phone_number.")
    lambda_config = config.get("LambdaConfig") or {}
    if (lambda_config.get("CustomEmailSender") or lambda_config.get("CustomSMSSender")) and not lambda_config.get("KMSKeyID"):
        # The senders get their codes encrypted under this key; without it there is nothing to send.
        raise InvalidParameterException("KMSKeyID is required when CustomEmailSender or CustomSMSSender is configured.")
    return config


def _check_identity_settings(params: dict) -> None:
    aliases = params.get("AliasAttributes")
    username_attributes = params.get("UsernameAttributes")
    if aliases and username_attributes:
        raise InvalidParameterException("Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.")
    if aliases and set(aliases) - _VALID_ALIASES:
        raise InvalidParameterException("Invalid alias attributes. Valid values are phone_number, email, preferred_username.")
    if username_attributes and set(username_attributes) - _VALID_USERNAME_ATTRIBUTES:
        raise InvalidParameterException("Invalid username attributes. Valid values are phone_number, email.")


@transaction.atomic
def create_pool(params: dict) -> UserPool:
    """CreateUserPool."""
    _check_identity_settings(params)
    config = _settable(params)
    for key in _CREATE_ONLY:
        if params.get(key) is not None:
            config[key] = copy.deepcopy(params[key])
    config["SchemaAttributes"] = schema.build_schema(params.get("Schema"))
    tags.validate_tags(params.get("UserPoolTags") or {})
    for _ in range(5):
        try:
            with transaction.atomic():
                return UserPool.objects.create(
                    id=_new_pool_id(), name=params["PoolName"], config=config, tags=dict(params.get("UserPoolTags") or {})
                )
        except IntegrityError:  # an id collision: astronomically rare, try another
            continue
    raise RuntimeError("Could not allocate a user pool id.")


@transaction.atomic
def update_pool(pool_id: str, params: dict) -> UserPool:
    """UpdateUserPool: as on Cognito, settings the call leaves out return to their defaults."""
    pool = UserPool.objects.select_for_update(no_key=True).filter(pk=pool_id).first()
    if pool is None:
        raise ResourceNotFoundException(f"User pool {pool_id} does not exist.")
    config = _settable(params)  # AWS: members left out return to their defaults
    for key in (*_CREATE_ONLY, "SchemaAttributes", "Domain", "CustomDomain", *_SET_BY_MFA_CONFIG):
        if key in pool.config:
            config[key] = pool.config[key]
    pool.config = config
    if params.get("UserPoolTags") is not None:
        tags.validate_tags(params["UserPoolTags"])
        pool.tags = dict(params["UserPoolTags"])
    pool.save()
    return pool


@transaction.atomic
def delete_pool(pool_id: str) -> None:
    """DeleteUserPool."""
    pool = get_pool(pool_id)
    if pool.config.get("DeletionProtection") == "ACTIVE":
        raise InvalidParameterException(
            "The user pool cannot be deleted because deletion protection is activated. "
            "Deletion protection must be inactivated first."
        )
    pool.delete()


# EstimatedNumberOfUsers is exact up to this many users (counting them is a bounded index scan);
# above it, a count kept in the shared cache for a few minutes: counting a million users costs the
# database ~100 ms, too much for every DescribeUserPool.
EXACT_COUNT_UP_TO = 10_000
KEPT_COUNT_SECONDS = 300


def _estimated_users(pool: UserPool, counted: int) -> int:
    """Cognito's EstimatedNumberOfUsers, from the users counted up to EXACT_COUNT_UP_TO + 1."""
    if counted <= EXACT_COUNT_UP_TO:
        return counted
    key = f"pool-user-count:{pool.pk}"
    try:
        kept = cache.get(key)
    except limits.CACHE_DOWN:  # counting again is slower, not wrong
        return pool.users.count()
    if kept is None:
        kept = pool.users.count()
        cache.set(key, kept, KEPT_COUNT_SECONDS)
    return kept


def describe_pool(pool: UserPool) -> dict:
    """A UserPoolType for DescribeUserPool and CreateUserPool."""
    counted, domain, domain_config = hot_reads.pool_extras(pool.pk, EXACT_COUNT_UP_TO + 1)
    description = dict(pool.config)  # the pool is this call's own copy (config_cache hands out copies)
    description.update(
        Id=pool.id,
        Name=pool.name,
        Arn=pool.arn,
        CreationDate=pool.created,
        LastModifiedDate=pool.modified,
        EstimatedNumberOfUsers=_estimated_users(pool, counted),
        UserPoolTags=dict(pool.tags),
    )
    description.setdefault("LambdaConfig", {})
    if domain is not None:
        description["CustomDomain" if "CustomDomainConfig" in domain_config else "Domain"] = domain
    return description


def list_pools(max_results: int, next_token: str | None) -> tuple[list[UserPool], str | None]:
    """Keyset pagination over pools by id."""
    return pagination.keyset_page(UserPool.objects.all(), "id", max_results, "pools", next_token)


def summarize_pool(pool: UserPool) -> dict:
    """A UserPoolDescriptionType for ListUserPools."""
    return {
        "Id": pool.id,
        "Name": pool.name,
        "LambdaConfig": copy.deepcopy(pool.config.get("LambdaConfig") or {}),
        "CreationDate": pool.created,
        "LastModifiedDate": pool.modified,
    }


@transaction.atomic
def add_custom_attributes(pool_id: str, definitions: list[dict]) -> None:
    """AddCustomAttributes."""
    pool = UserPool.objects.select_for_update(no_key=True).filter(pk=pool_id).first()
    if pool is None:
        raise ResourceNotFoundException(f"User pool {pool_id} does not exist.")
    pool.config["SchemaAttributes"] = schema.add_custom(pool.config.get("SchemaAttributes") or schema.default_schema(), definitions)
    pool.save(update_fields=["config", "modified"])
