"""The user-pool operations this server answers: one line per AWS operation.

Registered from `UserpoolsConfig.ready()`. A new operation is one handler in an `aws_*.py`
module and one line here.
"""
from __future__ import annotations

from django.conf import settings

from awsapi.registry import AwsService, Handler
from userpools.api import (
    aws_account,
    aws_clients,
    aws_devices,
    aws_domains,
    aws_groups,
    aws_identity_providers,
    aws_import_jobs,
    aws_mfa,
    aws_pools,
    aws_resource_servers,
    aws_signin,
    aws_signup,
    aws_tags,
    aws_users,
)


def pool_arn(pool_id: str) -> str:
    return f"arn:aws:cognito-idp:{settings.REGION}:{settings.ACCOUNT_ID}:userpool/{pool_id}"


def resource(operation: str, params: dict) -> str:
    """The IAM resource of a call: its pool, else the ARN it names (tags), else any."""
    if "UserPoolId" in params:
        return pool_arn(params["UserPoolId"])
    return params.get("ResourceArn") or "*"


COGNITO_IDP = AwsService(
    model_name="cognito-idp",
    iam_prefix="cognito-idp",
    signing_name="cognito-idp",
    event_source="cognito-idp.amazonaws.com",
    target_prefix="AWSCognitoIdentityProviderService",
    resource=resource,
    # Refused sign-ins and wrong codes commit their counters (lockout, code attempts) on purpose;
    # ForgotPassword and ResendConfirmationCode commit (and queue their mail) before the answer's
    # time floor for clients that hide which users exist (services/hidden_users.py).
    own_transactions=frozenset({
        "InitiateAuth", "AdminInitiateAuth", "RespondToAuthChallenge", "AdminRespondToAuthChallenge",
        "ConfirmSignUp", "ConfirmForgotPassword", "VerifyUserAttribute", "ChangePassword", "VerifySoftwareToken",
        "ForgotPassword", "ResendConfirmationCode",
    }),
    reads_only=frozenset({
        "GetUser", "AdminGetUser", "ListUsers", "DescribeUserPool", "DescribeUserPoolClient", "ListUserPools",
        "ListUserPoolClients", "GetGroup", "ListGroups", "AdminListGroupsForUser", "ListUsersInGroup",
        "DescribeIdentityProvider", "DescribeManagedLoginBranding", "DescribeManagedLoginBrandingByClient", "DescribeResourceServer",
        "DescribeUserImportJob", "DescribeUserPoolDomain", "GetCSVHeader", "GetDevice", "GetIdentityProviderByIdentifier",
        "GetUICustomization", "GetUserPoolMfaConfig", "ListDevices", "ListIdentityProviders", "ListResourceServers",
        "ListTagsForResource", "ListUserImportJobs",
    }),
)

