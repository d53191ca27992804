"""CustomEmailSender / CustomSMSSender end to end: a handler written for Lambda decrypts each code
through our KMS endpoint with the AWS Encryption SDK, unchanged; the code it gets works, and we
send nothing ourselves for a medium that has a sender."""
from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from tests.triggers.lifecycle_plugins import PLUGINS as LIFECYCLE_PLUGINS
from tests.triggers.lifecycle_plugins import SEEN
from tests.triggers.sender_plugins import PLUGINS, SENT
from tests.userpools.mailbox import mailbox  # noqa: F401  (fixture)
from tests.userpools.mfa_support import configure_mfa
from tests.userpools.signin_support import PASSWORD, _fresh_throttle_counters, claims, make_client, sign_in  # noqa: F401
from triggers.models import TriggerInvocation

pytestmark = pytest.mark.django_db(transaction=True)
KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SENDER = {"LambdaVersion": "V1_0", "LambdaArn": "arn:aws:lambda:us-east-1:000000000000:function:send_with_provider"}
PHONE = "+15555550123"


@pytest.fixture(autouse=True)
def lambda_environment(live_server, settings, monkeypatch):
    """What the function's Lambda environment would hold: its key, credentials, and (here) our KMS endpoint."""
    SENT.clear()
    SEEN.clear()
    monkeypatch.setenv("KEY_ARN", KEY_ARN)
    monkeypatch.setenv("AWS_ENDPOINT_URL_KMS", live_server.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", settings.ROOT_ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", settings.ROOT_SECRET_ACCESS_KEY)
    with override_settings(TRIGGER_PLUGINS=f"{PLUGINS},{LIFECYCLE_PLUGINS}", TRIGGER_TIMEOUT_SECONDS=5, TRIGGER_ATTEMPTS=1):
        yield


def sender_pool(idp, **lambda_config) -> tuple[str, str]:
    config = {"KMSKeyID": KEY_ARN, **lambda_config}
    pool_id = idp.create_user_pool(PoolName="senders", AutoVerifiedAttributes=["email"], LambdaConfig=config)["UserPool"]["Id"]
    return pool_id, make_client(idp, pool_id)["ClientId"]


def last_sent(source: str) -> dict:
    found = [sent for sent in SENT if sent["event"]["triggerSource"] == source]
    assert found, f"no {source} among {[sent['event']['triggerSource'] for sent in SENT]}"
    return found[-1]


def test_sign_up_code_goes_to_the_email_sender_encrypted(idp, unsigned_idp, mailbox):
    pool_id, client_id = sender_pool(idp, CustomEmailSender=SENDER)
    unsigned_idp.sign_up(ClientId=client_id, Username="ana", Password=PASSWORD,
                         UserAttributes=[{"Name": "email", "Value": "ana@example.com"}], ClientMetadata={"campaign": "spring"})
    sent = last_sent("CustomEmailSender_SignUp")
    event = sent["event"]
    assert event["version"] == "1" and event["userPoolId"] == pool_id and event["userName"] == "ana"
    assert event["callerContext"]["clientId"] == client_id
    request = event["request"]
    assert request["type"] == "customEmailSenderRequestV1" and request["clientMetadata"] == {"campaign": "spring"}
    assert request["userAttributes"]["email"] == "ana@example.com" and request["userAttributes"]["cognito:user_status"] == "UNCONFIRMED"
    assert sent["secret"] not in request["code"] and len(sent["secret"]) == 6
    assert mailbox.mails() == []  # the sender delivers; we do not

    unsigned_idp.confirm_sign_up(ClientId=client_id, Username="ana", ConfirmationCode=sent["secret"])
    assert idp.admin_get_user(UserPoolId=pool_id, Username="ana")["UserStatus"] == "CONFIRMED"
    assert TriggerInvocation.objects.get(trigger_source="CustomEmailSender_SignUp").outcome == "SUCCESS"


def test_resend_and_forgot_password_use_their_own_sources(idp, unsigned_idp, mailbox):
    pool_id, client_id = sender_pool(idp, CustomEmailSender=SENDER)
    unsigned_idp.sign_up(ClientId=client_id, Username="ben", Password=PASSWORD, UserAttributes=[{"Name": "email", "Value": "ben@example.com"}])
    unsigned_idp.resend_confirmation_code(ClientId=client_id, Username="ben")
    unsigned_idp.confirm_sign_up(ClientId=client_id, Username="ben", ConfirmationCode=last_sent("CustomEmailSender_ResendCode")["secret"])

    unsigned_idp.forgot_password(ClientId=client_id, Username="ben")
    code = last_sent("CustomEmailSender_ForgotPassword")["secret"]
    unsigned_idp.confirm_forgot_password(ClientId=client_id, Username="ben", ConfirmationCode=code, Password="Newer#Pass2")
    assert "AuthenticationResult" in sign_in(unsigned_idp, client_id, "ben", "Newer#Pass2")
    assert mailbox.mails() == []


