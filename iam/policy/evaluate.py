"""AWS's policy evaluation logic for one request, as one function call.

IAM User Guide, "Policy evaluation logic" (single account): every applicable policy is read; an
explicit ``Deny`` in any of them decides (``ExplicitDeny``); otherwise the request is allowed only if
each policy type that is present allows it -- service control policies (when the account has any),
the principal's identity-based policies, its permissions boundary (when it has one) and the session
policies (when it is a session that was given some) -- and is implicitly denied otherwise.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

from .document import Policy, parse_policy
from .statement import Statement

ContextValue = str | Sequence[str]
PolicySource = Policy | str | tuple[str, str]
"""A compiled ``Policy``, a document's JSON text, or a (name, JSON text) pair."""


@dataclass(frozen=True, slots=True)
class Request:
    """What is asked: an action (``cognito-idp:ListUsers``), a resource ARN (``*`` for actions
    that take none), the condition keys of the request context and, for trust policies, the
    principal asking. Context keys are case-insensitive; values are strings or lists of strings
    (booleans as ``"true"``/``"false"``, times as ISO 8601).
    """

    action: str
    resource: str = "*"
    context: Mapping[str, ContextValue] = field(default_factory=dict)
    principal: str | None = None
    keys: Mapping[str, str | list[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        keys = {key.lower(): value if isinstance(value, str) else list(value) for key, value in self.context.items()}
        object.__setattr__(self, "keys", MappingProxyType(keys))


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome and what decided it.

    ``kind`` is ``Allow``, ``ExplicitDeny`` or ``ImplicitDeny``. ``policy_type`` is the policy type
    that decided (``scp``, ``identity``, ``boundary`` or ``session``); for an allow or an explicit
    deny, ``policy`` and ``statement`` name the deciding policy and statement (Sid, or
    ``Statement[i]``); for an implicit deny, ``policy_type`` is the first type that allowed nothing.
    """

    allowed: bool
    kind: str
    policy_type: str | None = None
    policy: str | None = None
    statement: str | None = None


@lru_cache(maxsize=4096)
def load(text: str, name: str = "", kind: str = "identity") -> Policy:
    """The compiled policy for a document's text, cached: a stored document compiles once per process."""
    return parse_policy(text, kind=kind, name=name)


def _policies(sources: Iterable[PolicySource], kind: str) -> list[Policy]:
    policies = []
    for source in sources:
        if isinstance(source, Policy):
            policies.append(source)
        elif isinstance(source, tuple):
            policies.append(load(source[1], source[0], kind))
        else:
            policies.append(load(source, "", kind))
    return policies


def _scan(policies: list[Policy], request: Request) -> tuple[tuple[Policy, Statement] | None, tuple[Policy, Statement] | None]:
    """The first applicable Deny and the first applicable Allow statement in a set of policies."""
    allow = None
    action, resource, keys, principal = request.action, request.resource, request.keys, request.principal
    for policy in policies:
        for statement in policy.statements:
            if statement.allow and allow is not None:
                continue
            if statement.applies(action, resource, keys, principal):
                if not statement.allow:
                    return (policy, statement), allow
                allow = (policy, statement)
    return None, allow


def evaluate(
    request: Request,
    *,
    identity: Iterable[PolicySource] = (),
    boundaries: Iterable[PolicySource] | None = None,
    session: Iterable[PolicySource] | None = None,
    scps: Iterable[PolicySource] | None = None,
) -> Decision:
    """Decide a request against the principal's policies, AWS's way.

    ``identity``: the user's, its groups' or the role's policies (inline and attached).
    ``boundaries``: the permissions boundary, or None when the principal has none.
    ``session``: session policies passed to AssumeRole and the like, or None when there are none.
    ``scps``: the service control policies attached to the account, or None when there are none
    (root is never passed any).
    """
    layers = [("scp", scps), ("identity", identity), ("boundary", boundaries), ("session", session)]
    scanned = []
    for policy_type, sources in layers:
        if sources is None:
            continue
        policies = _policies(sources, "scp" if policy_type == "scp" else "identity")
        deny, allow = _scan(policies, request)
        if deny is not None:
            return Decision(False, "ExplicitDeny", policy_type, deny[0].name, deny[1].label)
        scanned.append((policy_type, allow))
    for policy_type, allow in scanned:
        if allow is None:
            return Decision(False, "ImplicitDeny", policy_type)
    policy, statement = next(a for t, a in scanned if t == "identity" and a is not None)
    return Decision(True, "Allow", "identity", policy.name, statement.label)


def evaluate_trust(request: Request, trust_policy: PolicySource) -> Decision:
    """Decide whether ``request.principal`` may ``request.action`` (``sts:AssumeRole`` ...) a role."""
    policies = _policies([trust_policy], "trust")
    deny, allow = _scan(policies, request)
    if deny is not None:
        return Decision(False, "ExplicitDeny", "trust", deny[0].name, deny[1].label)
    if allow is None:
        return Decision(False, "ImplicitDeny", "trust")
    return Decision(True, "Allow", "trust", allow[0].name, allow[1].label)
