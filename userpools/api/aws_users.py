"""Wire handlers: user administration and group membership. Parse, call one service, render."""
from awsapi.registry import CallContext
from userpools.services import groups, memberships, users


def _with_token(response: dict, key: str, token: str | None) -> dict:
    if token:
        response[key] = token
    return response


def admin_create_user(params: dict, ctx: CallContext) -> dict:
    return {"User": users.user_type(users.admin_create_user(params["UserPoolId"], params))}


def admin_get_user(params: dict, ctx: CallContext) -> dict:
    return users.describe_user(users.get_user(params["UserPoolId"], params["Username"]))


def admin_delete_user(params: dict, ctx: CallContext) -> dict:
    users.delete_user(params["UserPoolId"], params["Username"])
    return {}


def admin_disable_user(params: dict, ctx: CallContext) -> dict:
    users.set_enabled(params["UserPoolId"], params["Username"], False)
    return {}


def admin_enable_user(params: dict, ctx: CallContext) -> dict:
    users.set_enabled(params["UserPoolId"], params["Username"], True)
    return {}


def admin_update_user_attributes(params: dict, ctx: CallContext) -> dict:
    users.update_attributes(params["UserPoolId"], params["Username"], params["UserAttributes"], params.get("ClientMetadata"))
    return {}


def admin_delete_user_attributes(params: dict, ctx: CallContext) -> dict:
    users.delete_attributes(params["UserPoolId"], params["Username"], params["UserAttributeNames"])
    return {}


def admin_set_user_password(params: dict, ctx: CallContext) -> dict:
    users.set_password(params["UserPoolId"], params["Username"], params["Password"], bool(params.get("Permanent", False)))
    return {}


def admin_confirm_sign_up(params: dict, ctx: CallContext) -> dict:
    users.confirm_sign_up(params["UserPoolId"], params["Username"], params.get("ClientMetadata"))
    return {}


def list_users(params: dict, ctx: CallContext) -> dict:
    wanted = params.get("AttributesToGet")
    found, token = users.list_users(params["UserPoolId"], params.get("Filter"), params.get("Limit"), params.get("PaginationToken"), wanted)
    return _with_token({"Users": [users.user_type(user, wanted) for user in found]}, "PaginationToken", token)


def admin_add_user_to_group(params: dict, ctx: CallContext) -> dict:
    memberships.add_user_to_group(params["UserPoolId"], params["Username"], params["GroupName"])
    return {}


def admin_remove_user_from_group(params: dict, ctx: CallContext) -> dict:
    memberships.remove_user_from_group(params["UserPoolId"], params["Username"], params["GroupName"])
    return {}


def admin_list_groups_for_user(params: dict, ctx: CallContext) -> dict:
    found, token = memberships.list_groups_for_user(params["UserPoolId"], params["Username"], params.get("Limit"), params.get("NextToken"))
    return _with_token({"Groups": [groups.describe_group(group) for group in found]}, "NextToken", token)


def list_users_in_group(params: dict, ctx: CallContext) -> dict:
    found, token = memberships.list_users_in_group(params["UserPoolId"], params["GroupName"], params.get("Limit"), params.get("NextToken"))
    return _with_token({"Users": [users.user_type(user) for user in found]}, "NextToken", token)
