"""Managed policies, their versions, and who they are attached to."""
from __future__ import annotations

from awsapi.registry import CallContext
from iam.api import render
from iam.services import policies


def create_policy(params: dict, ctx: CallContext) -> dict:
    policy = policies.create_policy(
        params["PolicyName"], params["PolicyDocument"], path=params.get("Path"),
        description=params.get("Description"), tags=params.get("Tags"),
    )
    return {"Policy": render.policy(policy)}


def get_policy(params: dict, ctx: CallContext) -> dict:
    return {"Policy": render.policy(policies.get_policy(params["PolicyArn"]))}


def list_policies(params: dict, ctx: CallContext) -> dict:
    if params.get("Scope") == "AWS":  # AWS managed policies are not kept here
        return render.page("Policies", [], params)
    found = policies.list_policies(path_prefix=params.get("PathPrefix"), only_attached=bool(params.get("OnlyAttached")))
    if params.get("PolicyUsageFilter") == "PermissionsBoundary":
        found = [p for p in found if policies.boundary_usage_count(p)]
    return render.page("Policies", [render.policy(p) for p in found], params)


def delete_policy(params: dict, ctx: CallContext) -> dict:
    policies.delete_policy(params["PolicyArn"])
    return {}


def create_policy_version(params: dict, ctx: CallContext) -> dict:
    version = policies.create_version(params["PolicyArn"], params["PolicyDocument"], set_as_default=bool(params.get("SetAsDefault")))
    return {"PolicyVersion": render.version(version, with_document=False)}


def get_policy_version(params: dict, ctx: CallContext) -> dict:
    return {"PolicyVersion": render.version(policies.get_version(params["PolicyArn"], params["VersionId"]))}


def list_policy_versions(params: dict, ctx: CallContext) -> dict:
    versions = [render.version(v, with_document=False) for v in policies.list_versions(params["PolicyArn"])]
    return render.page("Versions", versions, params)


def set_default_policy_version(params: dict, ctx: CallContext) -> dict:
    policies.set_default_version(params["PolicyArn"], params["VersionId"])
    return {}


def delete_policy_version(params: dict, ctx: CallContext) -> dict:
    policies.delete_version(params["PolicyArn"], params["VersionId"])
    return {}


def list_entities_for_policy(params: dict, ctx: CallContext) -> dict:
    users, groups, roles = policies.entities_for(params["PolicyArn"])
    wanted = params.get("EntityFilter")
    prefix = params.get("PathPrefix") or "/"
    out = {
        "PolicyUsers": [{"UserName": u.name, "UserId": u.user_id} for u in users if u.path.startswith(prefix)] if wanted in (None, "User") else [],
        "PolicyGroups": [{"GroupName": g.name, "GroupId": g.group_id} for g in groups if g.path.startswith(prefix)] if wanted in (None, "Group") else [],
        "PolicyRoles": [{"RoleName": r.name, "RoleId": r.role_id} for r in roles if r.path.startswith(prefix)] if wanted in (None, "Role") else [],
    }
    return {**out, "IsTruncated": False}
