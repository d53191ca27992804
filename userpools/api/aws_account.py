"""Wire handlers: a signed-in user's own account (by access token), sign-out and token
revocation. Parse, call one service, render."""
from awsapi.registry import COGNITO_IDP, CallContext, operation
from userpools.services import account


@operation(COGNITO_IDP)
def get_user(params: dict, ctx: CallContext) -> dict:
    return account.get_user(params["AccessToken"])


@operation(COGNITO_IDP)
def update_user_attributes(params: dict, ctx: CallContext) -> dict:
    deliveries = account.update_user_attributes(params["AccessToken"], params["UserAttributes"], params.get("ClientMetadata"))
    return {"CodeDeliveryDetailsList": deliveries}


@operation(COGNITO_IDP)
def delete_user_attributes(params: dict, ctx: CallContext) -> dict:
    account.delete_user_attributes(params["AccessToken"], params["UserAttributeNames"])
    return {}


@operation(COGNITO_IDP)
def delete_user(params: dict, ctx: CallContext) -> dict:
    account.delete_user(params["AccessToken"])
    return {}


@operation(COGNITO_IDP)
def change_password(params: dict, ctx: CallContext) -> dict:
    account.change_password(params["AccessToken"], params.get("PreviousPassword"), params["ProposedPassword"])
    return {}


@operation(COGNITO_IDP)
def global_sign_out(params: dict, ctx: CallContext) -> dict:
    account.global_sign_out(params["AccessToken"])
    return {}


@operation(COGNITO_IDP)
def admin_user_global_sign_out(params: dict, ctx: CallContext) -> dict:
    account.admin_global_sign_out(params["UserPoolId"], params["Username"])
    return {}


@operation(COGNITO_IDP)
def revoke_token(params: dict, ctx: CallContext) -> dict:
    account.revoke_token(params["ClientId"], params["Token"], params.get("ClientSecret"))
    return {}
