"""STS: temporary credentials for roles (AssumeRole, AssumeRoleWithWebIdentity) and users
(GetSessionToken), carried in sealed session tokens."""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings

from core import errors
from iam import errors as iam_errors
from iam import ids, session_tokens
from iam.models import LAST_USED_GRANULARITY, Principal, Role
from iam.policy import policy_size
from iam.services import documents, evaluation
from iam.services.identity import ROLE, USER, Caller, Session

DEFAULT_ROLE_DURATION = 3600
CHAINED_ROLE_MAX = 3600
SESSION_POLICY_MAX = 2048  # packed size quota for inline session policies (non-whitespace characters)


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    secret_access_key: str
    session_token: str
    expiration: datetime


def _issue(session_fields: dict, duration: int) -> tuple[Credentials, Session]:
    expires = int(time.time()) + duration
    key_id, secret = ids.access_key_id(ids.TEMPORARY_KEY), ids.secret_access_key()
    session = Session(access_key_id=key_id, secret=secret, expires=expires, **session_fields)
    claims = {
        "k": key_id, "s": secret, "e": expires, "t": session.kind, "p": session.subject_pk, "n": session.subject_name,
        "pa": session.subject_path, "u": session.subject_unique_id, "sn": session.session_name, "sp": session.policy,
        "pr": list(session.policy_arns), "tg": session.tags, "r": session.is_root, "si": session.source_identity,
        "cx": session.context,
    }
    token = session_tokens.seal(claims, settings.ENCRYPTION_KEY)
    return Credentials(key_id, secret, token, datetime.fromtimestamp(expires, UTC)), session


def open_session(token: str, access_key_id: str, *, now: float | None = None) -> Session:
    """The session a request's `X-Amz-Security-Token` carries, if it is ours, unaltered, for this
    access key and unexpired. No database read."""
    try:
        claims = session_tokens.open_token(token, settings.ENCRYPTION_KEY)
    except session_tokens.TokenInvalid:
        raise errors.UnrecognizedClientException("The security token included in the request is invalid.") from None
    if claims.get("k") != access_key_id:
        raise errors.UnrecognizedClientException("The security token included in the request is invalid.")
    if (now if now is not None else time.time()) >= claims["e"]:
        raise iam_errors.ExpiredToken()
    return Session(
        access_key_id=claims["k"], secret=claims["s"], expires=claims["e"], kind=claims["t"], subject_pk=claims["p"],
        subject_name=claims["n"], subject_path=claims["pa"], subject_unique_id=claims["u"], session_name=claims["sn"],
        policy=claims.get("sp"), policy_arns=tuple(claims.get("pr") or ()), tags=dict(claims.get("tg") or {}),
        source_identity=claims.get("si"), is_root=bool(claims.get("r")), context=dict(claims.get("cx") or {}),
    )


def role_by_arn(arn: str) -> Role | None:
    prefix = f"arn:aws:iam::{settings.ACCOUNT_ID}:role/"
    if not arn.startswith(prefix):
        return None
    path, _, name = arn[len(prefix) - 1 :].rpartition("/")
    return Role.objects.filter(name=name, path=path + "/").first()


def session_policy(policy: str | None, policy_arns: list[dict] | None) -> tuple[str | None, tuple[str, ...], int]:  # noqa: E501
    """Validated session policies and AWS's PackedPolicySize (percent of the quota used)."""
    size = 0
    if policy is not None:
        documents.validate(policy)
        size = policy_size(policy)
        if size > SESSION_POLICY_MAX:
            raise iam_errors.PackedPolicyTooLarge(
                f"Packed policy consumes {size * 100 // SESSION_POLICY_MAX}% of the allotted size."
            )
    arns = tuple(item["arn"] for item in policy_arns or [])
    return policy, arns, (size * 100 // SESSION_POLICY_MAX)


def _tags(tags: list[dict] | None) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in tags or []}


@dataclass(frozen=True)
class AssumedRole:
    credentials: Credentials
    assumed_role_id: str
    arn: str
    packed_policy_size: int | None
    session: Session


def _trust_context(caller_tags: dict[str, str], session_name: str, request_tags: dict[str, str], extra: dict) -> dict:
    context = {"sts:RoleSessionName": session_name, **extra}
    for key, value in caller_tags.items():
        context[f"aws:PrincipalTag/{key}"] = value
    for key, value in request_tags.items():
        context[f"aws:RequestTag/{key}"] = value
    if request_tags:
        context["aws:TagKeys"] = list(request_tags)
    return context


