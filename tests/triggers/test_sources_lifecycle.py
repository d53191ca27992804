"""Life-cycle triggers end to end through boto3: the handler gets Cognito's event and its
answer has Cognito's effect; a failing handler fails the operation and writes nothing."""
from __future__ import annotations

import jwt
import pytest
from botocore.exceptions import ClientError
from django.core import mail
from django.test import override_settings

from tests.conftest import error_code
from tests.triggers.lifecycle_plugins import PLUGINS, SEEN
from tests.userpools.concurrency import require_postgresql
from tests.userpools.mailbox import mailbox  # noqa: F401  (fixture)
from userpools.models import User

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Secret#Pass1"
FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def arn(name: str) -> str:
    return f"arn:aws:lambda:us-east-1:000000000000:function:{name}"


@pytest.fixture(autouse=True)
def plugins():
    SEEN.clear()
    with override_settings(TRIGGER_PLUGINS=PLUGINS, TRIGGER_TIMEOUT_SECONDS=2, TRIGGER_ATTEMPTS=1):
        yield


def pool_with(idp, **lambda_config) -> tuple[str, str]:
    pool_id = idp.create_user_pool(PoolName="triggers", AutoVerifiedAttributes=["email"], LambdaConfig=lambda_config)["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=FLOWS)["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def sign_in(unsigned_idp, client_id, username, password=PASSWORD) -> dict:
    return unsigned_idp.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": username, "PASSWORD": password}
    )["AuthenticationResult"]


def confirmed_user(idp, pool_id, username="alice"):
    idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}])
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)


def test_pre_sign_up_auto_confirms_and_verifies(idp, unsigned_idp):
    pool_id, client_id = pool_with(idp, PreSignUp=arn("auto_confirm_company"))
    result = unsigned_idp.sign_up(ClientId=client_id, Username="bob", Password=PASSWORD,
                                  UserAttributes=[{"Name": "email", "Value": "bob@example.com"}],
                                  ValidationData=[{"Name": "invite", "Value": "x1"}], ClientMetadata={"src": "web"})
    assert result["UserConfirmed"] is True and "CodeDeliveryDetails" not in result
    assert mail.outbox == []  # no code: the user is already confirmed
    event = SEEN[-1]
    assert event["triggerSource"] == "PreSignUp_SignUp" and event["userPoolId"] == pool_id and event["userName"] == "bob"
    assert event["callerContext"]["clientId"] == client_id and event["region"] == "us-east-1"
    assert event["request"]["userAttributes"] == {"email": "bob@example.com"}
    assert event["request"]["validationData"] == {"invite": "x1"} and event["request"]["clientMetadata"] == {"src": "web"}
    user = idp.admin_get_user(UserPoolId=pool_id, Username="bob")
    assert user["UserStatus"] == "CONFIRMED"
    assert {a["Name"]: a["Value"] for a in user["UserAttributes"]}["email_verified"] == "true"
    assert "AccessToken" in sign_in(unsigned_idp, client_id, "bob")


def test_pre_sign_up_error_refuses_and_creates_nothing(idp, unsigned_idp):
    pool_id, client_id = pool_with(idp, PreSignUp=arn("auto_confirm_company"))
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.sign_up(ClientId=client_id, Username="eve", Password=PASSWORD,
                             UserAttributes=[{"Name": "email", "Value": "eve@example.org"}])
    assert error_code(excinfo) == "UserLambdaValidationException"
    assert excinfo.value.response["Error"]["Message"] == "PreSignUp failed with error No sign-ups from example.org."
    assert not User.objects.filter(pool_id=pool_id).exists()


