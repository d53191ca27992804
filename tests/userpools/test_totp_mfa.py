"""TOTP MFA: AssociateSoftwareToken / VerifySoftwareToken (by access token and by Session in
MFA_SETUP), the SOFTWARE_TOKEN_MFA challenge, replay, drift and throttling."""
import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code
from tests.userpools.mfa_support import configure_mfa, rfc6238
from tests.userpools.signin_support import PASSWORD, _fresh_throttle_counters, claims, fake_clock, make_client, make_user, sign_in  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client_id(idp, pool_id):
    return make_client(idp, pool_id)["ClientId"]


def code(secret: str, clock, steps: int = 0) -> str:
    return rfc6238(secret, clock.current.timestamp() + 30 * steps)


def enrol(idp, unsigned_idp, pool_id, client_id, clock) -> str:
    """alice with a verified, enabled TOTP authenticator; returns its secret."""
    make_user(idp, pool_id)
    access = sign_in(unsigned_idp, client_id)["AuthenticationResult"]["AccessToken"]
    secret = unsigned_idp.associate_software_token(AccessToken=access)["SecretCode"]
    assert unsigned_idp.verify_software_token(AccessToken=access, UserCode=code(secret, clock), FriendlyDeviceName="phone")["Status"] == "SUCCESS"
    unsigned_idp.set_user_mfa_preference(AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    clock.advance(seconds=30)  # the enrolment code's step is used up
    return secret


def answer(unsigned_idp, client_id, challenge: dict, totp_code: str) -> dict:
    return unsigned_idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="SOFTWARE_TOKEN_MFA",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "alice", "SOFTWARE_TOKEN_MFA_CODE": totp_code},
    )


def test_associate_returns_a_160_bit_base32_secret(idp, unsigned_idp, pool_id, client_id):
    configure_mfa(idp, pool_id, "OPTIONAL", totp=True)
    make_user(idp, pool_id)
    access = sign_in(unsigned_idp, client_id)["AuthenticationResult"]["AccessToken"]
    secret = unsigned_idp.associate_software_token(AccessToken=access)["SecretCode"]
    assert len(secret) == 32 and secret.isalnum() and secret.upper() == secret


def test_associate_needs_totp_enabled_on_the_pool(idp, unsigned_idp, pool_id, client_id):
    make_user(idp, pool_id)
    access = sign_in(unsigned_idp, client_id)["AuthenticationResult"]["AccessToken"]
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.associate_software_token(AccessToken=access)
    assert error_code(excinfo) == "SoftwareTokenMFANotFoundException"


def test_associate_needs_exactly_one_of_token_and_session(idp, unsigned_idp, pool_id):
    configure_mfa(idp, pool_id, "OPTIONAL", totp=True)
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.associate_software_token()
    assert error_code(excinfo) == "InvalidParameterException"
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.associate_software_token(Session="x" * 40)
    assert error_code(excinfo) == "NotAuthorizedException"


def test_wrong_code_at_enrolment(idp, unsigned_idp, pool_id, client_id, fake_clock):
    configure_mfa(idp, pool_id, "OPTIONAL", totp=True)
    make_user(idp, pool_id)
    access = sign_in(unsigned_idp, client_id)["AuthenticationResult"]["AccessToken"]
    secret = unsigned_idp.associate_software_token(AccessToken=access)["SecretCode"]
    wrong = f"{(int(code(secret, fake_clock)) + 1) % 10**6:06d}"
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.verify_software_token(AccessToken=access, UserCode=wrong)
    assert error_code(excinfo) == "EnableSoftwareTokenMFAException"
    assert excinfo.value.response["Error"]["Message"] == "Code mismatch and fail enable Software Token MFA"
    # Not verified, so it cannot be turned on as a factor.
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.set_user_mfa_preference(AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True})
    assert error_code(excinfo) == "InvalidParameterException"


