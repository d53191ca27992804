"""IAM users: the users themselves, their access keys, policies and permissions boundaries."""
from __future__ import annotations

from awsapi.registry import CallContext
from iam import errors as iam_errors
from iam.api import render
from iam.models import Principal
from iam.services import documents, entities, keys, policies
from iam.services.identity import Session


def _boundary_arg(params: dict):
    arn = params.get("PermissionsBoundary")
    return policies.boundary_policy(arn) if arn else None


def caller_user(ctx: CallContext, name: str | None) -> Principal:
    """The named user, or the caller itself when no name is given (IAM users and root only)."""
    if name:
        return entities.get_user(name)
    caller = ctx.principal
    if isinstance(caller, Session):
        if caller.is_role:
            raise iam_errors.ValidationError("Must specify userName when calling with non-User credentials")
        return Principal.objects.get(pk=caller.subject_pk)
    assert caller is not None
    return caller


def create_user(params: dict, ctx: CallContext) -> dict:
    user = entities.create_user(
        params["UserName"], path=params.get("Path"), boundary=_boundary_arg(params), tags=params.get("Tags")
    )
    return {"User": render.user(user)}


def get_user(params: dict, ctx: CallContext) -> dict:
    return {"User": render.user(caller_user(ctx, params.get("UserName")))}


def list_users(params: dict, ctx: CallContext) -> dict:
    users = [render.user(u, with_tags=False) for u in entities.list_users(params.get("PathPrefix"))]
    return render.page("Users", users, params)


def update_user(params: dict, ctx: CallContext) -> dict:
    entities.update_user(params["UserName"], new_name=params.get("NewUserName"), new_path=params.get("NewPath"))
    return {}


def delete_user(params: dict, ctx: CallContext) -> dict:
    entities.delete_user(params["UserName"])
    return {}


def tag_user(params: dict, ctx: CallContext) -> dict:
    entities.tag_user(params["UserName"], params["Tags"])
    return {}


def untag_user(params: dict, ctx: CallContext) -> dict:
    entities.untag_user(params["UserName"], params["TagKeys"])
    return {}


def list_user_tags(params: dict, ctx: CallContext) -> dict:
    return render.page("Tags", render.tags(entities.get_user(params["UserName"]).tags), params)


def list_groups_for_user(params: dict, ctx: CallContext) -> dict:
    user = entities.get_user(params["UserName"])
    return render.page("Groups", [render.group(g) for g in user.iam_groups.order_by("name")], params)


# Access keys --------------------------------------------------------------------------------------
def _key_dict(user: Principal, key) -> dict:
    return {"UserName": user.name, "AccessKeyId": key.access_key_id, "Status": key.status, "CreateDate": key.created}


def create_access_key(params: dict, ctx: CallContext) -> dict:
    user = caller_user(ctx, params.get("UserName"))
    new = keys.create_access_key(user, enforce_limit=True)
    return {"AccessKey": {**_key_dict(user, new.key), "SecretAccessKey": new.secret_access_key}}


def list_access_keys(params: dict, ctx: CallContext) -> dict:
    user = caller_user(ctx, params.get("UserName"))
    return render.page("AccessKeyMetadata", [_key_dict(user, k) for k in keys.user_keys(user)], params)


def update_access_key(params: dict, ctx: CallContext) -> dict:
    keys.set_status(caller_user(ctx, params.get("UserName")), params["AccessKeyId"], params["Status"])
    return {}


def delete_access_key(params: dict, ctx: CallContext) -> dict:
    keys.delete_key(caller_user(ctx, params.get("UserName")), params["AccessKeyId"])
    return {}


def get_access_key_last_used(params: dict, ctx: CallContext) -> dict:
    key = keys.last_used(params["AccessKeyId"])
    if key.last_used is None:
        used = {"ServiceName": "N/A", "Region": "N/A"}
    else:
        used = {"LastUsedDate": key.last_used, "ServiceName": key.last_used_service, "Region": key.last_used_region}
    return {"UserName": key.principal.name, "AccessKeyLastUsed": used}


# Policies and boundaries --------------------------------------------------------------------------
def put_user_policy(params: dict, ctx: CallContext) -> dict:
    policies.put_inline(entities.get_user(params["UserName"]), params["PolicyName"], params["PolicyDocument"])
    return {}


def get_user_policy(params: dict, ctx: CallContext) -> dict:
    inline = policies.get_inline(entities.get_user(params["UserName"]), params["PolicyName"])
    return {"UserName": params["UserName"], "PolicyName": inline.name, "PolicyDocument": documents.encoded(inline.document)}


def list_user_policies(params: dict, ctx: CallContext) -> dict:
    return render.page("PolicyNames", policies.list_inline(entities.get_user(params["UserName"])), params)


def delete_user_policy(params: dict, ctx: CallContext) -> dict:
    policies.delete_inline(entities.get_user(params["UserName"]), params["PolicyName"])
    return {}


def attach_user_policy(params: dict, ctx: CallContext) -> dict:
    policies.attach(entities.get_user(params["UserName"]), params["PolicyArn"])
    return {}


def detach_user_policy(params: dict, ctx: CallContext) -> dict:
    policies.detach(entities.get_user(params["UserName"]), params["PolicyArn"])
    return {}


def list_attached_user_policies(params: dict, ctx: CallContext) -> dict:
    attached = policies.attached(entities.get_user(params["UserName"]), params.get("PathPrefix"))
    return render.page("AttachedPolicies", render.attached(attached), params)


def put_user_permissions_boundary(params: dict, ctx: CallContext) -> dict:
    policies.put_boundary(entities.get_user(params["UserName"]), params["PermissionsBoundary"])
    return {}


def delete_user_permissions_boundary(params: dict, ctx: CallContext) -> dict:
    policies.delete_boundary(entities.get_user(params["UserName"]))
    return {}
