"""Wire handlers: sign-up, confirmation, password recovery and attribute verification.
Parse, call one service, render."""
from awsapi.registry import CallContext
from userpools.services import recovery, signup, verification


def sign_up(params: dict, ctx: CallContext) -> dict:
    result = signup.sign_up(params)
    response = {"UserConfirmed": result.user.status == result.user.CONFIRMED, "UserSub": str(result.user.sub)}
    if result.code_delivery:
        response["CodeDeliveryDetails"] = result.code_delivery
    return response


def confirm_sign_up(params: dict, ctx: CallContext) -> dict:
    signup.confirm_sign_up(params)
    return {}


def resend_confirmation_code(params: dict, ctx: CallContext) -> dict:
    return {"CodeDeliveryDetails": signup.resend_confirmation_code(params, source_ip=ctx.source_ip)}


def forgot_password(params: dict, ctx: CallContext) -> dict:
    return {"CodeDeliveryDetails": recovery.forgot_password(params, source_ip=ctx.source_ip)}


def confirm_forgot_password(params: dict, ctx: CallContext) -> dict:
    recovery.confirm_forgot_password(params)
    return {}


def admin_reset_user_password(params: dict, ctx: CallContext) -> dict:
    recovery.admin_reset_user_password(params["UserPoolId"], params["Username"])
    return {}


def get_user_attribute_verification_code(params: dict, ctx: CallContext) -> dict:
    return {"CodeDeliveryDetails": verification.get_attribute_verification_code(
        params["AccessToken"], params["AttributeName"], params.get("ClientMetadata"), source_ip=ctx.source_ip)}


def verify_user_attribute(params: dict, ctx: CallContext) -> dict:
    verification.verify_attribute(params["AccessToken"], params["AttributeName"], params["Code"])
    return {}
