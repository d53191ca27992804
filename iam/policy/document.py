"""Parse and validate a policy document, as IAM does on write, into an immutable compiled ``Policy``.

Grammar (IAM User Guide, "IAM JSON policy elements" and "Grammar of the IAM JSON policy language"):
``Version`` (``2012-10-17`` or the legacy ``2008-10-17``, where policy variables are plain text),
``Id``, ``Statement`` (one object or a list), and per statement ``Sid`` (alphanumeric, unique),
``Effect`` (``Allow``/``Deny``), exactly one of ``Action``/``NotAction``, exactly one of
``Resource``/``NotResource`` (identity, boundary, session and service control policies), exactly one of
``Principal``/``NotPrincipal`` (trust policies, which take no resource), and ``Condition``.
Size is counted as IAM does, in characters other than whitespace (for SCPs, as AWS Organizations
does, every character). SCPs take the whole language since AWS Organizations' 2025 update (Action,
NotAction, Resource, NotResource and Condition with both effects), but no principal.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from .conditions import compile_block
from .errors import PolicyError
from .statement import Principals, Statement, compile_resources
from .variables import parse_resource
from .wildcards import compile_glob, glob_source

VERSIONS = ("2012-10-17", "2008-10-17")
KINDS = ("identity", "trust", "scp")
#: IAM's quotas, in non-whitespace characters (IAM User Guide, "IAM and AWS STS quotas"; SCPs from
#: AWS Organizations' quotas). Callers pass the one that applies.
MANAGED_POLICY_SIZE = 6144
USER_INLINE_SIZE = 2048
ROLE_INLINE_SIZE = 10240
GROUP_INLINE_SIZE = 5120
TRUST_POLICY_SIZE = 2048
SCP_SIZE = 5120

_TOP_KEYS = {"Version", "Id", "Statement"}
_STATEMENT_KEYS = {"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition"}
_SID = re.compile(r"^[0-9A-Za-z]*$")
_ACTION = re.compile(r"^([A-Za-z0-9-]+):([A-Za-z0-9*?]+)$")
_WHITESPACE = re.compile(r"\s+")
_PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")
SYNTAX = "Syntax errors in policy."


@dataclass(frozen=True, slots=True)
class Policy:
    """A validated, compiled policy document; ``name`` says where it came from (for decisions)."""

    name: str
    kind: str
    version: str
    id: str | None
    statements: tuple[Statement, ...]


def policy_size(text: str) -> int:
    """The size IAM counts against its quotas: characters other than whitespace."""
    return len(_WHITESPACE.sub("", text))


def parse_policy(text: str, *, kind: str = "identity", name: str = "", max_size: int | None = None) -> Policy:
    """Validate a policy document's JSON text and compile it; raise ``PolicyError`` as IAM would.

    ``kind`` is ``identity`` (user, group and role policies, permissions boundaries, session
    policies), ``trust`` (a role's trust policy) or ``scp`` (a service control policy).
    ``max_size`` is the quota that applies (``MANAGED_POLICY_SIZE``, ``USER_INLINE_SIZE``, ...).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown policy kind {kind!r}")
    if not isinstance(text, str) or not text.strip():
        raise PolicyError(SYNTAX)
    if max_size is not None and kind == "scp" and len(text) > max_size:
        # "All characters in your SCP count against its maximum size" (AWS Organizations, SCP syntax)
        raise PolicyError("The provided policy document exceeds the maximum size.", code="ConstraintViolationException")
    if max_size is not None and kind != "scp" and policy_size(text) > max_size:
        raise PolicyError(f"Cannot exceed quota for PolicySize: {max_size}", code="LimitExceeded")
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        raise PolicyError(SYNTAX) from None
    return compile_document(document, kind=kind, name=name)


def compile_document(document: object, *, kind: str = "identity", name: str = "") -> Policy:
    """Validate and compile an already-decoded policy document."""
    if not isinstance(document, dict) or set(document) - _TOP_KEYS:
        raise PolicyError(SYNTAX)
    version = document.get("Version", "2008-10-17")
    if version not in VERSIONS:
        raise PolicyError(SYNTAX)
    policy_id = document.get("Id")
    if policy_id is not None and not isinstance(policy_id, str):
        raise PolicyError(SYNTAX)
    raw = document.get("Statement")
    items = raw if isinstance(raw, list) else [raw] if isinstance(raw, dict) else None
    if not items:
        raise PolicyError(SYNTAX)
    statements = tuple(_statement(item, index, kind=kind, variables=version == "2012-10-17") for index, item in enumerate(items))
    sids = [s.sid for s in statements if s.sid]
    if len(sids) != len(set(sids)):
        raise PolicyError("Statement IDs (SID) in a single policy must be unique.")
    return Policy(name, kind, version, policy_id, statements)


def _strings(value: object) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(item, str) and item for item in items):
        raise PolicyError(SYNTAX)
    return [str(item) for item in items]


