"""The cognito-identity operations (AWS JSON 1.1, target prefix AWSCognitoIdentityService):
request members in, one service call, response members out."""
from __future__ import annotations

from awsapi.registry import CallContext
from core.pagination import make_token, read_token
from identitypools.models import Identity, IdentityPool
from identitypools.services import credentials, identities, pools


def _pool(pool: IdentityPool) -> dict:
    return {
        "IdentityPoolId": pool.pool_id,
        "IdentityPoolName": pool.name,
        "AllowUnauthenticatedIdentities": pool.allow_unauthenticated,
        "AllowClassicFlow": pool.allow_classic_flow,
        "SupportedLoginProviders": pool.supported_login_providers,
        **({"DeveloperProviderName": pool.developer_provider_name} if pool.developer_provider_name else {}),
        "OpenIdConnectProviderARNs": pool.openid_connect_provider_arns,
        "CognitoIdentityProviders": pool.cognito_identity_providers,
        "SamlProviderARNs": pool.saml_provider_arns,
        "IdentityPoolTags": pool.tags,
    }


def _identity(identity: Identity) -> dict:
    return {
        "IdentityId": identity.identity_id,
        "Logins": identities.login_names(identity),
        "CreationDate": identity.created,
        "LastModifiedDate": identity.modified,
    }


def _page(items: list[str], kind: str, params: dict) -> tuple[list[str], str | None]:
    """Keyset pages over a short sorted list of strings (a developer user's identifiers)."""
    after = read_token(kind, params.get("NextToken"))
    limit = int(params.get("MaxResults") or 60)
    rest = [item for item in items if after is None or item > after]
    page = rest[:limit]
    return page, (make_token(kind, page[-1]) if len(rest) > limit else None)


# Identity pools ----------------------------------------------------------------------------------
def create_identity_pool(params: dict, ctx: CallContext) -> dict:
    return _pool(pools.create_pool(params))


def describe_identity_pool(params: dict, ctx: CallContext) -> dict:
    return _pool(pools.get_pool(params["IdentityPoolId"]))


def update_identity_pool(params: dict, ctx: CallContext) -> dict:
    return _pool(pools.update_pool(params))


def delete_identity_pool(params: dict, ctx: CallContext) -> dict:
    pools.delete_pool(params["IdentityPoolId"])
    return {}


def list_identity_pools(params: dict, ctx: CallContext) -> dict:
    page, token = pools.list_pools(int(params["MaxResults"]), params.get("NextToken"))
    return {"IdentityPools": [{"IdentityPoolId": p.pool_id, "IdentityPoolName": p.name} for p in page], **({"NextToken": token} if token else {})}


def set_identity_pool_roles(params: dict, ctx: CallContext) -> dict:
    pools.set_roles(params["IdentityPoolId"], params["Roles"], params.get("RoleMappings"))
    return {}


def get_identity_pool_roles(params: dict, ctx: CallContext) -> dict:
    pool = pools.get_pool(params["IdentityPoolId"])
    return {"IdentityPoolId": pool.pool_id, "Roles": pool.roles, "RoleMappings": pool.role_mappings}


def set_principal_tag_attribute_map(params: dict, ctx: CallContext) -> dict:
    entry = pools.set_tag_map(params["IdentityPoolId"], params["IdentityProviderName"], params.get("UseDefaults"), params.get("PrincipalTags"))
    return {"IdentityPoolId": params["IdentityPoolId"], "IdentityProviderName": params["IdentityProviderName"], **entry}


def get_principal_tag_attribute_map(params: dict, ctx: CallContext) -> dict:
    entry = pools.tag_map(pools.get_pool(params["IdentityPoolId"]), params["IdentityProviderName"])
    return {"IdentityPoolId": params["IdentityPoolId"], "IdentityProviderName": params["IdentityProviderName"], **entry}


def tag_resource(params: dict, ctx: CallContext) -> dict:
    pools.tag(params["ResourceArn"], params["Tags"])
    return {}


def untag_resource(params: dict, ctx: CallContext) -> dict:
    pools.untag(params["ResourceArn"], params["TagKeys"])
    return {}


def list_tags_for_resource(params: dict, ctx: CallContext) -> dict:
    return {"Tags": pools.list_tags(params["ResourceArn"])}


# Identities ---------------------------------------------------------------------------------------
def get_id(params: dict, ctx: CallContext) -> dict:
    return {"IdentityId": identities.get_id(params["IdentityPoolId"], params.get("Logins") or {}).identity_id}


def get_credentials_for_identity(params: dict, ctx: CallContext) -> dict:
    issued = credentials.credentials_for_identity(params["IdentityId"], params.get("Logins") or {}, params.get("CustomRoleArn"))
    return {
        "IdentityId": issued.identity_id,
        "Credentials": {
            "AccessKeyId": issued.access_key_id,
            "SecretKey": issued.secret_key,
            "SessionToken": issued.session_token,
            "Expiration": issued.expiration,
        },
    }


def get_open_id_token(params: dict, ctx: CallContext) -> dict:
    identity_id, token = credentials.open_id_token(params["IdentityId"], params.get("Logins") or {})
    return {"IdentityId": identity_id, "Token": token}


def get_open_id_token_for_developer_identity(params: dict, ctx: CallContext) -> dict:
    identity_id, token = credentials.developer_token(
        params["IdentityPoolId"], params.get("IdentityId"), params["Logins"], params.get("PrincipalTags"), params.get("TokenDuration")
    )
    return {"IdentityId": identity_id, "Token": token}


def lookup_developer_identity(params: dict, ctx: CallContext) -> dict:
    identity, users = identities.lookup_developer(params["IdentityPoolId"], params.get("IdentityId"), params.get("DeveloperUserIdentifier"))
    page, token = _page(users, "developer-users", params)
    return {"IdentityId": identity.identity_id, "DeveloperUserIdentifierList": page, **({"NextToken": token} if token else {})}


def merge_developer_identities(params: dict, ctx: CallContext) -> dict:
    identity = identities.merge_developer(
        params["IdentityPoolId"], params["DeveloperProviderName"], params["SourceUserIdentifier"], params["DestinationUserIdentifier"]
    )
    return {"IdentityId": identity.identity_id}


def unlink_developer_identity(params: dict, ctx: CallContext) -> dict:
    identities.unlink_developer(params["IdentityId"], params["IdentityPoolId"], params["DeveloperProviderName"], params["DeveloperUserIdentifier"])
    return {}


def unlink_identity(params: dict, ctx: CallContext) -> dict:
    identities.unlink(params["IdentityId"], params["Logins"], params["LoginsToRemove"])
    return {}


def describe_identity(params: dict, ctx: CallContext) -> dict:
    return _identity(identities.describe(params["IdentityId"]))


def list_identities(params: dict, ctx: CallContext) -> dict:
    page, token = identities.list_identities(params["IdentityPoolId"], int(params["MaxResults"]), params.get("NextToken"))
    return {"IdentityPoolId": params["IdentityPoolId"], "Identities": [_identity(i) for i in page], **({"NextToken": token} if token else {})}


def delete_identities(params: dict, ctx: CallContext) -> dict:
    identities.delete_identities(params["IdentityIdsToDelete"])
    return {"UnprocessedIdentityIds": []}