OPERATIONS: dict[str, Handler] = {
    "CreateUserPool": aws_pools.create_user_pool,
    "DescribeUserPool": aws_pools.describe_user_pool,
    "UpdateUserPool": aws_pools.update_user_pool,
    "DeleteUserPool": aws_pools.delete_user_pool,
    "ListUserPools": aws_pools.list_user_pools,
    "AddCustomAttributes": aws_pools.add_custom_attributes,
    "CreateUserPoolClient": aws_clients.create_user_pool_client,
    "DescribeUserPoolClient": aws_clients.describe_user_pool_client,
    "UpdateUserPoolClient": aws_clients.update_user_pool_client,
    "DeleteUserPoolClient": aws_clients.delete_user_pool_client,
    "ListUserPoolClients": aws_clients.list_user_pool_clients,
    "CreateResourceServer": aws_resource_servers.create_resource_server,
    "DescribeResourceServer": aws_resource_servers.describe_resource_server,
    "UpdateResourceServer": aws_resource_servers.update_resource_server,
    "DeleteResourceServer": aws_resource_servers.delete_resource_server,
    "ListResourceServers": aws_resource_servers.list_resource_servers,
    "CreateGroup": aws_groups.create_group,
    "GetGroup": aws_groups.get_group,
    "UpdateGroup": aws_groups.update_group,
    "DeleteGroup": aws_groups.delete_group,
    "ListGroups": aws_groups.list_groups,
    "TagResource": aws_tags.tag_resource,
    "UntagResource": aws_tags.untag_resource,
    "ListTagsForResource": aws_tags.list_tags_for_resource,
    "AdminCreateUser": aws_users.admin_create_user,
    "AdminGetUser": aws_users.admin_get_user,
    "AdminDeleteUser": aws_users.admin_delete_user,
    "AdminDisableUser": aws_users.admin_disable_user,
    "AdminEnableUser": aws_users.admin_enable_user,
    "AdminUpdateUserAttributes": aws_users.admin_update_user_attributes,
    "AdminDeleteUserAttributes": aws_users.admin_delete_user_attributes,
    "AdminSetUserPassword": aws_users.admin_set_user_password,
    "AdminConfirmSignUp": aws_users.admin_confirm_sign_up,
    "ListUsers": aws_users.list_users,
    "AdminAddUserToGroup": aws_users.admin_add_user_to_group,
    "AdminRemoveUserFromGroup": aws_users.admin_remove_user_from_group,
    "AdminListGroupsForUser": aws_users.admin_list_groups_for_user,
    "ListUsersInGroup": aws_users.list_users_in_group,
    "SignUp": aws_signup.sign_up,
    "ConfirmSignUp": aws_signup.confirm_sign_up,
    "ResendConfirmationCode": aws_signup.resend_confirmation_code,
    "ForgotPassword": aws_signup.forgot_password,
    "ConfirmForgotPassword": aws_signup.confirm_forgot_password,
    "AdminResetUserPassword": aws_signup.admin_reset_user_password,
    "GetUserAttributeVerificationCode": aws_signup.get_user_attribute_verification_code,
    "VerifyUserAttribute": aws_signup.verify_user_attribute,
    "InitiateAuth": aws_signin.initiate_auth,
    "AdminInitiateAuth": aws_signin.admin_initiate_auth,
    "RespondToAuthChallenge": aws_signin.respond_to_auth_challenge,
    "AdminRespondToAuthChallenge": aws_signin.admin_respond_to_auth_challenge,
    "GetUser": aws_account.get_user,
    "UpdateUserAttributes": aws_account.update_user_attributes,
    "DeleteUserAttributes": aws_account.delete_user_attributes,
    "DeleteUser": aws_account.delete_user,
    "ChangePassword": aws_account.change_password,
    "GlobalSignOut": aws_account.global_sign_out,
    "AdminUserGlobalSignOut": aws_account.admin_user_global_sign_out,
    "RevokeToken": aws_account.revoke_token,
    "SetUserPoolMfaConfig": aws_mfa.set_user_pool_mfa_config,
    "GetUserPoolMfaConfig": aws_mfa.get_user_pool_mfa_config,
    "AssociateSoftwareToken": aws_mfa.associate_software_token,
    "VerifySoftwareToken": aws_mfa.verify_software_token,
    "SetUserMFAPreference": aws_mfa.set_user_mfa_preference,
    "AdminSetUserMFAPreference": aws_mfa.admin_set_user_mfa_preference,
    "ConfirmDevice": aws_devices.confirm_device,
    "GetDevice": aws_devices.get_device,
    "AdminGetDevice": aws_devices.admin_get_device,
    "ListDevices": aws_devices.list_devices,
    "AdminListDevices": aws_devices.admin_list_devices,
    "UpdateDeviceStatus": aws_devices.update_device_status,
    "AdminUpdateDeviceStatus": aws_devices.admin_update_device_status,
    "ForgetDevice": aws_devices.forget_device,
    "CreateIdentityProvider": aws_identity_providers.create_identity_provider,
    "DescribeIdentityProvider": aws_identity_providers.describe_identity_provider,
    "UpdateIdentityProvider": aws_identity_providers.update_identity_provider,
    "DeleteIdentityProvider": aws_identity_providers.delete_identity_provider,
    "ListIdentityProviders": aws_identity_providers.list_identity_providers,
    "GetIdentityProviderByIdentifier": aws_identity_providers.get_identity_provider_by_identifier,
    "GetSigningCertificate": aws_identity_providers.get_signing_certificate,
    "AdminLinkProviderForUser": aws_identity_providers.admin_link_provider_for_user,
    "AdminDisableProviderForUser": aws_identity_providers.admin_disable_provider_for_user,
    "AdminForgetDevice": aws_devices.admin_forget_device,
    "CreateUserPoolDomain": aws_domains.create_user_pool_domain,
    "DescribeUserPoolDomain": aws_domains.describe_user_pool_domain,
    "UpdateUserPoolDomain": aws_domains.update_user_pool_domain,
    "DeleteUserPoolDomain": aws_domains.delete_user_pool_domain,
    "SetUICustomization": aws_domains.set_ui_customization,
    "GetUICustomization": aws_domains.get_ui_customization,
    "CreateManagedLoginBranding": aws_domains.create_managed_login_branding,
    "DescribeManagedLoginBranding": aws_domains.describe_managed_login_branding,
    "DescribeManagedLoginBrandingByClient": aws_domains.describe_managed_login_branding_by_client,
    "UpdateManagedLoginBranding": aws_domains.update_managed_login_branding,
    "DeleteManagedLoginBranding": aws_domains.delete_managed_login_branding,
    "GetCSVHeader": aws_import_jobs.get_csv_header,
    "CreateUserImportJob": aws_import_jobs.create_user_import_job,
    "StartUserImportJob": aws_import_jobs.start_user_import_job,
    "StopUserImportJob": aws_import_jobs.stop_user_import_job,
    "DescribeUserImportJob": aws_import_jobs.describe_user_import_job,
    "ListUserImportJobs": aws_import_jobs.list_user_import_jobs,
}
