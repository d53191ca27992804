"""The one decision point for every signed call, and the per-principal policy sets it evaluates.

A principal's policy set (its identity policies: inline and attached managed ones, its groups'
ones, its permissions boundary, and a role session's session policies) is compiled once and kept
in this process under a *generation* token held in Django's cache (Redis in production, so every
process sees a bump). Any change to a user, group, role, policy, version, attachment or
membership bumps the generation (signal receivers connected in `IamConfig.ready()`), so a
decision never outlives the policies it was made from. A call then costs one cache read and a
dictionary lookup before the evaluator runs.
"""
from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.db import transaction

from core import errors
from core.generation import Generation
from iam import errors as iam_errors
from iam.models import Group, ManagedPolicy, Principal, Role
from iam.policy import Decision, global_context
from iam.services import documents, evaluation
from iam.services.identity import Caller, CallerIdentity, Session, caller_identity

GENERATION_KEY = "iam:policy-generation"
_MAX_SETS = 10_000
# Actions AWS never authorizes: anyone may ask who they are.
UNAUTHORIZED_ACTIONS = frozenset({"sts:GetCallerIdentity"})


@dataclass(frozen=True)
class PolicySet:
    """Everything the evaluator needs about one principal (or role session), compiled."""

    exists: bool
    identity: tuple = ()
    boundary: tuple | None = None  # None: no permissions boundary
    session: tuple | None = None  # None: not a session with session policies
    tags: dict[str, str] = field(default_factory=dict)
    username: str | None = None  # aws:username (IAM users only)


_MISSING = PolicySet(exists=False)
_sets: OrderedDict[tuple, tuple[str, PolicySet]] = OrderedDict()
_lock = threading.Lock()


# Generation ---------------------------------------------------------------------------------------
GENERATION = Generation(GENERATION_KEY)  # also what iam.services.keys caches access keys under


def generation() -> str:
    return GENERATION.current()


def invalidate(**_: Any) -> None:
    """Forget every compiled policy set, in every process, once the current transaction commits.

    Usable as a signal receiver. Readers take the generation *before* reading the database, so a
    set compiled from pre-commit rows is stored under a generation the commit's bump supersedes.
    It also bumps at once: then this transaction's own later reads (and tests run inside one
    transaction, whose commit never comes) see the change too.
    """
    GENERATION.bump()


# Policy sets --------------------------------------------------------------------------------------
def _key(caller: Caller) -> tuple:
    if isinstance(caller, Session):
        if caller.is_role:
            digest = hashlib.sha256(repr((caller.policy, caller.policy_arns)).encode()).hexdigest() if (caller.policy or caller.policy_arns) else ""
            return ("role", caller.subject_pk, digest)
        return ("user", caller.subject_pk)
    return ("user", caller.pk)


def policy_set(caller: Caller) -> PolicySet:
    """The caller's compiled policy set (cached per generation)."""
    key = _key(caller)
    token = generation()
    entry = _sets.get(key)
    if entry is not None and entry[0] == token:
        return entry[1]
    compiled = _compile(caller)
    if transaction.get_connection().in_atomic_block:
        # What a transaction reads may yet roll back (or be its own uncommitted change): use it,
        # never keep it for other requests. The pipeline authorizes outside its transactions.
        return compiled
    with _lock:
        _sets[key] = (token, compiled)
        _sets.move_to_end(key)
        while len(_sets) > _MAX_SETS:
            _sets.popitem(last=False)
    return compiled


def _managed(policies) -> list:
    return [documents.compile_policy(p.default_document(), name=p.arn(settings.ACCOUNT_ID)) for p in policies]


def _inline(owner_label: str, inline) -> list:
    return [documents.compile_policy(p.document, name=f"{owner_label}/{p.name}") for p in inline]


def _boundary(entity) -> tuple | None:
    boundary = entity.permissions_boundary
    if boundary is None:
        return None
    return tuple(_managed([boundary]))


def _user_identity(user: Principal) -> list:
    identity = _inline(f"user/{user.name}", user.inline_policies.all()) + _managed(user.attached_policies.all())
    for group in user.iam_groups.all():
        identity += _group_identity(group)
    return identity


def _group_identity(group: Group) -> list:
    return _inline(f"group/{group.name}", group.inline_policies.all()) + _managed(group.attached_policies.all())