def test_post_confirmation_sees_the_confirmed_user_and_its_failure_rolls_back(idp, unsigned_idp, mailbox):
    pool_id, client_id = pool_with(idp, PostConfirmation=arn("refuse"))
    unsigned_idp.sign_up(ClientId=client_id, Username="carol", Password=PASSWORD,
                         UserAttributes=[{"Name": "email", "Value": "carol@example.com"}])
    code = mailbox.last_code("carol@example.com")
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.confirm_sign_up(ClientId=client_id, Username="carol", ConfirmationCode=code)
    assert error_code(excinfo) == "UserLambdaValidationException"
    assert SEEN[-1]["triggerSource"] == "PostConfirmation_ConfirmSignUp"
    assert SEEN[-1]["request"]["userAttributes"]["cognito:user_status"] == "CONFIRMED"
    assert User.objects.get(pool_id=pool_id, username="carol").status == "UNCONFIRMED"  # nothing stayed written

    idp.update_user_pool(UserPoolId=pool_id, AutoVerifiedAttributes=["email"], LambdaConfig={"PostConfirmation": arn("record")})
    unsigned_idp.confirm_sign_up(ClientId=client_id, Username="carol", ConfirmationCode=code)  # the code is still good
    assert User.objects.get(pool_id=pool_id, username="carol").status == "CONFIRMED"


def test_pre_and_post_authentication(idp, unsigned_idp):
    pool_id, client_id = pool_with(idp, PreAuthentication=arn("record"), PostAuthentication=arn("record"))
    confirmed_user(idp, pool_id)
    sign_in(unsigned_idp, client_id, "alice")
    assert [event["triggerSource"] for event in SEEN] == ["PreAuthentication_Authentication", "PostAuthentication_Authentication"]
    assert SEEN[0]["request"]["userAttributes"]["email"] == "alice@example.com"
    assert SEEN[1]["request"]["newDeviceUsed"] is False

    idp.update_user_pool(UserPoolId=pool_id, LambdaConfig={"PreAuthentication": arn("refuse")})
    with pytest.raises(ClientError) as excinfo:
        sign_in(unsigned_idp, client_id, "alice")
    assert error_code(excinfo) == "UserLambdaValidationException"
    assert excinfo.value.response["Error"]["Message"] == "PreAuthentication failed with error Not today."


def test_pre_token_generation_v1_changes_the_id_token(idp, unsigned_idp):
    pool_id, client_id = pool_with(idp, PreTokenGeneration=arn("claims_v1"))
    confirmed_user(idp, pool_id)
    tokens = sign_in(unsigned_idp, client_id, "alice")
    claims = jwt.decode(tokens["IdToken"], options={"verify_signature": False})
    assert claims["tenant"] == "acme" and "email" not in claims
    assert claims["iss"].endswith(pool_id)  # protected claims cannot be changed
    assert claims["cognito:groups"] == ["from-trigger"]
    access = jwt.decode(tokens["AccessToken"], options={"verify_signature": False})
    assert access["cognito:groups"] == ["from-trigger"] and "tenant" not in access
    assert SEEN[-1]["triggerSource"] == "TokenGeneration_Authentication" and SEEN[-1]["version"] == "1"

    refreshed = unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                                           AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})["AuthenticationResult"]
    assert jwt.decode(refreshed["IdToken"], options={"verify_signature": False})["tenant"] == "acme"
    assert SEEN[-1]["triggerSource"] == "TokenGeneration_RefreshTokens"


def test_pre_token_generation_v2_changes_the_access_token(idp, unsigned_idp):
    pool_id, client_id = pool_with(idp, PreTokenGenerationConfig={"LambdaVersion": "V2_0", "LambdaArn": arn("claims_v2")})
    confirmed_user(idp, pool_id)
    tokens = sign_in(unsigned_idp, client_id, "alice")
    access = jwt.decode(tokens["AccessToken"], options={"verify_signature": False})
    assert access["tenant"] == "acme" and access["scope"].split() == ["aws.cognito.signin.user.admin", "orders/read"]
    assert jwt.decode(tokens["IdToken"], options={"verify_signature": False})["plan"] == "gold"
    assert SEEN[-1]["version"] == "2" and SEEN[-1]["request"]["scopes"] == ["aws.cognito.signin.user.admin"]


