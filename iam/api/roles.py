"""IAM roles: trust policies, tags, role policies and permissions boundaries."""
from __future__ import annotations

from awsapi.registry import CallContext
from iam.api import render
from iam.services import documents, entities, policies


def create_role(params: dict, ctx: CallContext) -> dict:
    arn = params.get("PermissionsBoundary")
    role = entities.create_role(
        params["RoleName"],
        params["AssumeRolePolicyDocument"],
        path=params.get("Path"),
        description=params.get("Description"),
        max_session_duration=params.get("MaxSessionDuration"),
        boundary=policies.boundary_policy(arn) if arn else None,
        tags=params.get("Tags"),
    )
    return {"Role": render.role(role)}


def get_role(params: dict, ctx: CallContext) -> dict:
    return {"Role": render.role(entities.get_role(params["RoleName"]))}


def list_roles(params: dict, ctx: CallContext) -> dict:
    roles = [render.role(r, full=False) for r in entities.list_roles(params.get("PathPrefix"))]
    return render.page("Roles", roles, params)


def update_role(params: dict, ctx: CallContext) -> dict:
    entities.update_role(
        params["RoleName"], description=params.get("Description"), max_session_duration=params.get("MaxSessionDuration")
    )
    return {}


def update_role_description(params: dict, ctx: CallContext) -> dict:
    role = entities.update_role(params["RoleName"], description=params["Description"])
    return {"Role": render.role(role)}


def update_assume_role_policy(params: dict, ctx: CallContext) -> dict:
    entities.update_trust_policy(params["RoleName"], params["PolicyDocument"])
    return {}


def delete_role(params: dict, ctx: CallContext) -> dict:
    entities.delete_role(params["RoleName"])
    return {}


def tag_role(params: dict, ctx: CallContext) -> dict:
    entities.tag_role(params["RoleName"], params["Tags"])
    return {}


def untag_role(params: dict, ctx: CallContext) -> dict:
    entities.untag_role(params["RoleName"], params["TagKeys"])
    return {}


def list_role_tags(params: dict, ctx: CallContext) -> dict:
    return render.page("Tags", render.tags(entities.get_role(params["RoleName"]).tags), params)


def put_role_policy(params: dict, ctx: CallContext) -> dict:
    policies.put_inline(entities.get_role(params["RoleName"]), params["PolicyName"], params["PolicyDocument"])
    return {}


def get_role_policy(params: dict, ctx: CallContext) -> dict:
    inline = policies.get_inline(entities.get_role(params["RoleName"]), params["PolicyName"])
    return {"RoleName": params["RoleName"], "PolicyName": inline.name, "PolicyDocument": documents.encoded(inline.document)}


def list_role_policies(params: dict, ctx: CallContext) -> dict:
    return render.page("PolicyNames", policies.list_inline(entities.get_role(params["RoleName"])), params)


def delete_role_policy(params: dict, ctx: CallContext) -> dict:
    policies.delete_inline(entities.get_role(params["RoleName"]), params["PolicyName"])
    return {}


def attach_role_policy(params: dict, ctx: CallContext) -> dict:
    policies.attach(entities.get_role(params["RoleName"]), params["PolicyArn"])
    return {}


def detach_role_policy(params: dict, ctx: CallContext) -> dict:
    policies.detach(entities.get_role(params["RoleName"]), params["PolicyArn"])
    return {}


def list_attached_role_policies(params: dict, ctx: CallContext) -> dict:
    attached = policies.attached(entities.get_role(params["RoleName"]), params.get("PathPrefix"))
    return render.page("AttachedPolicies", render.attached(attached), params)


def put_role_permissions_boundary(params: dict, ctx: CallContext) -> dict:
    policies.put_boundary(entities.get_role(params["RoleName"]), params["PermissionsBoundary"])
    return {}


def delete_role_permissions_boundary(params: dict, ctx: CallContext) -> dict:
    policies.delete_boundary(entities.get_role(params["RoleName"]))
    return {}
