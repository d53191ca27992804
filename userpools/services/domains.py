"""User-pool domains (CreateUserPoolDomain and friends). A pool with a domain has a hosted UI and
OAuth 2.0 endpoints under its issuer URL; a pool without one answers them with 404, as Cognito
serves them only from a domain. A domain name is unique across pools, and a pool has at most one."""
from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction

from core.errors import InvalidParameterException, ResourceNotFoundException
from userpools.models import UserPool, UserPoolDomain
from userpools.services.pools import get_pool

_RESERVED = ("aws", "amazon", "cognito")
_SETTABLE = ("ManagedLoginVersion", "CustomDomainConfig", "Routing")


def _config(params: dict) -> dict:
    config = {key: params[key] for key in _SETTABLE if params.get(key) is not None}
    config.setdefault("ManagedLoginVersion", 1)
    return config


def _check_name(domain: str, custom: bool) -> None:
    if not custom:
        for word in _RESERVED:
            if word in domain:
                raise InvalidParameterException(f"Domain cannot contain reserved word: {word}")


@transaction.atomic
def create_domain(params: dict) -> UserPoolDomain:
    """CreateUserPoolDomain."""
    pool = get_pool(params["UserPoolId"])
    domain = params["Domain"]
    _check_name(domain, custom="CustomDomainConfig" in params)
    if UserPoolDomain.objects.filter(pool=pool).exists():
        raise InvalidParameterException(f"User pool {pool.pk} already has a domain configured.")
    try:
        with transaction.atomic():
            return UserPoolDomain.objects.create(domain=domain, pool=pool, config=_config(params))
    except IntegrityError:  # the unique domain, also under concurrent creates
        raise InvalidParameterException("Domain already associated with another user pool.") from None


def _pool_domain(pool_id: str, domain: str) -> UserPoolDomain:
    row = UserPoolDomain.objects.select_for_update().filter(pool_id=pool_id, domain=domain).first()
    if row is None:
        get_pool(pool_id)
        raise InvalidParameterException("No such domain or user pool exists.")
    return row


@transaction.atomic
def update_domain(params: dict) -> UserPoolDomain:
    """UpdateUserPoolDomain: the managed-login version, custom-domain certificate and routing."""
    row = _pool_domain(params["UserPoolId"], params["Domain"])
    row.config = {**row.config, **_config({**row.config, **params})}
    row.save(update_fields=["config", "modified"])
    return row


@transaction.atomic
def delete_domain(pool_id: str, domain: str) -> None:
    """DeleteUserPoolDomain."""
    _pool_domain(pool_id, domain).delete()


def find_domain(domain: str) -> UserPoolDomain | None:
    """DescribeUserPoolDomain's lookup: the domain, if any pool has it."""
    return UserPoolDomain.objects.filter(domain=domain).first()


def describe_domain(row: UserPoolDomain) -> dict:
    """The DomainDescriptionType shape."""
    description = {
        "UserPoolId": row.pool_id,
        "AWSAccountId": settings.ACCOUNT_ID,
        "Domain": row.domain,
        "CloudFrontDistribution": settings.PUBLIC_URL.split("://", 1)[-1],
        "Version": str(int(row.modified.timestamp())),
        "Status": "ACTIVE",
        **{key: value for key, value in row.config.items()},
    }
    return description


def created_response(row: UserPoolDomain) -> dict:
    """What Create/UpdateUserPoolDomain answer: the managed-login version, and the distribution a custom domain points at."""
    response: dict = {"ManagedLoginVersion": row.config.get("ManagedLoginVersion", 1)}
    if "CustomDomainConfig" in row.config:
        response["CloudFrontDomain"] = settings.PUBLIC_URL.split("://", 1)[-1]
    return response


def hosted_pool(pool_id: str) -> UserPool:
    """The pool whose hosted UI is asked for; ResourceNotFoundException without one (no domain)."""
    pool = UserPool.objects.filter(pk=pool_id, domain__isnull=False).first()
    if pool is None:
        raise ResourceNotFoundException(f"User pool {pool_id} has no domain.")
    return pool


def has_domain(pool: UserPool) -> bool:
    """Whether the pool serves a hosted UI (and its discovery document lists the OAuth endpoints)."""
    return UserPoolDomain.objects.filter(pool=pool).exists()