def test_sign_in_with_totp(idp, unsigned_idp, pool_id, client_id, fake_clock):
    configure_mfa(idp, pool_id, "OPTIONAL", totp=True)
    secret = enrol(idp, unsigned_idp, pool_id, client_id, fake_clock)
    assert idp.admin_get_user(UserPoolId=pool_id, Username="alice")["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    challenge = sign_in(unsigned_idp, client_id)
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA" and challenge["ChallengeParameters"] == {}
    assert "AuthenticationResult" not in challenge
    result = answer(unsigned_idp, client_id, challenge, code(secret, fake_clock))["AuthenticationResult"]
    assert claims(result["AccessToken"])["username"] == "alice"


def test_wrong_totp_code_then_right_one_with_the_same_session(idp, unsigned_idp, pool_id, client_id, fake_clock):
    configure_mfa(idp, pool_id, "OPTIONAL", totp=True)
    secret = enrol(idp, unsigned_idp, pool_id, client_id, fake_clock)
    challenge = sign_in(unsigned_idp, client_id)
    with pytest.raises(ClientError) as excinfo:
        answer(unsigned_idp, client_id, challenge, code(secret, fake_clock, steps=5))
    assert error_code(excinfo) == "CodeMismatchException"
    assert "AuthenticationResult" in answer(unsigned_idp, client_id, challenge, code(secret, fake_clock))


def test_a_used_code_cannot_be_replayed(idp, unsigned_idp, pool_id, client_id, fake_clock):
    configure_mfa(idp, pool_id, "OPTIONAL", totp=True)
    secret = enrol(idp, unsigned_idp, pool_id, client_id, fake_clock)
    used = code(secret, fake_clock)
    answer(unsigned_idp, client_id, sign_in(unsigned_idp, client_id), used)
    with pytest.raises(ClientError) as excinfo:
        answer(unsigned_idp, client_id, sign_in(unsigned_idp, client_id), used)
    assert error_code(excinfo) == "CodeMismatchException"


def test_one_step_of_clock_drift_is_accepted(idp, unsigned_idp, pool_id, client_id, fake_clock):
    configure_mfa(idp, pool_id, "OPTIONAL", totp=True)
    secret = enrol(idp, unsigned_idp, pool_id, client_id, fake_clock)
    assert "AuthenticationResult" in answer(unsigned_idp, client_id, sign_in(unsigned_idp, client_id), code(secret, fake_clock, steps=1))


def test_repeated_wrong_codes_are_throttled(idp, unsigned_idp, pool_id, client_id, fake_clock):
    configure_mfa(idp, pool_id, "OPTIONAL", totp=True)
    secret = enrol(idp, unsigned_idp, pool_id, client_id, fake_clock)
    challenge = sign_in(unsigned_idp, client_id)
    for _ in range(3):
        with pytest.raises(ClientError) as excinfo:
            answer(unsigned_idp, client_id, challenge, "000000" if code(secret, fake_clock) != "000000" else "111111")
        assert error_code(excinfo) == "CodeMismatchException"
    with pytest.raises(ClientError) as excinfo:  # even the right code waits now
        answer(unsigned_idp, client_id, challenge, code(secret, fake_clock))
    assert error_code(excinfo) == "LimitExceededException"
    fake_clock.advance(seconds=2)
    challenge = sign_in(unsigned_idp, client_id)
    assert "AuthenticationResult" in answer(unsigned_idp, client_id, challenge, code(secret, fake_clock))


def test_expired_session(idp, unsigned_idp, pool_id, client_id, fake_clock):
    configure_mfa(idp, pool_id, "OPTIONAL", totp=True)
    secret = enrol(idp, unsigned_idp, pool_id, client_id, fake_clock)
    challenge = sign_in(unsigned_idp, client_id)
    fake_clock.advance(minutes=4)  # AuthSessionValidity defaults to 3 minutes
    with pytest.raises(ClientError) as excinfo:
        answer(unsigned_idp, client_id, challenge, code(secret, fake_clock))
    assert error_code(excinfo) == "NotAuthorizedException"


def test_mfa_off_pool_ignores_the_users_totp(idp, unsigned_idp, pool_id, client_id, fake_clock):
    configure_mfa(idp, pool_id, "OPTIONAL", totp=True)
    enrol(idp, unsigned_idp, pool_id, client_id, fake_clock)
    idp.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OFF")
    assert "AuthenticationResult" in sign_in(unsigned_idp, client_id)


# --- MFA_SETUP -------------------------------------------------------------------------------

def test_required_mfa_sets_up_totp_during_sign_in(idp, unsigned_idp, pool_id, client_id, fake_clock):
    configure_mfa(idp, pool_id, "ON", totp=True)
    make_user(idp, pool_id)
    challenge = sign_in(unsigned_idp, client_id)
    assert challenge["ChallengeName"] == "MFA_SETUP"
    assert challenge["ChallengeParameters"]["MFAS_CAN_SETUP"] == '["SOFTWARE_TOKEN_MFA"]'
    associated = unsigned_idp.associate_software_token(Session=challenge["Session"])
    verified = unsigned_idp.verify_software_token(Session=associated["Session"], UserCode=code(associated["SecretCode"], fake_clock))
    assert verified["Status"] == "SUCCESS"
    result = unsigned_idp.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="MFA_SETUP", Session=verified["Session"], ChallengeResponses={"USERNAME": "alice"}
    )
    assert "AuthenticationResult" in result
    fake_clock.advance(seconds=30)
    assert sign_in(unsigned_idp, client_id)["ChallengeName"] == "SOFTWARE_TOKEN_MFA"