def test_user_migration_on_sign_in(idp, unsigned_idp):
    pool_id, client_id = pool_with(idp, UserMigration=arn("migrate"))
    tokens = sign_in(unsigned_idp, client_id, "legacy-lee", "Legacy#Pass1")
    assert "AccessToken" in tokens
    event = SEEN[-1]
    assert event["triggerSource"] == "UserMigration_Authentication" and event["request"]["password"] == "Legacy#Pass1"
    user = idp.admin_get_user(UserPoolId=pool_id, Username="legacy-lee")
    assert user["UserStatus"] == "CONFIRMED"
    assert {a["Name"]: a["Value"] for a in user["UserAttributes"]}["email"] == "lee@example.com"
    SEEN.clear()
    sign_in(unsigned_idp, client_id, "legacy-lee", "Legacy#Pass1")  # now a user of ours: no migration
    assert SEEN == []

    with pytest.raises(ClientError) as excinfo:
        sign_in(unsigned_idp, client_id, "stranger", "Whatever#1")
    assert error_code(excinfo) == "UserLambdaValidationException"
    assert not User.objects.filter(pool_id=pool_id, username="stranger").exists()


def test_custom_message_rewrites_the_code_mail(idp, unsigned_idp, mailbox):
    pool_id, client_id = pool_with(idp, CustomMessage=arn("branded_message"))
    unsigned_idp.sign_up(ClientId=client_id, Username="dora", Password=PASSWORD,
                         UserAttributes=[{"Name": "email", "Value": "dora@example.com"}])
    sent = mailbox.mails("dora@example.com")[-1]
    assert sent["Subject"] == "Welcome to Acme (CustomMessage_SignUp)"
    body = sent.get_payload(decode=True).decode()
    assert body.startswith("Hello dora, your Acme code is ") and "{####}" not in body
    unsigned_idp.confirm_sign_up(ClientId=client_id, Username="dora", ConfirmationCode=mailbox.last_code("dora@example.com"))

    unsigned_idp.forgot_password(ClientId=client_id, Username="dora")
    assert mailbox.mails("dora@example.com")[-1]["Subject"] == "Welcome to Acme (CustomMessage_ForgotPassword)"
    assert SEEN[-1]["request"]["codeParameter"] == "{####}"
    assert SEEN[-1]["request"]["userAttributes"]["email"] == "dora@example.com"

    unsigned_idp.sign_up(ClientId=client_id, Username="dora2", Password=PASSWORD,
                         UserAttributes=[{"Name": "email", "Value": "dora2@example.com"}])
    unsigned_idp.resend_confirmation_code(ClientId=client_id, Username="dora2", ClientMetadata={"why": "lost"})
    assert mailbox.mails("dora2@example.com")[-1]["Subject"] == "Welcome to Acme (CustomMessage_ResendCode)"
    assert SEEN[-1]["request"]["clientMetadata"] == {"why": "lost"}


def test_admin_create_user_runs_pre_sign_up_and_confirmations_run_post_confirmation(idp, unsigned_idp, mailbox):
    pool_id, client_id = pool_with(idp, PreSignUp=arn("record"), PostConfirmation=arn("record"))
    idp.admin_create_user(UserPoolId=pool_id, Username="fay", MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": "email", "Value": "fay@example.com"}, {"Name": "email_verified", "Value": "true"}])
    assert SEEN[-1]["triggerSource"] == "PreSignUp_AdminCreateUser"
    assert SEEN[-1]["callerContext"]["clientId"] == "CLIENT_ID_NOT_APPLICABLE"
    idp.admin_set_user_password(UserPoolId=pool_id, Username="fay", Password=PASSWORD, Permanent=True)

    unsigned_idp.forgot_password(ClientId=client_id, Username="fay")
    unsigned_idp.confirm_forgot_password(ClientId=client_id, Username="fay", Password="Newer#Pass2",
                                         ConfirmationCode=mailbox.last_code("fay@example.com"))
    assert SEEN[-1]["triggerSource"] == "PostConfirmation_ConfirmForgotPassword"

    unsigned_idp.sign_up(ClientId=client_id, Username="gil", Password=PASSWORD)
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username="gil")
    assert SEEN[-1]["triggerSource"] == "PostConfirmation_ConfirmSignUp" and SEEN[-1]["userName"] == "gil"