def test_invitation_temporary_password_goes_to_both_senders(idp, unsigned_idp, mailbox):
    pool_id, client_id = sender_pool(idp, CustomEmailSender=SENDER, CustomSMSSender=SENDER)
    idp.admin_create_user(UserPoolId=pool_id, Username="cat", DesiredDeliveryMediums=["EMAIL", "SMS"],
                          UserAttributes=[{"Name": "email", "Value": "cat@example.com"}, {"Name": "phone_number", "Value": PHONE}])
    by_mail, by_text = last_sent("CustomEmailSender_AdminCreateUser"), last_sent("CustomSMSSender_AdminCreateUser")
    assert by_text["event"]["request"]["type"] == "customSMSSenderRequestV1"
    assert by_mail["event"]["callerContext"]["clientId"] == "CLIENT_ID_NOT_APPLICABLE"
    assert by_mail["secret"] == by_text["secret"]
    assert sign_in(unsigned_idp, client_id, "cat", by_mail["secret"])["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert mailbox.mails() == [] and mailbox.texts() == []


def test_sms_mfa_code_goes_to_the_sms_sender_and_email_stays_ours(idp, unsigned_idp, mailbox):
    pool_id, client_id = sender_pool(idp, CustomSMSSender=SENDER)
    idp.admin_create_user(UserPoolId=pool_id, Username="dan", MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": "phone_number", "Value": PHONE}, {"Name": "phone_number_verified", "Value": "true"},
                                          {"Name": "email", "Value": "dan@example.com"}])
    idp.admin_set_user_password(UserPoolId=pool_id, Username="dan", Password=PASSWORD, Permanent=True)
    configure_mfa(idp, pool_id, "OPTIONAL", sms=True)
    idp.admin_set_user_mfa_preference(UserPoolId=pool_id, Username="dan", SMSMfaSettings={"Enabled": True})
    challenge = sign_in(unsigned_idp, client_id, "dan")
    assert challenge["ChallengeName"] == "SMS_MFA"
    code = last_sent("CustomSMSSender_Authentication")["secret"]
    result = unsigned_idp.respond_to_auth_challenge(ClientId=client_id, ChallengeName="SMS_MFA", Session=challenge["Session"],
                                                    ChallengeResponses={"USERNAME": "dan", "SMS_MFA_CODE": code})
    assert claims(result["AuthenticationResult"]["IdToken"])["cognito:username"] == "dan"
    assert mailbox.texts() == []

    unsigned_idp.get_user_attribute_verification_code(AccessToken=result["AuthenticationResult"]["AccessToken"], AttributeName="email")
    assert mailbox.last_code("dan@example.com")  # no email sender: we mail it ourselves


def test_a_sender_needs_a_kms_key(idp):
    with pytest.raises(idp.exceptions.InvalidParameterException):
        idp.create_user_pool(PoolName="no-key", LambdaConfig={"CustomEmailSender": SENDER})


def test_a_failing_sender_is_recorded_and_the_operation_stands(idp, unsigned_idp, monkeypatch, mailbox):
    monkeypatch.setenv("KEY_ARN", "arn:aws:kms:us-east-1:111122223333:key/another-key")  # not the pool's key
    pool_id, client_id = sender_pool(idp, CustomEmailSender=SENDER)
    unsigned_idp.sign_up(ClientId=client_id, Username="eve", Password=PASSWORD, UserAttributes=[{"Name": "email", "Value": "eve@example.com"}])
    assert SENT == []
    assert idp.admin_get_user(UserPoolId=pool_id, Username="eve")["UserStatus"] == "UNCONFIRMED"
    assert TriggerInvocation.objects.get(trigger_source="CustomEmailSender_SignUp").outcome == "HANDLER_ERROR"


def test_invoketrigger_encrypts_a_sample_secret_for_the_handler(idp, tmp_path):
    pool_id, _ = sender_pool(idp, CustomSMSSender=SENDER)
    (tmp_path / "event.json").write_text(json.dumps({"userName": "zed", "request": {"userAttributes": {"phone_number": PHONE}}}))
    out = StringIO()
    call_command("invoketrigger", pool_id, "CustomSMSSender_ForgotPassword", "--event", str(tmp_path / "event.json"),
                 "--secret", "424242", stdout=out)
    assert out.getvalue().strip() == "CustomSMSSender_ForgotPassword: SUCCESS"
    sent = last_sent("CustomSMSSender_ForgotPassword")
    assert sent["secret"] == "424242" and sent["event"]["userName"] == "zed"
    assert sent["event"]["request"]["type"] == "customSMSSenderRequestV1"
    with pytest.raises(CommandError, match="needs --secret"):
        call_command("invoketrigger", pool_id, "CustomSMSSender_ForgotPassword", "--event", str(tmp_path / "event.json"))


def test_attribute_codes_and_email_mfa_go_to_the_email_sender(idp, unsigned_idp, mailbox):
    pool_id, client_id = sender_pool(idp, CustomEmailSender=SENDER)
    idp.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OPTIONAL",
                                 EmailMfaConfiguration={"Subject": "Sign-in code", "Message": "Your code is {####}"})
    idp.admin_create_user(UserPoolId=pool_id, Username="fay", MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": "email", "Value": "fay@example.com"}, {"Name": "email_verified", "Value": "true"}])
    idp.admin_set_user_password(UserPoolId=pool_id, Username="fay", Password=PASSWORD, Permanent=True)
    token = sign_in(unsigned_idp, client_id, "fay")["AuthenticationResult"]["AccessToken"]

    unsigned_idp.update_user_attributes(AccessToken=token, UserAttributes=[{"Name": "email", "Value": "fay@example.org"}])
    changed = last_sent("CustomEmailSender_UpdateUserAttribute")
    assert changed["event"]["request"]["userAttributes"]["email"] == "fay@example.org"
    unsigned_idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    unsigned_idp.verify_user_attribute(AccessToken=token, AttributeName="email",
                                       Code=last_sent("CustomEmailSender_VerifyUserAttribute")["secret"])

    idp.admin_set_user_mfa_preference(UserPoolId=pool_id, Username="fay", EmailMfaSettings={"Enabled": True})
    challenge = sign_in(unsigned_idp, client_id, "fay")
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    result = unsigned_idp.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="EMAIL_OTP", Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "fay", "EMAIL_OTP_CODE": last_sent("CustomEmailSender_Authentication")["secret"]})
    assert "AuthenticationResult" in result
    assert mailbox.mails() == []
