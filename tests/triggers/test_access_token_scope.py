"""Every operation that takes an AccessToken needs the `aws.cognito.signin.user.admin` scope, as on
Cognito: a token whose scope a V2 pre token generation trigger suppressed is refused by each of them
(issue 8: VerifyUserAttribute and GetUserAttributeVerificationCode accepted it)."""
from __future__ import annotations

import jwt
import pytest
from botocore.exceptions import ClientError
from django.test import override_settings

from tests.conftest import error_code
from tests.triggers.lifecycle_plugins import PLUGINS, SEEN

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Secret#Pass1"
ADMIN_SCOPE = "aws.cognito.signin.user.admin"
DEVICE_KEY = "us-east-1_0f9e7a6c-3d2b-4c1a-9e8f-7a6b5c4d3e2f"

# Operation -> its members besides AccessToken (valid in shape, so only the scope can refuse them).
OPERATIONS = {
    "get_user": {},
    "update_user_attributes": {"UserAttributes": [{"Name": "name", "Value": "Alice"}]},
    "delete_user_attributes": {"UserAttributeNames": ["name"]},
    "change_password": {"PreviousPassword": PASSWORD, "ProposedPassword": "Newer#Pass2"},
    "delete_user": {},
    "global_sign_out": {},
    "verify_user_attribute": {"AttributeName": "email", "Code": "123456"},
    "get_user_attribute_verification_code": {"AttributeName": "email"},
    "set_user_mfa_preference": {"SoftwareTokenMfaSettings": {"Enabled": False}},
    "associate_software_token": {},
    "verify_software_token": {"UserCode": "123456"},
    "confirm_device": {"DeviceKey": DEVICE_KEY},
    "get_device": {"DeviceKey": DEVICE_KEY},
    "list_devices": {},
    "update_device_status": {"DeviceKey": DEVICE_KEY, "DeviceRememberedStatus": "remembered"},
    "forget_device": {"DeviceKey": DEVICE_KEY},
}


@pytest.fixture(autouse=True)
def plugins():
    SEEN.clear()
    with override_settings(TRIGGER_PLUGINS=PLUGINS, TRIGGER_TIMEOUT_SECONDS=2, TRIGGER_ATTEMPTS=1):
        yield


@pytest.fixture
def token_without_admin_scope(idp, unsigned_idp) -> str:
    """An access token of a confirmed user, issued without the user-admin scope."""
    config = {"PreTokenGenerationConfig": {"LambdaVersion": "V2_0",
                                           "LambdaArn": "arn:aws:lambda:us-east-1:000000000000:function:suppress_admin_scope"}}
    pool_id = idp.create_user_pool(PoolName="scopes", AutoVerifiedAttributes=["email"], LambdaConfig=config)["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="app",
                                            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                                            )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool_id, Username="alice", MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": "email", "Value": "alice@example.com"}])
    idp.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password=PASSWORD, Permanent=True)
    token = unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                       AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD},
                                       )["AuthenticationResult"]["AccessToken"]
    scopes = jwt.decode(token, options={"verify_signature": False})["scope"].split()
    assert ADMIN_SCOPE not in scopes and "orders/read" in scopes  # the trigger ran
    return token


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_access_token_without_the_admin_scope_is_refused(unsigned_idp, token_without_admin_scope, operation):
    with pytest.raises(ClientError) as excinfo:
        getattr(unsigned_idp, operation)(AccessToken=token_without_admin_scope, **OPERATIONS[operation])
    assert error_code(excinfo) == "NotAuthorizedException"
    assert excinfo.value.response["Error"]["Message"] == "Access Token does not have required scopes"


def test_every_access_token_operation_is_covered():
    """The list above names each operation of the model whose input has an AccessToken member and
    that is ours (RevokeToken takes a refresh token; the operations in `not_ours` are not implemented)."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("cognito-idp")
    with_token = {name for name in model.operation_names
                  if model.operation_model(name).input_shape and "AccessToken" in model.operation_model(name).input_shape.members}
    ours = {"".join(part.title() for part in name.split("_")).replace("Mfa", "MFA") for name in OPERATIONS}
    not_ours = {"SetUserSettings", "StartWebAuthnRegistration", "CompleteWebAuthnRegistration",
                "ListWebAuthnCredentials", "DeleteWebAuthnCredential", "GetUserAuthFactors", "ListUserSessions",
                "RevokeUserSession"}
    assert with_token - not_ours == ours