def _role_identity(role: Role) -> list:
    return _inline(f"role/{role.name}", role.inline_policies.all()) + _managed(role.attached_policies.all())


def _compile(caller: Caller) -> PolicySet:
    if isinstance(caller, Session) and caller.is_role:
        return _compile_role(caller)
    pk = caller.subject_pk if isinstance(caller, Session) else caller.pk
    user = Principal.objects.select_related("permissions_boundary").filter(pk=pk, is_root=False).first()
    if user is None:
        return _MISSING
    return PolicySet(True, tuple(_user_identity(user)), _boundary(user), None, dict(user.tags), user.name)


def _compile_role(session: Session) -> PolicySet:
    role = Role.objects.select_related("permissions_boundary").filter(pk=session.subject_pk).first()
    if role is None:
        return _MISSING
    session_policies: tuple | None = None
    if session.policy or session.policy_arns:
        compiled = []
        if session.policy:
            compiled.append(documents.compile_policy(session.policy, name="session"))
        for arn in session.policy_arns:
            managed = _managed_by_arn(arn)
            if managed is not None:
                compiled += _managed([managed])
        session_policies = tuple(compiled)
    return PolicySet(True, tuple(_role_identity(role)), _boundary(role), session_policies, dict(role.tags), None)


def entity_policies(arn: str) -> tuple[tuple, tuple | None]:
    """The identity policies and boundary of the user, group or role an ARN names (the simulator)."""
    from iam.services import entities

    prefix = f"arn:aws:iam::{settings.ACCOUNT_ID}:"
    kind, _, rest = arn[len(prefix):].partition("/") if arn.startswith(prefix) else ("", "", "")
    name = rest.rpartition("/")[2]
    if kind == "user":
        user = entities.get_user(name)
        return tuple(_user_identity(user)), _boundary(user)
    if kind == "group":
        return tuple(_group_identity(entities.get_group(name))), None
    if kind == "role":
        role = entities.get_role(name)
        return tuple(_role_identity(role)), _boundary(role)
    raise iam_errors.InvalidInput(f"Invalid ARN: {arn}")


def _managed_by_arn(arn: str) -> ManagedPolicy | None:
    from iam.services.policies import get_policy  # policies imports entities; keep this module light

    try:
        return get_policy(arn)
    except errors.ServiceError:
        return None


ScpSource = Callable[[], tuple]
_scp_source: ScpSource | None = None


def set_scp_source(source: ScpSource | None) -> None:
    """Name the function that gives the SCP documents bounding the account, level by level (the
    organizations app, from its AppConfig.ready()). Without one, no SCPs apply."""
    global _scp_source
    _scp_source = source


def _scps() -> tuple:
    return evaluation.compiled_scps(_scp_source()) if _scp_source is not None else ()


# The decision -------------------------------------------------------------------------------------
def request_context(
    caller: Caller, pset: PolicySet, *, source_ip: str | None = None, params: dict | None = None, secure: bool | None = None
) -> dict[str, Any]:
    """The global condition keys we can honestly supply for this call (iam.policy.global_context).

    aws:MultiFactorAuthPresent is left out for long-term keys and is "false" for temporary
    credentials (none are issued after MFA), as AWS documents the key.
    """
    account = settings.ACCOUNT_ID
    tags = dict(pset.tags)
    session = isinstance(caller, Session)
    if session:
        tags.update(caller.tags)  # session tags override the role's tags of the same key
    is_role = session and caller.is_role
    return global_context(
        principal_arn=_principal_arn(caller, account),
        userid=caller_identity(caller).user_id,
        username=pset.username,
        source_ip=source_ip,
        secure_transport=secure if secure is not None else settings.PUBLIC_URL.startswith("https:"),
        principal_tags=tags,
        request_tags=_request_tags(params or {}),
        mfa_present=False if session else None,
        extra={**(caller.context if session else {}), "aws:PrincipalType": "AssumedRole" if is_role else "User"},
    )


def _principal_arn(caller: Caller, account: str) -> str:
    """aws:PrincipalArn: for a role session, the role's ARN (not the assumed-role ARN)."""
    if isinstance(caller, Session) and caller.is_role:
        return f"arn:aws:iam::{account}:role{caller.subject_path}{caller.subject_name}"
    return caller.arn(account)


