"""IAM groups, membership and group policies."""
from __future__ import annotations

from awsapi.registry import CallContext
from iam.api import render
from iam.services import documents, entities, policies


def create_group(params: dict, ctx: CallContext) -> dict:
    return {"Group": render.group(entities.create_group(params["GroupName"], path=params.get("Path")))}


def get_group(params: dict, ctx: CallContext) -> dict:
    group = entities.get_group(params["GroupName"])
    members = [render.user(u, with_tags=False) for u in group.members.order_by("name")]
    return {"Group": render.group(group), **render.page("Users", members, params)}


def list_groups(params: dict, ctx: CallContext) -> dict:
    return render.page("Groups", [render.group(g) for g in entities.list_groups(params.get("PathPrefix"))], params)


def update_group(params: dict, ctx: CallContext) -> dict:
    entities.update_group(params["GroupName"], new_name=params.get("NewGroupName"), new_path=params.get("NewPath"))
    return {}


def delete_group(params: dict, ctx: CallContext) -> dict:
    entities.delete_group(params["GroupName"])
    return {}


def add_user_to_group(params: dict, ctx: CallContext) -> dict:
    entities.add_user_to_group(params["GroupName"], params["UserName"])
    return {}


def remove_user_from_group(params: dict, ctx: CallContext) -> dict:
    entities.remove_user_from_group(params["GroupName"], params["UserName"])
    return {}


def put_group_policy(params: dict, ctx: CallContext) -> dict:
    policies.put_inline(entities.get_group(params["GroupName"]), params["PolicyName"], params["PolicyDocument"])
    return {}


def get_group_policy(params: dict, ctx: CallContext) -> dict:
    inline = policies.get_inline(entities.get_group(params["GroupName"]), params["PolicyName"])
    return {"GroupName": params["GroupName"], "PolicyName": inline.name, "PolicyDocument": documents.encoded(inline.document)}


def list_group_policies(params: dict, ctx: CallContext) -> dict:
    return render.page("PolicyNames", policies.list_inline(entities.get_group(params["GroupName"])), params)


def delete_group_policy(params: dict, ctx: CallContext) -> dict:
    policies.delete_inline(entities.get_group(params["GroupName"]), params["PolicyName"])
    return {}


def attach_group_policy(params: dict, ctx: CallContext) -> dict:
    policies.attach(entities.get_group(params["GroupName"]), params["PolicyArn"])
    return {}


def detach_group_policy(params: dict, ctx: CallContext) -> dict:
    policies.detach(entities.get_group(params["GroupName"]), params["PolicyArn"])
    return {}


def list_attached_group_policies(params: dict, ctx: CallContext) -> dict:
    attached = policies.attached(entities.get_group(params["GroupName"]), params.get("PathPrefix"))
    return render.page("AttachedPolicies", render.attached(attached), params)
