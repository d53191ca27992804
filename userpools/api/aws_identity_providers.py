"""Wire handlers: identity providers, provider links, the SAML signing certificate."""
from awsapi.registry import CallContext
from userpools.federation import links, providers, sp_key
from userpools.services.pools import get_pool


def create_identity_provider(params: dict, ctx: CallContext) -> dict:
    return {"IdentityProvider": providers.describe_provider(providers.create_provider(params["UserPoolId"], params))}


def describe_identity_provider(params: dict, ctx: CallContext) -> dict:
    provider = providers.get_provider(params["UserPoolId"], params["ProviderName"])
    return {"IdentityProvider": providers.describe_provider(provider)}


def update_identity_provider(params: dict, ctx: CallContext) -> dict:
    return {"IdentityProvider": providers.describe_provider(providers.update_provider(params["UserPoolId"], params))}


def delete_identity_provider(params: dict, ctx: CallContext) -> dict:
    providers.delete_provider(params["UserPoolId"], params["ProviderName"])
    return {}


def list_identity_providers(params: dict, ctx: CallContext) -> dict:
    found, token = providers.list_providers(params["UserPoolId"], params.get("MaxResults"), params.get("NextToken"))
    response: dict = {"Providers": [providers.summarize_provider(provider) for provider in found]}
    if token:
        response["NextToken"] = token
    return response


def get_identity_provider_by_identifier(params: dict, ctx: CallContext) -> dict:
    provider = providers.get_by_identifier(params["UserPoolId"], params["IdpIdentifier"])
    return {"IdentityProvider": providers.describe_provider(provider)}


def get_signing_certificate(params: dict, ctx: CallContext) -> dict:
    return {"Certificate": sp_key.certificate_base64(get_pool(params["UserPoolId"]))}


def admin_link_provider_for_user(params: dict, ctx: CallContext) -> dict:
    links.link(params["UserPoolId"], params["DestinationUser"], params["SourceUser"])
    return {}


def admin_disable_provider_for_user(params: dict, ctx: CallContext) -> dict:
    links.disable(params["UserPoolId"], params["User"])
    return {}