def _request_tags(params: dict) -> dict[str, str]:
    tags = params.get("Tags")
    if isinstance(tags, list):  # IAM, STS: [{"Key": .., "Value": ..}]
        return {t["Key"]: t.get("Value", "") for t in tags if isinstance(t, dict) and "Key" in t}
    if isinstance(tags, dict):  # cognito-idp, kms-style maps
        return {str(k): str(v) for k, v in tags.items()}
    return {}


def _identity_silent(outcome: evaluation.Outcome) -> bool:
    decision = outcome.decision
    return decision is not None and decision.kind == "ImplicitDeny" and decision.policy_type == "identity"


def _trust_grant(caller: Caller, role_arn: str, context: dict):
    """A same-account role's trust policy that names the caller's own ARN grants sts:AssumeRole
    like a resource-based policy (IAM User Guide: a user named as the principal of a trust policy
    may assume the role; a permissions boundary must still allow it). Returned as a compiled
    identity-style policy allowing just that, or None."""
    from iam.services.sts import role_by_arn

    role = role_by_arn(role_arn)
    account = settings.ACCOUNT_ID
    if role is None:
        return None
    arns = [caller.arn(account)]
    if isinstance(caller, Session) and caller.is_role:
        arns.append(_principal_arn(caller, account))
    if not any(evaluation.trust_names(role.assume_role_policy, "sts:AssumeRole", arn, context) for arn in arns):
        return None
    grant = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn}]}
    return documents.compile_policy(json.dumps(grant), name=f"{role_arn} (trust policy)")


@dataclass(frozen=True)
class AccessDecision:
    """What `decide` concluded for one caller, action and resource, and why.

    `decision` is the evaluator's (kind, policy type, deciding policy and statement); None when no
    policy was read (root, or an action AWS never authorizes). `reason` is AWS's tail of the
    refusal message, "" when allowed.
    """

    allowed: bool
    caller: CallerIdentity
    action: str
    resource: str
    reason: str = ""
    decision: Decision | None = None

    @property
    def message(self) -> str:
        """AccessDeniedException's message, as AWS words it."""
        return f"User: {self.caller.arn} is not authorized to perform: {self.action} on resource: {self.resource} {self.reason}".rstrip()


def decide(
    caller: Caller, action: str, resource: str, *, source_ip: str | None = None, params: dict | None = None, context: dict | None = None
) -> AccessDecision:
    """AWS's decision for `caller` (a Principal or an STS Session) doing `action` on `resource`,
    returned rather than raised (`authorize` raises it). Root may do everything.

    The request context is the caller's own (`request_context`, with a session's carried keys such
    as `${cognito-identity.amazonaws.com:sub}`); `context` adds keys the caller does not define, so
    request-supplied keys never stand in for who the caller is.
    """
    identity = caller_identity(caller)
    if caller.is_root or action in UNAUTHORIZED_ACTIONS:
        return AccessDecision(True, identity, action, resource)
    pset = policy_set(caller)
    if not pset.exists:
        raise errors.UnrecognizedClientException()
    ctx = {**(context or {}), **request_context(caller, pset, source_ip=source_ip, params=params)}
    scps = _scps()
    outcome = evaluation.decide(action, resource, ctx, pset, scps=scps)
    if not outcome.allowed and action == "sts:AssumeRole" and _identity_silent(outcome):
        grant = _trust_grant(caller, resource, ctx)
        if grant is not None:  # the role's trust policy names the caller: it stands in for an identity allow
            outcome = evaluation.decide(action, resource, ctx, replace(pset, identity=pset.identity + (grant,)), scps=scps)
    return AccessDecision(outcome.allowed, identity, action, resource, outcome.reason, outcome.decision)


def authorize(
    caller: Caller, action: str, resource: str, *, source_ip: str | None = None, params: dict | None = None, context: dict | None = None
) -> None:
    """Allow the call or raise AccessDeniedException with AWS's message (see `decide`).

    `action` is like ``cognito-idp:AdminCreateUser``; `resource` is an ARN.
    """
    verdict = decide(caller, action, resource, source_ip=source_ip, params=params, context=context)
    if not verdict.allowed:
        raise errors.AccessDeniedException(verdict.message)