def test_user_migration_on_forgot_password(idp, unsigned_idp, mailbox):
    pool_id, client_id = pool_with(idp, UserMigration=arn("migrate"))
    details = unsigned_idp.forgot_password(ClientId=client_id, Username="legacy-lee")["CodeDeliveryDetails"]
    assert details["DeliveryMedium"] == "EMAIL" and SEEN[-1]["triggerSource"] == "UserMigration_ForgotPassword"
    assert idp.admin_get_user(UserPoolId=pool_id, Username="legacy-lee")["UserStatus"] == "RESET_REQUIRED"
    unsigned_idp.confirm_forgot_password(ClientId=client_id, Username="legacy-lee", Password="Fresh#Pass3",
                                         ConfirmationCode=mailbox.last_code("lee@example.com"))
    assert "AccessToken" in sign_in(unsigned_idp, client_id, "legacy-lee", "Fresh#Pass3")


def test_custom_message_rewrites_the_invitation_with_the_given_username(idp, unsigned_idp, mailbox):
    pool_id, client_id = pool_with(idp, CustomMessage=arn("branded_message"))
    idp.admin_create_user(UserPoolId=pool_id, Username="hal", UserAttributes=[{"Name": "email", "Value": "hal@example.com"}],
                          ClientMetadata={"inviter": "ops"})
    event = SEEN[-1]
    assert event["triggerSource"] == "CustomMessage_AdminCreateUser"
    assert event["request"]["usernameParameter"] == "{username}" and event["request"]["clientMetadata"] == {"inviter": "ops"}
    sent = mailbox.mails("hal@example.com")[-1]
    assert sent["Subject"] == "Welcome to Acme (CustomMessage_AdminCreateUser)"
    body = sent.get_payload(decode=True).decode()
    prefix = "Hello hal, your Acme code is "
    assert body.startswith(prefix) and body.endswith(".")
    answer = unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                        AuthParameters={"USERNAME": "hal", "PASSWORD": body[len(prefix):-1]})
    assert answer["ChallengeName"] == "NEW_PASSWORD_REQUIRED"


def test_custom_message_rewrites_the_email_mfa_code(idp, unsigned_idp, mailbox):
    pool_id, client_id = pool_with(idp, CustomMessage=arn("branded_message"))
    idp.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OPTIONAL",
                                 EmailMfaConfiguration={"Subject": "Sign-in code", "Message": "Your code is {####}"})
    idp.admin_create_user(UserPoolId=pool_id, Username="ida", MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": "email", "Value": "ida@example.com"}, {"Name": "email_verified", "Value": "true"}])
    idp.admin_set_user_password(UserPoolId=pool_id, Username="ida", Password=PASSWORD, Permanent=True)
    idp.admin_set_user_mfa_preference(UserPoolId=pool_id, Username="ida", EmailMfaSettings={"Enabled": True})
    challenge = unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                           AuthParameters={"USERNAME": "ida", "PASSWORD": PASSWORD})
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    assert SEEN[-1]["triggerSource"] == "CustomMessage_Authentication" and SEEN[-1]["callerContext"]["clientId"] == client_id
    assert mailbox.mails("ida@example.com")[-1]["Subject"] == "Welcome to Acme (CustomMessage_Authentication)"
    result = unsigned_idp.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="EMAIL_OTP", Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "ida", "EMAIL_OTP_CODE": mailbox.last_code("ida@example.com")})
    assert "AuthenticationResult" in result