def test_mfa_setup_answer_before_verifying_is_refused(idp, unsigned_idp, pool_id, client_id):
    configure_mfa(idp, pool_id, "ON", totp=True)
    make_user(idp, pool_id)
    challenge = sign_in(unsigned_idp, client_id)
    associated = unsigned_idp.associate_software_token(Session=challenge["Session"])
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.respond_to_auth_challenge(
            ClientId=client_id, ChallengeName="MFA_SETUP", Session=associated["Session"], ChallengeResponses={"USERNAME": "alice"}
        )
    assert error_code(excinfo) == "InvalidParameterException"


def test_password_then_new_password_then_mfa(idp, unsigned_idp, pool_id, client_id, fake_clock):
    configure_mfa(idp, pool_id, "ON", totp=True)
    make_user(idp, pool_id, password=None)
    first = sign_in(unsigned_idp, client_id, password="Temp#Pass1")
    assert first["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    second = unsigned_idp.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="NEW_PASSWORD_REQUIRED", Session=first["Session"], ChallengeResponses={"USERNAME": "alice", "NEW_PASSWORD": PASSWORD}
    )
    assert second["ChallengeName"] == "MFA_SETUP"


def test_a_new_association_waits_for_verification_and_the_old_authenticator_keeps_working(idp, unsigned_idp, pool_id, client_id, fake_clock):
    configure_mfa(idp, pool_id, "OPTIONAL", totp=True)
    old_secret = enrol(idp, unsigned_idp, pool_id, client_id, fake_clock)
    challenge = sign_in(unsigned_idp, client_id)
    access = answer(unsigned_idp, client_id, challenge, code(old_secret, fake_clock))["AuthenticationResult"]["AccessToken"]
    new_secret = unsigned_idp.associate_software_token(AccessToken=access)["SecretCode"]
    assert new_secret != old_secret
    fake_clock.advance(seconds=30)

    # Not verified yet: the old authenticator still answers, and the pending secret survives that sign-in.
    challenge = sign_in(unsigned_idp, client_id)
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    assert "AuthenticationResult" in answer(unsigned_idp, client_id, challenge, code(old_secret, fake_clock))
    assert unsigned_idp.verify_software_token(AccessToken=access, UserCode=code(new_secret, fake_clock))["Status"] == "SUCCESS"
    fake_clock.advance(seconds=30)

    challenge = sign_in(unsigned_idp, client_id)
    with pytest.raises(ClientError) as excinfo:
        answer(unsigned_idp, client_id, challenge, code(old_secret, fake_clock))
    assert error_code(excinfo) == "CodeMismatchException"
    assert "AuthenticationResult" in answer(unsigned_idp, client_id, challenge, code(new_secret, fake_clock))
