"""The cognito-identity operations this server answers: one line per AWS operation.

Registered from `IdentityPoolsConfig.ready()`. GetId, GetCredentialsForIdentity, GetOpenIdToken and
UnlinkIdentity take no signature (botocore's model marks them `auth_type: none`), as on AWS.
"""
from __future__ import annotations

from awsapi.registry import AwsService, Handler
from identitypools import api
from identitypools.services import pools


def resource(operation: str, params: dict) -> str:
    """The IAM resource of a call: the identity pool it acts on."""
    return pools.resource_arn(params)


COGNITO_IDENTITY = AwsService(
    model_name="cognito-identity",
    iam_prefix="cognito-identity",
    signing_name="cognito-identity",
    event_source="cognito-identity.amazonaws.com",
    target_prefix="AWSCognitoIdentityService",
    resource=resource,
    reads_only=frozenset({
        "DescribeIdentity", "DescribeIdentityPool", "GetIdentityPoolRoles", "GetPrincipalTagAttributeMap", "ListIdentities",
        "ListIdentityPools", "ListTagsForResource", "LookupDeveloperIdentity",
    }),
)

OPERATIONS: dict[str, Handler] = {
    "CreateIdentityPool": api.create_identity_pool,
    "DescribeIdentityPool": api.describe_identity_pool,
    "UpdateIdentityPool": api.update_identity_pool,
    "DeleteIdentityPool": api.delete_identity_pool,
    "ListIdentityPools": api.list_identity_pools,
    "SetIdentityPoolRoles": api.set_identity_pool_roles,
    "GetIdentityPoolRoles": api.get_identity_pool_roles,
    "SetPrincipalTagAttributeMap": api.set_principal_tag_attribute_map,
    "GetPrincipalTagAttributeMap": api.get_principal_tag_attribute_map,
    "TagResource": api.tag_resource,
    "UntagResource": api.untag_resource,
    "ListTagsForResource": api.list_tags_for_resource,
    "GetId": api.get_id,
    "GetCredentialsForIdentity": api.get_credentials_for_identity,
    "GetOpenIdToken": api.get_open_id_token,
    "GetOpenIdTokenForDeveloperIdentity": api.get_open_id_token_for_developer_identity,
    "LookupDeveloperIdentity": api.lookup_developer_identity,
    "MergeDeveloperIdentities": api.merge_developer_identities,
    "UnlinkDeveloperIdentity": api.unlink_developer_identity,
    "UnlinkIdentity": api.unlink_identity,
    "DescribeIdentity": api.describe_identity,
    "ListIdentities": api.list_identities,
    "DeleteIdentities": api.delete_identities,
}