def session_duration(role: Role, duration: int | None, chained: bool) -> int:
    """The requested DurationSeconds (default an hour) if the role (and role chaining) allow it."""
    duration = duration or DEFAULT_ROLE_DURATION
    if chained and duration > CHAINED_ROLE_MAX:
        raise iam_errors.ValidationError(
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
        )
    if duration > role.max_session_duration:
        raise iam_errors.ValidationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
    return duration


def role_session(
    role: Role, session_name: str, policy: tuple, tags: dict, duration: int, source_identity=None, context: dict | None = None
) -> AssumedRole:
    """Credentials for a role session; `policy` is (inline policy, policy ARNs, packed size);
    `context` the condition keys the session carries into every decision (Session.context)."""
    account = settings.ACCOUNT_ID
    credentials, session = _issue(
        dict(
            kind=ROLE, subject_pk=role.pk, subject_name=role.name, subject_path=role.path,
            subject_unique_id=role.role_id, session_name=session_name, policy=policy[0], policy_arns=policy[1],
            tags=tags, source_identity=source_identity, context=dict(context or {}),
        ),
        duration,
    )
    return AssumedRole(
        credentials, f"{role.role_id}:{session_name}", session.arn(account), policy[2] if (policy[0] or policy[1]) else None, session
    )


def assume_role(
    caller: Caller,
    role_arn: str,
    session_name: str,
    *,
    duration: int | None = None,
    external_id: str | None = None,
    policy: str | None = None,
    policy_arns: list[dict] | None = None,
    tags: list[dict] | None = None,
    caller_tags: dict[str, str] | None = None,
    source_ip: str | None = None,
) -> AssumedRole:
    """AssumeRole: the role's trust policy must let the caller in (sts:ExternalId,
    sts:RoleSessionName and the caller's tags in its context)."""
    account = settings.ACCOUNT_ID
    caller_arn = caller.arn(account)
    denied = errors.AccessDeniedException(
        f"User: {caller_arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
    )
    if caller.is_root:
        raise errors.AccessDeniedException("Roles may not be assumed by root accounts.")
    role = role_by_arn(role_arn)
    if role is None:
        raise denied
    chained = isinstance(caller, Session) and caller.is_role
    principals = [caller_arn]
    if chained:
        principals.append(f"arn:aws:iam::{account}:role{caller.subject_path}{caller.subject_name}")
    extra = {"aws:PrincipalArn": principals[-1], "aws:PrincipalAccount": account}
    if external_id is not None:
        extra["sts:ExternalId"] = external_id
    if source_ip:
        extra["aws:SourceIp"] = source_ip
    request_tags = _tags(tags)
    context = _trust_context(caller_tags or {}, session_name, request_tags, extra)
    if not evaluation.trust_allows(role.assume_role_policy, "sts:AssumeRole", principals, context):
        raise denied
    if request_tags and not evaluation.trust_allows(role.assume_role_policy, "sts:TagSession", principals, context):
        raise errors.AccessDeniedException(
            f"User: {caller_arn} is not authorized to perform: sts:TagSession on resource: {role_arn}"
        )
    policies = session_policy(policy, policy_arns)
    # Tags passed by a chained session carry over unless overridden (transitive tags simplified).
    session_tags = {**(caller.tags if chained else {}), **request_tags}
    assumed = role_session(role, session_name, policies, session_tags, session_duration(role, duration, chained))
    mark_role_used(role)
    return assumed


def mark_role_used(role: Role) -> None:
    """RoleLastUsed, as GetRole reports it: written at most once a minute (as an access key's
    last use), so that credentials for a busy role cost no write per call."""
    now = datetime.now(UTC)
    if role.last_used is not None and now - role.last_used < LAST_USED_GRANULARITY and role.last_used_region == settings.REGION:
        return
    Role.objects.filter(pk=role.pk).update(last_used=now, last_used_region=settings.REGION)
    role.last_used, role.last_used_region = now, settings.REGION


def get_session_token(caller: Caller, duration: int | None = None) -> Credentials:
    """GetSessionToken: a user's (or root's) own permissions, for 15 minutes to 36 hours."""
    if isinstance(caller, Session):
        raise errors.AccessDeniedException("Cannot call GetSessionToken with session credentials")
    assert isinstance(caller, Principal)
    duration = duration or 43200
    if caller.is_root:
        duration = min(duration, 3600)  # root sessions last at most an hour
    credentials, _ = _issue(
        dict(
            kind=USER, subject_pk=caller.pk, subject_name=caller.name, subject_path=caller.path,
            subject_unique_id=caller.user_id or settings.ACCOUNT_ID, is_root=caller.is_root,
        ),
        duration,
    )
    return credentials
