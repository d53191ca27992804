"""Wire handlers: the pool's MFA configuration, TOTP authenticators and users' MFA preferences.
Parse, call one service, render."""
from awsapi.registry import CallContext
from userpools.services import mfa


def set_user_pool_mfa_config(params: dict, ctx: CallContext) -> dict:
    return mfa.set_config(params["UserPoolId"], params)


def get_user_pool_mfa_config(params: dict, ctx: CallContext) -> dict:
    return mfa.get_config(params["UserPoolId"])


def associate_software_token(params: dict, ctx: CallContext) -> dict:
    return mfa.associate_software_token(params.get("AccessToken"), params.get("Session"))


def verify_software_token(params: dict, ctx: CallContext) -> dict:
    return mfa.verify_software_token(params.get("AccessToken"), params.get("Session"), params["UserCode"], params.get("FriendlyDeviceName"))


def set_user_mfa_preference(params: dict, ctx: CallContext) -> dict:
    mfa.set_user_preference(params["AccessToken"], params)
    return {}


def admin_set_user_mfa_preference(params: dict, ctx: CallContext) -> dict:
    mfa.admin_set_user_preference(params["UserPoolId"], params["Username"], params)
    return {}
