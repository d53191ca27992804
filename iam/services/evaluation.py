"""The seam between stored IAM and the pure evaluator (`iam.policy`): requests built, decisions
turned into AWS's refusal wording."""
from __future__ import annotations

import functools
from dataclasses import dataclass

from iam.policy import Decision, Request, evaluate, evaluate_trust, load

_POLICY_TYPE_WORDS = {  # (article, words) as AWS's refusal messages name each policy type
    "identity": ("an", "identity-based policy"),
    "boundary": ("a", "permissions boundary"),
    "session": ("a", "session policy"),
    "scp": ("a", "service control policy"),
}


@dataclass(frozen=True)
class Outcome:
    allowed: bool
    reason: str  # AWS's tail of the refusal message ("because no identity-based policy allows ...")
    decision: Decision | None = None


def refusal_reason(decision: Decision, action: str) -> str:
    article, words = _POLICY_TYPE_WORDS.get(decision.policy_type or "identity", _POLICY_TYPE_WORDS["identity"])
    if decision.kind == "ExplicitDeny":
        return f"with an explicit deny in {article} {words}"
    return f"because no {words} allows the {action} action"


@functools.lru_cache(maxsize=64)
def compiled_scps(levels: tuple) -> tuple:
    """The organization's SCP levels (tuples of JSON texts, top down) compiled once per content."""
    return tuple(tuple(load(text, f"scp{i}", "scp") for i, text in enumerate(level)) for level in levels)


def decide(action: str, resource: str, context: dict, pset, *, scps: tuple = ()) -> Outcome:
    """AWS's decision for `pset` (an authorization.PolicySet): SCP levels first (any deny wins,
    every level must allow), then identity, boundary and session policies."""
    request = Request(action, resource or "*", context)
    for level in scps:
        decision = evaluate(request, identity=level)
        if not decision.allowed:
            scp_decision = Decision(False, decision.kind, "scp", decision.policy, decision.statement)
            return Outcome(False, refusal_reason(scp_decision, action), scp_decision)
    decision = evaluate(request, identity=pset.identity, boundaries=pset.boundary, session=pset.session)
    if decision.allowed:
        return Outcome(True, "", decision)
    return Outcome(False, refusal_reason(decision, action), decision)


def trust_allows(trust_policy: str, action: str, principals: list[str], context: dict) -> bool:
    """Whether a role's trust policy lets any of `principals` (ARNs or provider names) `action` it.

    An explicit deny for any of the names refuses."""
    policy = load(trust_policy, "trust", "trust")
    allowed = False
    for principal in principals:
        decision = evaluate_trust(Request(action, "*", context, principal), policy)
        if decision.kind == "ExplicitDeny":
            return False
        allowed = allowed or decision.allowed
    return allowed


def trust_names(trust_policy: str, action: str, principal_arn: str, context: dict) -> bool:
    """Whether the trust policy allows `action` to `principal_arn` by naming that very ARN (not
    its account): within one account such a grant needs no identity-based allow."""
    policy = load(trust_policy, "trust", "trust")
    request = Request(action, "*", context, principal_arn)
    for statement in policy.statements:
        principals = statement.principals
        if not statement.allow or principals is None or statement.not_principal or ("AWS", principal_arn) not in principals.entries:
            continue
        if statement.applies(action, "*", request.keys, principal_arn):
            return True
    return False


def simulate(action: str, resource: str, context: dict, identity: list, boundaries: list | None) -> Decision:
    """SimulatePrincipalPolicy/SimulateCustomPolicy: the same evaluator, on given documents."""
    return evaluate(Request(action, resource or "*", context), identity=identity, boundaries=boundaries)
