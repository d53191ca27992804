"""Wire handlers: sign-up and confirmation. Parse, call one service, render."""
from awsapi.registry import COGNITO_IDP, CallContext, operation
from userpools.services import signup


@operation(COGNITO_IDP)
def sign_up(params: dict, ctx: CallContext) -> dict:
    result = signup.sign_up(params)
    response = {"UserConfirmed": result.user.status == result.user.CONFIRMED, "UserSub": str(result.user.sub)}
    if result.code_delivery:
        response["CodeDeliveryDetails"] = result.code_delivery
    return response


@operation(COGNITO_IDP)
def confirm_sign_up(params: dict, ctx: CallContext) -> dict:
    signup.confirm_sign_up(params)
    return {}


@operation(COGNITO_IDP)
def resend_confirmation_code(params: dict, ctx: CallContext) -> dict:
    return {"CodeDeliveryDetails": signup.resend_confirmation_code(params)}