def test_changing_an_email_sends_the_update_message_and_asking_again_the_verify_one(idp, unsigned_idp, mailbox):
    pool_id, client_id = pool_with(idp, CustomMessage=arn("branded_message"))
    idp.admin_create_user(UserPoolId=pool_id, Username="jo", MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": "email", "Value": "jo@example.com"}, {"Name": "email_verified", "Value": "true"}])
    idp.admin_set_user_password(UserPoolId=pool_id, Username="jo", Password=PASSWORD, Permanent=True)
    token = sign_in(unsigned_idp, client_id, "jo")["AccessToken"]
    unsigned_idp.update_user_attributes(AccessToken=token, UserAttributes=[{"Name": "email", "Value": "jo@example.org"}],
                                        ClientMetadata={"reason": "moved"})
    assert SEEN[-1]["triggerSource"] == "CustomMessage_UpdateUserAttribute"
    assert SEEN[-1]["request"]["clientMetadata"] == {"reason": "moved"} and SEEN[-1]["callerContext"]["clientId"] == client_id
    unsigned_idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    assert SEEN[-1]["triggerSource"] == "CustomMessage_VerifyUserAttribute"
    unsigned_idp.verify_user_attribute(AccessToken=token, AttributeName="email", Code=mailbox.last_code("jo@example.org"))


def test_admin_changing_an_email_sends_a_code_unless_it_marks_it_verified(idp, unsigned_idp, mailbox):
    pool_id, client_id = pool_with(idp, CustomMessage=arn("branded_message"))
    idp.admin_create_user(UserPoolId=pool_id, Username="kim", MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": "email", "Value": "kim@example.com"}, {"Name": "email_verified", "Value": "true"}])
    idp.admin_update_user_attributes(UserPoolId=pool_id, Username="kim", UserAttributes=[{"Name": "email", "Value": "kim@example.org"}],
                                     ClientMetadata={"by": "support"})
    assert SEEN[-1]["triggerSource"] == "CustomMessage_UpdateUserAttribute" and SEEN[-1]["request"]["clientMetadata"] == {"by": "support"}
    assert mailbox.mails("kim@example.org")[-1]["Subject"] == "Welcome to Acme (CustomMessage_UpdateUserAttribute)"
    shown = {a["Name"]: a["Value"] for a in idp.admin_get_user(UserPoolId=pool_id, Username="kim")["UserAttributes"]}
    assert shown["email"] == "kim@example.org" and shown["email_verified"] == "false"

    idp.admin_update_user_attributes(UserPoolId=pool_id, Username="kim", UserAttributes=[
        {"Name": "email", "Value": "kim@example.net"}, {"Name": "email_verified", "Value": "true"}])
    assert mailbox.mails("kim@example.net") == []


@pytest.mark.parametrize("function", ["migrate", "migrate_taking_alias"])
def test_user_migration_alias_takeover_and_sms_mfa(idp, unsigned_idp, function):
    pool_id = idp.create_user_pool(PoolName="aliases", AliasAttributes=["email"], LambdaConfig={"UserMigration": arn(function)})["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=FLOWS)["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool_id, Username="old-lee", MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": "email", "Value": "lee@example.com"}, {"Name": "email_verified", "Value": "true"}])
    attempt = lambda: unsigned_idp.initiate_auth(  # noqa: E731
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "legacy-lee", "PASSWORD": "Legacy#Pass1"})
    if function == "migrate":
        with pytest.raises(ClientError) as excinfo:
            attempt()
        assert error_code(excinfo) == "AliasExistsException"
        assert not User.objects.filter(pool_id=pool_id, username="legacy-lee").exists()
        return
    idp.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OPTIONAL", SmsMfaConfiguration={
        "SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::000000000000:role/sms"}})
    assert attempt()["ChallengeName"] == "SMS_MFA"
    migrated = idp.admin_get_user(UserPoolId=pool_id, Username="legacy-lee")
    assert migrated["UserMFASettingList"] == ["SMS_MFA"]
    previous = {a["Name"]: a["Value"] for a in idp.admin_get_user(UserPoolId=pool_id, Username="old-lee")["UserAttributes"]}
    assert previous["email_verified"] == "false"  # the alias moved to the migrated user


@pytest.fixture
def sdk_environment(live_server, settings, monkeypatch):
    """What a Lambda's environment gives a handler that uses boto3: our endpoint and a key, read by
    a fresh default session (as in a new Lambda container), not one an earlier test left behind."""
    import boto3

    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    for name, value in {"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": live_server.url, "AWS_ACCESS_KEY_ID": settings.ROOT_ACCESS_KEY_ID,
                        "AWS_SECRET_ACCESS_KEY": settings.ROOT_SECRET_ACCESS_KEY}.items():
        monkeypatch.setenv(name, value)


