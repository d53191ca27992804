"""The IAM and STS operations this server answers (query protocol): one line per operation,
and the IAM resource each one is authorized against.

Registered from `IamConfig.ready()`.
"""
from __future__ import annotations

from django.conf import settings

from awsapi.registry import AwsService, Handler
from iam.api import account, groups, oidc, policies, roles, sts, users
from iam.models import Group, Principal, Role


def _path(model, name: str, given: str | None) -> str:
    """An entity's path for its ARN: as given on create, else as stored (IAM calls are management
    calls, so this one read is off the hot path), else "/"."""
    if given:
        return given
    found = model.objects.filter(name=name).values_list("path", flat=True).first()
    return found or "/"


def iam_resource(operation: str, params: dict) -> str:
    """The ARN an IAM action is authorized on (IAM's service authorization reference: user
    actions on the user, group actions on the group, role actions on the role, policy actions on
    the policy, OIDC provider actions on the provider)."""
    prefix = f"arn:aws:iam::{settings.ACCOUNT_ID}:"
    creating = operation.startswith("Create")
    if operation in ("AddUserToGroup", "RemoveUserFromGroup"):
        name = params.get("GroupName", "")
        return f"{prefix}group{_path(Group, name, None)}{name}"
    if params.get("UserName"):
        name = params["UserName"]
        return f"{prefix}user{_path(Principal, name, params.get('Path') if creating else None)}{name}"
    if params.get("GroupName"):
        name = params["GroupName"]
        return f"{prefix}group{_path(Group, name, params.get('Path') if creating else None)}{name}"
    if params.get("RoleName"):
        name = params["RoleName"]
        return f"{prefix}role{_path(Role, name, params.get('Path') if creating else None)}{name}"
    if params.get("PolicyArn"):
        return params["PolicyArn"]
    if operation == "CreatePolicy" and params.get("PolicyName"):
        return f"{prefix}policy{params.get('Path') or '/'}{params['PolicyName']}"
    if params.get("OpenIDConnectProviderArn"):
        return params["OpenIDConnectProviderArn"]
    if operation == "SimulatePrincipalPolicy" and params.get("PolicySourceArn"):
        return params["PolicySourceArn"]
    return "*"  # account-wide actions, and a user's own keys when no UserName is given


def sts_resource(operation: str, params: dict) -> str:
    """AssumeRole is authorized on the role; the rest on `*`."""
    return params.get("RoleArn") or "*"


IAM = AwsService(model_name="iam", iam_prefix="iam", signing_name="iam", event_source="iam.amazonaws.com", resource=iam_resource,
                 reads_only=frozenset({
                     "GetAccessKeyLastUsed", "GetAccountAuthorizationDetails", "GetGroup", "GetGroupPolicy", "GetOpenIDConnectProvider",
                     "GetPolicy", "GetPolicyVersion", "GetRole", "GetRolePolicy", "GetUser", "GetUserPolicy", "ListAccessKeys",
                     "ListAttachedGroupPolicies", "ListAttachedRolePolicies", "ListAttachedUserPolicies", "ListEntitiesForPolicy",
                     "ListGroupPolicies", "ListGroups", "ListGroupsForUser", "ListOpenIDConnectProviders", "ListPolicies",
                     "ListPolicyVersions", "ListRolePolicies", "ListRoleTags", "ListRoles", "ListUserPolicies", "ListUserTags", "ListUsers",
                 }))
STS = AwsService(model_name="sts", iam_prefix="sts", signing_name="sts", event_source="sts.amazonaws.com", resource=sts_resource,
                 reads_only=frozenset({"GetCallerIdentity"}))

