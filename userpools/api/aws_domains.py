"""Wire handlers: user-pool domains, UI customization and managed-login branding."""
from awsapi.registry import CallContext
from userpools.services import branding, domains


def create_user_pool_domain(params: dict, ctx: CallContext) -> dict:
    return domains.created_response(domains.create_domain(params))


def describe_user_pool_domain(params: dict, ctx: CallContext) -> dict:
    row = domains.find_domain(params["Domain"])
    return {"DomainDescription": domains.describe_domain(row) if row is not None else {}}


def update_user_pool_domain(params: dict, ctx: CallContext) -> dict:
    return domains.created_response(domains.update_domain(params))


def delete_user_pool_domain(params: dict, ctx: CallContext) -> dict:
    domains.delete_domain(params["UserPoolId"], params["Domain"])
    return {}


def set_ui_customization(params: dict, ctx: CallContext) -> dict:
    row = branding.set_ui_customization(params)
    return {"UICustomization": branding.get_ui_customization({"UserPoolId": row.pool_id, "ClientId": row.client_id})}


def get_ui_customization(params: dict, ctx: CallContext) -> dict:
    return {"UICustomization": branding.get_ui_customization(params)}


def create_managed_login_branding(params: dict, ctx: CallContext) -> dict:
    return {"ManagedLoginBranding": branding.describe_branding(branding.create_branding(params))}


def describe_managed_login_branding(params: dict, ctx: CallContext) -> dict:
    row = branding.get_branding(params["UserPoolId"], params["ManagedLoginBrandingId"])
    return {"ManagedLoginBranding": branding.describe_branding(row)}


def describe_managed_login_branding_by_client(params: dict, ctx: CallContext) -> dict:
    row = branding.branding_of_client(params["UserPoolId"], params["ClientId"])
    return {"ManagedLoginBranding": branding.describe_branding(row)}


def update_managed_login_branding(params: dict, ctx: CallContext) -> dict:
    return {"ManagedLoginBranding": branding.describe_branding(branding.update_branding(params))}


def delete_managed_login_branding(params: dict, ctx: CallContext) -> dict:
    branding.delete_branding(params["UserPoolId"], params["ManagedLoginBrandingId"])
    return {}
