"""Wire handlers: a signed-in user's own account (by access token), sign-out and token
revocation. Parse, call one service, render."""
from awsapi.registry import CallContext
from userpools.services import account


def get_user(params: dict, ctx: CallContext) -> dict:
    return account.get_user(params["AccessToken"])


def update_user_attributes(params: dict, ctx: CallContext) -> dict:
    deliveries = account.update_user_attributes(params["AccessToken"], params["UserAttributes"], params.get("ClientMetadata"))
    return {"CodeDeliveryDetailsList": deliveries}


def delete_user_attributes(params: dict, ctx: CallContext) -> dict:
    account.delete_user_attributes(params["AccessToken"], params["UserAttributeNames"])
    return {}


def delete_user(params: dict, ctx: CallContext) -> dict:
    account.delete_user(params["AccessToken"])
    return {}


def change_password(params: dict, ctx: CallContext) -> dict:
    account.change_password(params["AccessToken"], params.get("PreviousPassword"), params["ProposedPassword"])
    return {}


def global_sign_out(params: dict, ctx: CallContext) -> dict:
    account.global_sign_out(params["AccessToken"])
    return {}


def admin_user_global_sign_out(params: dict, ctx: CallContext) -> dict:
    account.admin_global_sign_out(params["UserPoolId"], params["Username"])
    return {}


def revoke_token(params: dict, ctx: CallContext) -> dict:
    account.revoke_token(params["ClientId"], params["Token"], params.get("ClientSecret"))
    return {}