def _exactly_one(statement: dict, first: str, second: str, missing: str) -> tuple[object, bool]:
    if first in statement and second in statement:
        raise PolicyError(SYNTAX)
    if first not in statement and second not in statement:
        raise PolicyError(missing)
    return (statement[first], False) if first in statement else (statement[second], True)


def _actions(values: list[str]) -> re.Pattern[str]:
    for action in values:
        if action == "*":
            continue
        if ":" not in action:
            raise PolicyError("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.")
        if not _ACTION.match(action):
            raise PolicyError(f"Action {action} is not valid: a vendor prefix without wildcards, then an action name.")
    return compile_glob("|".join(f"(?:{glob_source([(True, a)])})" for a in values), True)


def _resource_templates(values: list[str], variables: bool) -> list:
    for resource in values:
        if resource != "*" and not resource.startswith("arn:"):
            raise PolicyError(f'Resource {resource} must be in ARN format or "*".')
    return [parse_resource(resource, variables=variables) for resource in values]


def _principals(value: object) -> Principals:
    if value == "*":
        return Principals(True, frozenset())
    if not isinstance(value, dict) or not value or set(value) - set(_PRINCIPAL_TYPES):
        raise PolicyError("Invalid principal in policy")
    entries = frozenset((kind, item) for kind, raw in value.items() for item in _strings(raw))
    return Principals(False, entries)


def _statement(item: object, index: int, *, kind: str, variables: bool) -> Statement:
    if not isinstance(item, dict) or set(item) - _STATEMENT_KEYS:
        raise PolicyError(SYNTAX)
    sid = item.get("Sid")
    if sid is not None and (not isinstance(sid, str) or not _SID.match(sid)):
        raise PolicyError("Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*")
    effect = item.get("Effect")
    if effect is None:
        raise PolicyError("Missing required field Effect")
    if effect not in ("Allow", "Deny"):
        raise PolicyError(f"Invalid effect: {effect}")
    raw_actions, not_action = _exactly_one(item, "Action", "NotAction", "Policy statement must contain actions.")
    actions = _actions(_strings(raw_actions))
    has_principal = "Principal" in item or "NotPrincipal" in item
    principals, not_principal, resources, not_resource = None, False, None, False
    if kind == "trust":
        if "Resource" in item or "NotResource" in item:
            raise PolicyError("Has prohibited field Resource")
        raw_principals, not_principal = _exactly_one(item, "Principal", "NotPrincipal", "Missing required field Principal")
        principals = _principals(raw_principals)
    else:
        if has_principal:
            raise PolicyError("Policy document should not specify a principal.")
        raw_resources, not_resource = _exactly_one(item, "Resource", "NotResource", "Policy statement must contain resources.")
        resources = compile_resources(_resource_templates(_strings(raw_resources), variables))
    conditions = compile_block(item["Condition"], variables=variables) if "Condition" in item else ()
    return Statement(index, sid or None, effect == "Allow", actions, not_action, resources, not_resource, principals, not_principal, conditions)
