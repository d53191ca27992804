"""AWS's IAM output structures, built from models."""
from __future__ import annotations

from django.conf import settings

from iam.models import Group, ManagedPolicy, PolicyVersion, Principal, Role
from iam.services import documents, policies

DEFAULT_MAX_ITEMS = 100


def account() -> str:
    return settings.ACCOUNT_ID


def tags(mapping: dict[str, str]) -> list[dict]:
    return [{"Key": k, "Value": v} for k, v in mapping.items()]


def boundary(entity: Principal | Role) -> dict | None:
    if entity.permissions_boundary is None:
        return None
    return {"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": entity.permissions_boundary.arn(account())}


def user(u: Principal, *, with_tags: bool = True) -> dict:
    if u.is_root:  # GetUser by root: AWS answers with the account as the user id and no name
        return {"UserId": account(), "Arn": u.arn(account()), "CreateDate": u.created, "Path": "/"}
    out = {"Path": u.path, "UserName": u.name, "UserId": u.user_id, "Arn": u.arn(account()), "CreateDate": u.created}
    if boundary(u):
        out["PermissionsBoundary"] = boundary(u)
    if with_tags and u.tags:
        out["Tags"] = tags(u.tags)
    return out


def group(g: Group) -> dict:
    return {"Path": g.path, "GroupName": g.name, "GroupId": g.group_id, "Arn": g.arn(account()), "CreateDate": g.created}


def role(r: Role, *, full: bool = True) -> dict:
    out = {
        "Path": r.path, "RoleName": r.name, "RoleId": r.role_id, "Arn": r.arn(account()), "CreateDate": r.created,
        "AssumeRolePolicyDocument": documents.encoded(r.assume_role_policy), "MaxSessionDuration": r.max_session_duration,
    }
    if r.description:
        out["Description"] = r.description
    if full:
        if boundary(r):
            out["PermissionsBoundary"] = boundary(r)
        if r.tags:
            out["Tags"] = tags(r.tags)
        out["RoleLastUsed"] = {"LastUsedDate": r.last_used, "Region": r.last_used_region} if r.last_used else {}
    return out


def policy(p: ManagedPolicy) -> dict:
    out = {
        "PolicyName": p.name, "PolicyId": p.policy_id, "Arn": p.arn(account()), "Path": p.path,
        "DefaultVersionId": p.default_version_id, "AttachmentCount": policies.attachment_count(p),
        "PermissionsBoundaryUsageCount": policies.boundary_usage_count(p), "IsAttachable": True,
        "CreateDate": p.created, "UpdateDate": p.updated,
    }
    if p.description:
        out["Description"] = p.description
    if p.tags:
        out["Tags"] = tags(p.tags)
    return out


def version(v: PolicyVersion, *, with_document: bool = True) -> dict:
    out = {"VersionId": v.version_id, "IsDefaultVersion": v.policy.default_version_id == v.version_id, "CreateDate": v.created}
    if with_document:
        out["Document"] = documents.encoded(v.document)
    return out


def attached(items: list[ManagedPolicy]) -> list[dict]:
    return [{"PolicyName": p.name, "PolicyArn": p.arn(account())} for p in items]


def page(key: str, items: list, params: dict) -> dict:
    """IAM's Marker/MaxItems pagination over an ordered list (the marker is an offset)."""
    start = int(params["Marker"]) if str(params.get("Marker", "")).isdigit() else 0
    size = params.get("MaxItems") or DEFAULT_MAX_ITEMS
    chunk = items[start : start + size]
    out = {key: chunk, "IsTruncated": start + size < len(items)}
    if out["IsTruncated"]:
        out["Marker"] = str(start + size)
    return out
