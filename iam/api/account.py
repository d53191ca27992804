"""Account-wide IAM reads: GetAccountAuthorizationDetails and the policy simulator."""
from __future__ import annotations

from awsapi.registry import CallContext
from iam.api import render
from iam.models import Group, ManagedPolicy, Principal, Role
from iam.services import authorization, documents, evaluation


def _inline_list(entity) -> list[dict]:
    return [{"PolicyName": p.name, "PolicyDocument": documents.encoded(p.document)} for p in entity.inline_policies.all()]


def get_account_authorization_details(params: dict, ctx: CallContext) -> dict:
    wanted = set(params.get("Filter") or ["User", "Group", "Role", "LocalManagedPolicy", "AWSManagedPolicy"])
    out: dict = {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": []}
    if "User" in wanted:
        for u in Principal.objects.filter(is_root=False).order_by("name"):
            detail = {
                **render.user(u), "UserPolicyList": [{"PolicyName": p["PolicyName"], "PolicyDocument": p["PolicyDocument"]} for p in _inline_list(u)],
                "GroupList": [g.name for g in u.iam_groups.order_by("name")],
                "AttachedManagedPolicies": render.attached(list(u.attached_policies.order_by("name"))),
            }
            out["UserDetailList"].append(detail)
    if "Group" in wanted:
        for g in Group.objects.order_by("name"):
            out["GroupDetailList"].append({
                **render.group(g), "GroupPolicyList": _inline_list(g),
                "AttachedManagedPolicies": render.attached(list(g.attached_policies.order_by("name"))),
            })
    if "Role" in wanted:
        for r in Role.objects.order_by("name"):
            out["RoleDetailList"].append({
                **render.role(r), "InstanceProfileList": [], "RolePolicyList": _inline_list(r),
                "AttachedManagedPolicies": render.attached(list(r.attached_policies.order_by("name"))),
            })
    if "LocalManagedPolicy" in wanted:
        for p in ManagedPolicy.objects.order_by("name"):
            versions = [render.version(v) for v in p.versions.order_by("-created", "-id")]
            out["Policies"].append({**render.policy(p), "PolicyVersionList": versions})
    out["IsTruncated"] = False
    return out


# The simulator ------------------------------------------------------------------------------------
def _context(entries: list[dict] | None) -> dict:
    context = {}
    for entry in entries or []:
        values = entry.get("ContextKeyValues") or []
        context[entry["ContextKeyName"]] = values[0] if len(values) == 1 and not entry.get("ContextKeyType", "").endswith("List") else values
    return context


def _documents(texts: list[str] | None) -> list:
    return [documents.validate(text) for text in texts or []]


_DECISION = {"Allow": "allowed", "ExplicitDeny": "explicitDeny", "ImplicitDeny": "implicitDeny"}


def _simulate(params: dict, identity: list, boundaries: list | None) -> dict:
    context = _context(params.get("ContextEntries"))
    results = []
    for action in params["ActionNames"]:
        for resource in params.get("ResourceArns") or ["*"]:
            decision = evaluation.simulate(action, resource, context, identity, boundaries)
            matched = []
            if decision.policy and decision.kind != "ImplicitDeny":
                source_type = "IAM Policy" if decision.policy_type == "identity" else "PermissionsBoundaryPolicy"
                matched.append({"SourcePolicyId": decision.policy, "SourcePolicyType": source_type})
            results.append({
                "EvalActionName": action, "EvalResourceName": resource, "EvalDecision": _DECISION[decision.kind],
                "MatchedStatements": matched, "MissingContextValues": [],
            })
    return render.page("EvaluationResults", results, params)


def simulate_custom_policy(params: dict, ctx: CallContext) -> dict:
    boundaries = params.get("PermissionsBoundaryPolicyInputList")
    return _simulate(params, _documents(params["PolicyInputList"]), _documents(boundaries) if boundaries else None)


def simulate_principal_policy(params: dict, ctx: CallContext) -> dict:
    attached, boundary = authorization.entity_policies(params["PolicySourceArn"])
    identity = list(attached) + _documents(params.get("PolicyInputList"))
    extra_boundaries = params.get("PermissionsBoundaryPolicyInputList")
    boundaries = _documents(extra_boundaries) if extra_boundaries else (list(boundary) if boundary is not None else None)
    return _simulate(params, identity, boundaries)


