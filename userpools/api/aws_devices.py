"""Wire handlers: remembered devices, the user's own (by access token) and the administrator's.
Parse, call one service, render."""
from awsapi.registry import CallContext
from awsapi.validation import require
from userpools.services import devices


def confirm_device(params: dict, ctx: CallContext) -> dict:
    necessary = devices.confirm_device(params["AccessToken"], params["DeviceKey"], params.get("DeviceSecretVerifierConfig"), params.get("DeviceName"))
    return {"UserConfirmationNecessary": necessary}


def get_device(params: dict, ctx: CallContext) -> dict:
    require(params, "AccessToken")  # optional in the model (for the SDK's sake), never in practice
    return {"Device": devices.get_device(params["AccessToken"], params["DeviceKey"])}


def admin_get_device(params: dict, ctx: CallContext) -> dict:
    return {"Device": devices.admin_get_device(params["UserPoolId"], params["Username"], params["DeviceKey"])}


def _listing(found: list[dict], next_token: str | None) -> dict:
    response: dict = {"Devices": found}
    if next_token:
        response["PaginationToken"] = next_token
    return response


def list_devices(params: dict, ctx: CallContext) -> dict:
    return _listing(*devices.list_devices(params["AccessToken"], params.get("Limit"), params.get("PaginationToken")))


def admin_list_devices(params: dict, ctx: CallContext) -> dict:
    return _listing(*devices.admin_list_devices(params["UserPoolId"], params["Username"], params.get("Limit"), params.get("PaginationToken")))


def update_device_status(params: dict, ctx: CallContext) -> dict:
    devices.update_device_status(params["AccessToken"], params["DeviceKey"], params.get("DeviceRememberedStatus"))
    return {}


def admin_update_device_status(params: dict, ctx: CallContext) -> dict:
    devices.admin_update_device_status(params["UserPoolId"], params["Username"], params["DeviceKey"], params.get("DeviceRememberedStatus"))
    return {}


def forget_device(params: dict, ctx: CallContext) -> dict:
    require(params, "AccessToken")  # optional in the model (for the SDK's sake), never in practice
    devices.forget_device(params["AccessToken"], params["DeviceKey"])
    return {}


def admin_forget_device(params: dict, ctx: CallContext) -> dict:
    devices.admin_forget_device(params["UserPoolId"], params["Username"], params["DeviceKey"])
    return {}