IAM_OPERATIONS: dict[str, Handler] = {
    # Users
    "CreateUser": users.create_user,
    "GetUser": users.get_user,
    "ListUsers": users.list_users,
    "UpdateUser": users.update_user,
    "DeleteUser": users.delete_user,
    "TagUser": users.tag_user,
    "UntagUser": users.untag_user,
    "ListUserTags": users.list_user_tags,
    "ListGroupsForUser": users.list_groups_for_user,
    "CreateAccessKey": users.create_access_key,
    "ListAccessKeys": users.list_access_keys,
    "UpdateAccessKey": users.update_access_key,
    "DeleteAccessKey": users.delete_access_key,
    "GetAccessKeyLastUsed": users.get_access_key_last_used,
    "PutUserPolicy": users.put_user_policy,
    "GetUserPolicy": users.get_user_policy,
    "ListUserPolicies": users.list_user_policies,
    "DeleteUserPolicy": users.delete_user_policy,
    "AttachUserPolicy": users.attach_user_policy,
    "DetachUserPolicy": users.detach_user_policy,
    "ListAttachedUserPolicies": users.list_attached_user_policies,
    "PutUserPermissionsBoundary": users.put_user_permissions_boundary,
    "DeleteUserPermissionsBoundary": users.delete_user_permissions_boundary,
    # Groups
    "CreateGroup": groups.create_group,
    "GetGroup": groups.get_group,
    "ListGroups": groups.list_groups,
    "UpdateGroup": groups.update_group,
    "DeleteGroup": groups.delete_group,
    "AddUserToGroup": groups.add_user_to_group,
    "RemoveUserFromGroup": groups.remove_user_from_group,
    "PutGroupPolicy": groups.put_group_policy,
    "GetGroupPolicy": groups.get_group_policy,
    "ListGroupPolicies": groups.list_group_policies,
    "DeleteGroupPolicy": groups.delete_group_policy,
    "AttachGroupPolicy": groups.attach_group_policy,
    "DetachGroupPolicy": groups.detach_group_policy,
    "ListAttachedGroupPolicies": groups.list_attached_group_policies,
    # Roles
    "CreateRole": roles.create_role,
    "GetRole": roles.get_role,
    "ListRoles": roles.list_roles,
    "UpdateRole": roles.update_role,
    "UpdateRoleDescription": roles.update_role_description,
    "UpdateAssumeRolePolicy": roles.update_assume_role_policy,
    "DeleteRole": roles.delete_role,
    "TagRole": roles.tag_role,
    "UntagRole": roles.untag_role,
    "ListRoleTags": roles.list_role_tags,
    "PutRolePolicy": roles.put_role_policy,
    "GetRolePolicy": roles.get_role_policy,
    "ListRolePolicies": roles.list_role_policies,
    "DeleteRolePolicy": roles.delete_role_policy,
    "AttachRolePolicy": roles.attach_role_policy,
    "DetachRolePolicy": roles.detach_role_policy,
    "ListAttachedRolePolicies": roles.list_attached_role_policies,
    "PutRolePermissionsBoundary": roles.put_role_permissions_boundary,
    "DeleteRolePermissionsBoundary": roles.delete_role_permissions_boundary,
    # Managed policies
    "CreatePolicy": policies.create_policy,
    "GetPolicy": policies.get_policy,
    "ListPolicies": policies.list_policies,
    "DeletePolicy": policies.delete_policy,
    "CreatePolicyVersion": policies.create_policy_version,
    "GetPolicyVersion": policies.get_policy_version,
    "ListPolicyVersions": policies.list_policy_versions,
    "SetDefaultPolicyVersion": policies.set_default_policy_version,
    "DeletePolicyVersion": policies.delete_policy_version,
    "ListEntitiesForPolicy": policies.list_entities_for_policy,
    # OIDC identity providers
    "CreateOpenIDConnectProvider": oidc.create_open_id_connect_provider,
    "GetOpenIDConnectProvider": oidc.get_open_id_connect_provider,
    "ListOpenIDConnectProviders": oidc.list_open_id_connect_providers,
    "DeleteOpenIDConnectProvider": oidc.delete_open_id_connect_provider,
    # Account
    "GetAccountAuthorizationDetails": account.get_account_authorization_details,
    "SimulateCustomPolicy": account.simulate_custom_policy,
    "SimulatePrincipalPolicy": account.simulate_principal_policy,
}

STS_OPERATIONS: dict[str, Handler] = {
    "GetCallerIdentity": sts.get_caller_identity,
    "AssumeRole": sts.assume_role,
    "GetSessionToken": sts.get_session_token,
    "AssumeRoleWithWebIdentity": sts.assume_role_with_web_identity,
}