def test_post_confirmation_handler_calling_back_into_the_api(idp, unsigned_idp, mailbox, sdk_environment):
    """A handler that adds the confirming user to a group through boto3 while ConfirmSignUp waits for
    it. On PostgreSQL the confirmation's row lock must not block that insert (FOR NO KEY UPDATE)."""
    require_postgresql()
    pool_id, client_id = pool_with(idp, PostConfirmation=arn("add_to_members"))
    idp.create_group(UserPoolId=pool_id, GroupName="members")
    unsigned_idp.sign_up(ClientId=client_id, Username="max", Password=PASSWORD, UserAttributes=[{"Name": "email", "Value": "max@example.com"}])
    unsigned_idp.confirm_sign_up(ClientId=client_id, Username="max", ConfirmationCode=mailbox.last_code("max@example.com"))
    groups = idp.admin_list_groups_for_user(UserPoolId=pool_id, Username="max")["Groups"]
    assert [group["GroupName"] for group in groups] == ["members"]
    assert idp.admin_get_user(UserPoolId=pool_id, Username="max")["UserStatus"] == "CONFIRMED"


def test_post_authentication_handler_writing_back_through_the_api(idp, unsigned_idp, sdk_environment):
    require_postgresql()
    pool_id, client_id = pool_with(idp, PostAuthentication=arn("stamp_last_sign_in"))
    idp.add_custom_attributes(UserPoolId=pool_id, CustomAttributes=[{"Name": "last_client", "AttributeDataType": "String"}])
    idp.admin_create_user(UserPoolId=pool_id, Username="ned", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool_id, Username="ned", Password=PASSWORD, Permanent=True)
    first = sign_in(unsigned_idp, client_id, "ned")
    # The handler ran before the tokens were made: they carry what it wrote.
    assert jwt.decode(first["IdToken"], options={"verify_signature": False})["custom:last_client"] == client_id[:20]
    with pytest.raises(ClientError):
        sign_in(unsigned_idp, client_id, "ned", "Wrong#Pass1")
    assert "AccessToken" in sign_in(unsigned_idp, client_id, "ned")  # this one also clears the failure count
    shown = {a["Name"]: a["Value"] for a in idp.admin_get_user(UserPoolId=pool_id, Username="ned")["UserAttributes"]}
    assert shown["custom:last_client"] == client_id[:20]


def test_groups_a_post_authentication_handler_adds_are_in_that_sign_ins_tokens(idp, unsigned_idp, sdk_environment):
    """The sign-in reads the user's groups with its locked row; a handler that changes them is
    heard: the tokens it then issues carry the new group."""
    require_postgresql()
    pool_id, client_id = pool_with(idp, PostAuthentication=arn("add_to_members"))
    idp.create_group(UserPoolId=pool_id, GroupName="members")
    confirmed_user(idp, pool_id, "ora")
    tokens = sign_in(unsigned_idp, client_id, "ora")
    for name in ("AccessToken", "IdToken"):
        assert jwt.decode(tokens[name], options={"verify_signature": False})["cognito:groups"] == ["members"]


def test_admin_confirm_sign_up_passes_client_metadata_to_post_confirmation(idp, unsigned_idp):
    """Issue 8: AdminConfirmSignUp's ClientMetadata reaches the PostConfirmation event's clientMetadata."""
    pool_id, client_id = pool_with(idp, PostConfirmation=arn("record"))
    unsigned_idp.sign_up(ClientId=client_id, Username="hal", Password=PASSWORD)
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username="hal", ClientMetadata={"campaign": "spring"})
    event = SEEN[-1]
    assert event["triggerSource"] == "PostConfirmation_ConfirmSignUp" and event["userName"] == "hal"
    assert event["request"]["clientMetadata"] == {"campaign": "spring"}
    assert event["callerContext"]["clientId"] == "CLIENT_ID_NOT_APPLICABLE"
