"""SMS_MFA, EMAIL_OTP and SELECT_MFA_TYPE: codes delivered through the senders, masked
destinations, wrong/expired codes, attempt limits, and Cognito's choice of factor for ON/OPTIONAL."""
import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code
from tests.userpools.mailbox import mailbox  # noqa: F401  (fixture)
from tests.userpools.mfa_support import configure_mfa
from tests.userpools.signin_support import _fresh_throttle_counters, claims, make_client, make_user, sign_in  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

PHONE, EMAIL = "+15555550123", "alice@example.com"


@pytest.fixture
def client_id(idp, pool_id):
    return make_client(idp, pool_id)["ClientId"]


@pytest.fixture
def alice(idp, pool_id):
    make_user(idp, pool_id, attributes={"phone_number": PHONE, "email": EMAIL})


def respond(unsigned_idp, client_id, challenge: dict, **responses) -> dict:
    return unsigned_idp.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName=challenge["ChallengeName"], Session=challenge["Session"], ChallengeResponses={"USERNAME": "alice", **responses}
    )


def enable(idp, pool_id, **settings):
    idp.admin_set_user_mfa_preference(UserPoolId=pool_id, Username="alice", **settings)


def test_sms_mfa(idp, unsigned_idp, pool_id, client_id, alice, mailbox):
    configure_mfa(idp, pool_id, "OPTIONAL", sms=True)
    enable(idp, pool_id, SMSMfaSettings={"Enabled": True})
    challenge = sign_in(unsigned_idp, client_id)
    assert challenge["ChallengeName"] == "SMS_MFA"
    assert challenge["ChallengeParameters"] == {"CODE_DELIVERY_DELIVERY_MEDIUM": "SMS", "CODE_DELIVERY_DESTINATION": "+*******0123"}
    text = mailbox.texts(PHONE)[-1]["message"]
    assert text.startswith("Your sign-in code is ")
    result = respond(unsigned_idp, client_id, challenge, SMS_MFA_CODE=mailbox.last_code(PHONE))["AuthenticationResult"]
    assert claims(result["IdToken"])["cognito:username"] == "alice"


def test_email_otp(idp, unsigned_idp, pool_id, client_id, alice, mailbox):
    configure_mfa(idp, pool_id, "OPTIONAL", email=True)
    enable(idp, pool_id, EmailMfaSettings={"Enabled": True})
    challenge = sign_in(unsigned_idp, client_id)
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    assert challenge["ChallengeParameters"] == {"CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL", "CODE_DELIVERY_DESTINATION": "a***@e***"}
    assert mailbox.mails(EMAIL)[-1]["Subject"] == "Sign-in code"
    assert "AuthenticationResult" in respond(unsigned_idp, client_id, challenge, EMAIL_OTP_CODE=mailbox.last_code(EMAIL))


def test_wrong_code_then_the_right_one(idp, unsigned_idp, pool_id, client_id, alice, mailbox):
    configure_mfa(idp, pool_id, "OPTIONAL", sms=True)
    enable(idp, pool_id, SMSMfaSettings={"Enabled": True})
    challenge = sign_in(unsigned_idp, client_id)
    right = mailbox.last_code(PHONE)
    with pytest.raises(ClientError) as excinfo:
        respond(unsigned_idp, client_id, challenge, SMS_MFA_CODE=f"{(int(right) + 1) % 10**6:06d}")
    assert error_code(excinfo) == "CodeMismatchException"
    assert excinfo.value.response["Error"]["Message"] == "Invalid code received for user"
    assert "AuthenticationResult" in respond(unsigned_idp, client_id, challenge, SMS_MFA_CODE=right)
    with pytest.raises(ClientError) as excinfo:  # the code is used up
        respond(unsigned_idp, client_id, challenge, SMS_MFA_CODE=right)
    assert error_code(excinfo) == "ExpiredCodeException"


def test_too_many_wrong_codes(idp, unsigned_idp, pool_id, client_id, alice, mailbox):
    configure_mfa(idp, pool_id, "OPTIONAL", sms=True)
    enable(idp, pool_id, SMSMfaSettings={"Enabled": True})
    challenge = sign_in(unsigned_idp, client_id)
    right = mailbox.last_code(PHONE)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for _ in range(5):
        with pytest.raises(ClientError) as excinfo:
            respond(unsigned_idp, client_id, challenge, SMS_MFA_CODE=wrong)
        assert error_code(excinfo) == "CodeMismatchException"
    with pytest.raises(ClientError) as excinfo:
        respond(unsigned_idp, client_id, challenge, SMS_MFA_CODE=right)
    assert error_code(excinfo) == "LimitExceededException"


