"""SetUserPoolMfaConfig / GetUserPoolMfaConfig, SetUserMFAPreference / AdminSetUserMFAPreference
and the MFA members of AdminGetUser / GetUser."""
import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code
from tests.userpools.mfa_support import SNS_ROLE, configure_mfa
from tests.userpools.signin_support import _fresh_throttle_counters, make_client, make_user, sign_in  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def message(excinfo) -> str:
    return excinfo.value.response["Error"]["Message"]


def test_a_new_pool_has_mfa_off(idp, pool_id):
    config = idp.get_user_pool_mfa_config(UserPoolId=pool_id)
    assert config["MfaConfiguration"] == "OFF"
    assert config["SoftwareTokenMfaConfiguration"] == {"Enabled": False}
    assert "SmsMfaConfiguration" not in config and "EmailMfaConfiguration" not in config


def test_set_and_get_round_trip(idp, pool_id):
    answer = configure_mfa(idp, pool_id, "OPTIONAL", totp=True, sms=True, email=True)
    fetched = idp.get_user_pool_mfa_config(UserPoolId=pool_id)
    for config in (answer, fetched):
        assert config["MfaConfiguration"] == "OPTIONAL"
        assert config["SoftwareTokenMfaConfiguration"] == {"Enabled": True}
        assert config["SmsMfaConfiguration"]["SmsConfiguration"]["SnsCallerArn"] == SNS_ROLE
        assert config["EmailMfaConfiguration"]["Subject"] == "Sign-in code"
    assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["MfaConfiguration"] == "OPTIONAL"


def test_a_factor_left_out_is_turned_off(idp, pool_id):
    configure_mfa(idp, pool_id, "ON", totp=True, sms=True)
    config = idp.set_user_pool_mfa_config(UserPoolId=pool_id, SoftwareTokenMfaConfiguration={"Enabled": True})
    assert config["MfaConfiguration"] == "ON"  # left out: kept
    assert "SmsMfaConfiguration" not in config


def test_update_user_pool_keeps_the_factor_configuration(idp, pool_id):
    configure_mfa(idp, pool_id, "OPTIONAL", totp=True)
    idp.update_user_pool(UserPoolId=pool_id, MfaConfiguration="OPTIONAL")
    assert idp.get_user_pool_mfa_config(UserPoolId=pool_id)["SoftwareTokenMfaConfiguration"] == {"Enabled": True}


def test_mfa_off_with_a_factor_on_is_refused(idp, pool_id):
    with pytest.raises(ClientError) as excinfo:
        configure_mfa(idp, pool_id, "OFF", totp=True)
    assert error_code(excinfo) == "InvalidParameterException"
    assert "can't turn off MFA and enable MFA type" in message(excinfo)


def test_mfa_on_without_any_factor_is_refused(idp, pool_id):
    with pytest.raises(ClientError) as excinfo:
        configure_mfa(idp, pool_id, "ON")
    assert error_code(excinfo) == "InvalidParameterException"
    assert idp.get_user_pool_mfa_config(UserPoolId=pool_id)["MfaConfiguration"] == "OFF"


def test_templates_must_carry_the_code_placeholder(idp, pool_id):
    with pytest.raises(ClientError) as excinfo:
        idp.set_user_pool_mfa_config(
            UserPoolId=pool_id,
            MfaConfiguration="ON",
            SmsMfaConfiguration={"SmsAuthenticationMessage": "no code here", "SmsConfiguration": {"SnsCallerArn": SNS_ROLE}},
        )
    assert error_code(excinfo) == "InvalidParameterException"


def test_unknown_pool(idp):
    with pytest.raises(ClientError) as excinfo:
        idp.get_user_pool_mfa_config(UserPoolId="us-east-1_nopenope1")
    assert error_code(excinfo) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        configure_mfa(idp, "us-east-1_nopenope1", "OPTIONAL", totp=True)
    assert error_code(excinfo) == "ResourceNotFoundException"


# --- preferences -----------------------------------------------------------------------------

def test_admin_preferences_show_in_admin_get_user(idp, pool_id):
    configure_mfa(idp, pool_id, "OPTIONAL", sms=True, email=True)
    make_user(idp, pool_id, attributes={"phone_number": "+15555550123", "email": "a@example.com"})
    assert "UserMFASettingList" not in idp.admin_get_user(UserPoolId=pool_id, Username="alice")
    idp.admin_set_user_mfa_preference(
        UserPoolId=pool_id, Username="alice", SMSMfaSettings={"Enabled": True, "PreferredMfa": False}, EmailMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    user = idp.admin_get_user(UserPoolId=pool_id, Username="alice")
    assert user["UserMFASettingList"] == ["SMS_MFA", "EMAIL_OTP"]
    assert user["PreferredMfaSetting"] == "EMAIL_OTP"
    assert user["MFAOptions"] == [{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}]
    # Turning the preferred factor off clears the preference; other settings stay.
    idp.admin_set_user_mfa_preference(UserPoolId=pool_id, Username="alice", EmailMfaSettings={"Enabled": False, "PreferredMfa": False})
    user = idp.admin_get_user(UserPoolId=pool_id, Username="alice")
    assert user["UserMFASettingList"] == ["SMS_MFA"] and "PreferredMfaSetting" not in user


def test_a_factor_the_user_cannot_receive_is_refused(idp, pool_id):
    configure_mfa(idp, pool_id, "OPTIONAL", totp=True, sms=True)
    make_user(idp, pool_id)
    for settings, method in (({"SMSMfaSettings": {"Enabled": True}}, "SMS_MFA"), ({"SoftwareTokenMfaSettings": {"Enabled": True}}, "SOFTWARE_TOKEN_MFA")):
        with pytest.raises(ClientError) as excinfo:
            idp.admin_set_user_mfa_preference(UserPoolId=pool_id, Username="alice", **settings)
        assert error_code(excinfo) == "InvalidParameterException"
        assert message(excinfo) == f"User does not have delivery config set to turn on {method}"
    assert "UserMFASettingList" not in idp.admin_get_user(UserPoolId=pool_id, Username="alice")


def test_admin_preference_for_unknown_user(idp, pool_id):
    with pytest.raises(ClientError) as excinfo:
        idp.admin_set_user_mfa_preference(UserPoolId=pool_id, Username="nobody", SMSMfaSettings={"Enabled": True})
    assert error_code(excinfo) == "UserNotFoundException"


def test_self_service_preference_and_get_user(idp, unsigned_idp, pool_id):
    configure_mfa(idp, pool_id, "OPTIONAL", sms=True)
    client_id = make_client(idp, pool_id)["ClientId"]
    make_user(idp, pool_id, attributes={"phone_number": "+15555550123"})
    access = sign_in(unsigned_idp, client_id)["AuthenticationResult"]["AccessToken"]
    unsigned_idp.set_user_mfa_preference(AccessToken=access, SMSMfaSettings={"Enabled": True, "PreferredMfa": True})
    me = unsigned_idp.get_user(AccessToken=access)
    assert me["UserMFASettingList"] == ["SMS_MFA"] and me["PreferredMfaSetting"] == "SMS_MFA"


def test_self_service_preference_needs_a_valid_token(unsigned_idp):
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.set_user_mfa_preference(AccessToken="not.a.token", SMSMfaSettings={"Enabled": True})
    assert error_code(excinfo) == "NotAuthorizedException"