def test_a_new_sign_in_replaces_the_code(idp, unsigned_idp, pool_id, client_id, alice, mailbox):
    configure_mfa(idp, pool_id, "OPTIONAL", sms=True)
    enable(idp, pool_id, SMSMfaSettings={"Enabled": True})
    first = sign_in(unsigned_idp, client_id)
    old = mailbox.last_code(PHONE)
    second = sign_in(unsigned_idp, client_id)
    new = mailbox.last_code(PHONE)
    if old != new:
        with pytest.raises(ClientError) as excinfo:
            respond(unsigned_idp, client_id, first, SMS_MFA_CODE=old)
        assert error_code(excinfo) == "CodeMismatchException"
    assert "AuthenticationResult" in respond(unsigned_idp, client_id, second, SMS_MFA_CODE=new)


def test_several_factors_without_preference_select_mfa_type(idp, unsigned_idp, pool_id, client_id, alice, mailbox):
    configure_mfa(idp, pool_id, "OPTIONAL", sms=True, email=True)
    enable(idp, pool_id, SMSMfaSettings={"Enabled": True}, EmailMfaSettings={"Enabled": True})
    challenge = sign_in(unsigned_idp, client_id)
    assert challenge["ChallengeName"] == "SELECT_MFA_TYPE"
    assert challenge["ChallengeParameters"] == {"MFAS_CAN_CHOOSE": '["SMS_MFA","EMAIL_OTP"]'}
    with pytest.raises(ClientError) as excinfo:
        respond(unsigned_idp, client_id, challenge, ANSWER="SOFTWARE_TOKEN_MFA")
    assert error_code(excinfo) == "InvalidParameterException"
    chosen = respond(unsigned_idp, client_id, challenge, ANSWER="EMAIL_OTP")
    assert chosen["ChallengeName"] == "EMAIL_OTP"
    assert "AuthenticationResult" in respond(unsigned_idp, client_id, chosen, EMAIL_OTP_CODE=mailbox.last_code(EMAIL))


def test_the_preferred_factor_is_asked(idp, unsigned_idp, pool_id, client_id, alice, mailbox):
    configure_mfa(idp, pool_id, "OPTIONAL", sms=True, email=True)
    enable(idp, pool_id, SMSMfaSettings={"Enabled": True, "PreferredMfa": True}, EmailMfaSettings={"Enabled": True})
    assert sign_in(unsigned_idp, client_id)["ChallengeName"] == "SMS_MFA"


def test_optional_pool_without_user_factor_signs_in_directly(idp, unsigned_idp, pool_id, client_id, alice, mailbox):
    configure_mfa(idp, pool_id, "OPTIONAL", sms=True)
    assert "AuthenticationResult" in sign_in(unsigned_idp, client_id)
    assert mailbox.texts(PHONE) == []


def test_required_mfa_texts_a_user_with_a_phone_number(idp, unsigned_idp, pool_id, client_id, alice, mailbox):
    configure_mfa(idp, pool_id, "ON", sms=True)
    challenge = sign_in(unsigned_idp, client_id)
    assert challenge["ChallengeName"] == "SMS_MFA"
    assert "AuthenticationResult" in respond(unsigned_idp, client_id, challenge, SMS_MFA_CODE=mailbox.last_code(PHONE))


def test_required_mfa_without_a_reachable_factor_asks_for_setup(idp, unsigned_idp, pool_id, client_id, mailbox):
    configure_mfa(idp, pool_id, "ON", sms=True, totp=True)
    make_user(idp, pool_id)  # no phone number
    challenge = sign_in(unsigned_idp, client_id)
    assert challenge["ChallengeName"] == "MFA_SETUP"
    assert challenge["ChallengeParameters"]["MFAS_CAN_SETUP"] == '["SMS_MFA","SOFTWARE_TOKEN_MFA"]'


def test_admin_sign_in_gets_the_same_challenge(idp, pool_id, client_id, alice, mailbox):
    configure_mfa(idp, pool_id, "OPTIONAL", sms=True)
    enable(idp, pool_id, SMSMfaSettings={"Enabled": True})
    challenge = idp.admin_initiate_auth(
        UserPoolId=pool_id, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "alice", "PASSWORD": "Correct#Horse1"}
    )
    assert challenge["ChallengeName"] == "SMS_MFA"
    result = idp.admin_respond_to_auth_challenge(
        UserPoolId=pool_id, ClientId=client_id, ChallengeName="SMS_MFA", Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "alice", "SMS_MFA_CODE": mailbox.last_code(PHONE)},
    )
    assert "AuthenticationResult" in result


def test_codes_are_sent_only_so_often(idp, unsigned_idp, pool_id, client_id, alice, mailbox, settings):
    settings.CODE_SEND_USER_LIMIT = 2
    configure_mfa(idp, pool_id, "OPTIONAL", sms=True)
    enable(idp, pool_id, SMSMfaSettings={"Enabled": True})
    sign_in(unsigned_idp, client_id)
    sign_in(unsigned_idp, client_id)
    with pytest.raises(ClientError) as excinfo:
        sign_in(unsigned_idp, client_id)
    assert error_code(excinfo) == "LimitExceededException"
    assert len(mailbox.texts(PHONE)) == 2
