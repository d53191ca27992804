"""USER_SRP_AUTH and PASSWORD_VERIFIER through boto3, with pycognito's AWSSRP doing the client's
maths: success on both APIs, the verifier kept in step with every way a password is set, and the
refusals (wrong password, tampered/replayed/expired SECRET_BLOCK, bad SRP_A and TIMESTAMP,
unknown users, user states, lockout)."""
from __future__ import annotations

import base64

import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

from tests.conftest import error_code
from tests.userpools.concurrency import require_postgresql, run_together
from tests.userpools.signin_support import (  # noqa: F401  (fixtures)
    PASSWORD,
    _fresh_throttle_counters,
    claims,
    fake_clock,
    make_client,
    make_user,
    secret_hash,
)
from userpools.domain import srp
from userpools.models import User

pytestmark = pytest.mark.django_db(transaction=True)

SRP_FLOWS = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
INCORRECT = ("NotAuthorizedException", "Incorrect username or password.")


def error(excinfo) -> tuple[str, str]:
    return error_code(excinfo), excinfo.value.response["Error"]["Message"]


@pytest.fixture
def client_id(idp, pool_id):
    return make_client(idp, pool_id, ExplicitAuthFlows=SRP_FLOWS)["ClientId"]


def sdk(idp, pool_id: str, client_id: str, username: str = "alice", password: str = PASSWORD, **kwargs) -> AWSSRP:
    return AWSSRP(username=username, password=password, pool_id=pool_id, client_id=client_id, client=idp, **kwargs)


def start(idp, client: AWSSRP) -> tuple[dict, dict]:
    """InitiateAuth(USER_SRP_AUTH): the response and the AuthParameters sent."""
    params = client.get_auth_params()
    return idp.initiate_auth(ClientId=client.client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=params), params


def answer(idp, client_id: str, responses: dict) -> dict:
    return idp.respond_to_auth_challenge(ClientId=client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=responses)


def proof(idp, client: AWSSRP) -> dict:
    """The ChallengeResponses the SDK sends for a fresh challenge."""
    response, params = start(idp, client)
    return client.process_challenge(response["ChallengeParameters"], params)


# --- success -------------------------------------------------------------------------------

def test_sdk_signs_in_with_srp(idp, unsigned_idp, pool_id, client_id):
    make_user(idp, pool_id)
    client = sdk(unsigned_idp, pool_id, client_id)
    response, _ = start(unsigned_idp, client)
    assert response["ChallengeName"] == "PASSWORD_VERIFIER" and "Session" not in response
    parameters = response["ChallengeParameters"]
    assert set(parameters) == {"SALT", "SRP_B", "SECRET_BLOCK", "USERNAME", "USER_ID_FOR_SRP"}
    assert parameters["USERNAME"] == parameters["USER_ID_FOR_SRP"] == "alice"
    assert parameters["SALT"] == User.objects.get(pool_id=pool_id).srp_salt
    result = sdk(unsigned_idp, pool_id, client_id).authenticate_user()["AuthenticationResult"]
    access = claims(result["AccessToken"])
    assert access["username"] == "alice" and access["client_id"] == client_id
    assert unsigned_idp.get_user(AccessToken=result["AccessToken"])["Username"] == "alice"


def test_admin_api_signs_in_with_srp(idp, pool_id, client_id):
    make_user(idp, pool_id)
    client = sdk(idp, pool_id, client_id)
    params = client.get_auth_params()
    response = idp.admin_initiate_auth(UserPoolId=pool_id, ClientId=client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=params)
    responses = client.process_challenge(response["ChallengeParameters"], params)
    result = idp.admin_respond_to_auth_challenge(
        UserPoolId=pool_id, ClientId=client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=responses
    )["AuthenticationResult"]
    assert claims(result["IdToken"])["cognito:username"] == "alice"


def test_email_username_pool_uses_the_internal_username_for_srp(idp, unsigned_idp):
    pool_id = idp.create_user_pool(PoolName="by-email", UsernameAttributes=["email"])["UserPool"]["Id"]
    client_id = make_client(idp, pool_id, ExplicitAuthFlows=SRP_FLOWS)["ClientId"]
    make_user(idp, pool_id, "Ann@Example.com")
    internal = User.objects.get(pool_id=pool_id).username
    response, _ = start(unsigned_idp, sdk(unsigned_idp, pool_id, client_id, "Ann@Example.com"))
    assert response["ChallengeParameters"]["USER_ID_FOR_SRP"] == internal != "Ann@Example.com"
    result = sdk(unsigned_idp, pool_id, client_id, "Ann@Example.com").authenticate_user()["AuthenticationResult"]
    assert claims(result["AccessToken"])["username"] == internal


def test_client_secret_is_checked_on_both_steps(idp, unsigned_idp, pool_id):
    created = make_client(idp, pool_id, ExplicitAuthFlows=SRP_FLOWS, GenerateSecret=True)
    client_id, secret = created["ClientId"], created["ClientSecret"]
    make_user(idp, pool_id)
    result = sdk(unsigned_idp, pool_id, client_id, client_secret=secret).authenticate_user()
    assert claims(result["AuthenticationResult"]["AccessToken"])["username"] == "alice"
    responses = proof(unsigned_idp, sdk(unsigned_idp, pool_id, client_id, client_secret=secret))
    with pytest.raises(ClientError) as excinfo:
        answer(unsigned_idp, client_id, {**responses, "SECRET_HASH": secret_hash(secret, "bob", client_id)})
    assert error(excinfo) == ("NotAuthorizedException", f"Unable to verify secret hash for client {client_id}")


def test_new_password_required_follows_srp_and_new_password_works_with_srp(idp, unsigned_idp, pool_id, client_id):
    make_user(idp, pool_id, password=None)  # FORCE_CHANGE_PASSWORD with Temp#Pass1
    responses = proof(unsigned_idp, sdk(unsigned_idp, pool_id, client_id, password="Temp#Pass1"))
    challenge = answer(unsigned_idp, client_id, responses)
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED" and challenge["Session"]
    unsigned_idp.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="NEW_PASSWORD_REQUIRED", Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "alice", "NEW_PASSWORD": "Brand#New1"},
    )
    assert "AuthenticationResult" in sdk(unsigned_idp, pool_id, client_id, password="Brand#New1").authenticate_user()


def test_every_way_of_setting_a_password_derives_the_verifier(idp, unsigned_idp, pool_id, client_id):
    unsigned_idp.sign_up(ClientId=client_id, Username="carol", Password="Signed#Up1")
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username="carol")
    tokens = sdk(unsigned_idp, pool_id, client_id, "carol", "Signed#Up1").authenticate_user()["AuthenticationResult"]
    unsigned_idp.change_password(AccessToken=tokens["AccessToken"], PreviousPassword="Signed#Up1", ProposedPassword="Changed#1x")
    assert "AuthenticationResult" in sdk(unsigned_idp, pool_id, client_id, "carol", "Changed#1x").authenticate_user()
    idp.admin_set_user_password(UserPoolId=pool_id, Username="carol", Password="AdminSet#1", Permanent=True)
    assert "AuthenticationResult" in sdk(unsigned_idp, pool_id, client_id, "carol", "AdminSet#1").authenticate_user()
    with pytest.raises(ClientError) as excinfo:
        sdk(unsigned_idp, pool_id, client_id, "carol", "Changed#1x").authenticate_user()
    assert error(excinfo) == INCORRECT


def test_a_user_without_a_verifier_gets_one_at_a_password_sign_in_and_keeps_the_hash(idp, unsigned_idp, pool_id):
    """As createusers' users (and old imports) are: a current hash, no SRP verifier. The password
    sign-in derives the verifier only; hashing the password again would double its cost."""
    client_id = make_client(idp, pool_id, ExplicitAuthFlows=[*SRP_FLOWS, "ALLOW_USER_PASSWORD_AUTH"])["ClientId"]
    make_user(idp, pool_id)
    User.objects.filter(pool_id=pool_id).update(srp_salt="", srp_verifier_sealed="")
    hashed = User.objects.get(pool_id=pool_id).password
    unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD})
    user = User.objects.get(pool_id=pool_id)
    assert user.password == hashed and user.srp_verifier == srp.verifier_for(user.srp_salt, srp.pool_name(pool_id), "alice", PASSWORD)
    assert "AuthenticationResult" in sdk(unsigned_idp, pool_id, client_id).authenticate_user()


# --- wrong answers -------------------------------------------------------------------------

def test_wrong_password_is_refused_and_counted(idp, unsigned_idp, pool_id, client_id):
    make_user(idp, pool_id)
    with pytest.raises(ClientError) as excinfo:
        sdk(unsigned_idp, pool_id, client_id, password="Wrong#Horse1").authenticate_user()
    assert error(excinfo) == INCORRECT
    assert User.objects.get(pool_id=pool_id).failed_sign_ins == 1


def test_five_wrong_answers_lock_the_user(idp, unsigned_idp, pool_id, client_id, fake_clock):
    make_user(idp, pool_id)
    for _ in range(5):
        with pytest.raises(ClientError):
            sdk(unsigned_idp, pool_id, client_id, password="Wrong#Horse1").authenticate_user()
    with pytest.raises(ClientError) as excinfo:
        sdk(unsigned_idp, pool_id, client_id).authenticate_user()
    assert error(excinfo) == ("NotAuthorizedException", "Password attempts exceeded")
    fake_clock.advance(seconds=2)
    assert "AuthenticationResult" in sdk(unsigned_idp, pool_id, client_id).authenticate_user()
    assert User.objects.get(pool_id=pool_id).failed_sign_ins == 0


def _flip(block: str) -> str:
    raw = bytearray(base64.b64decode(block))
    raw[40] ^= 1
    return base64.b64encode(bytes(raw)).decode()


@pytest.mark.parametrize("tamper", [
    lambda r: {**r, "PASSWORD_CLAIM_SECRET_BLOCK": _flip(r["PASSWORD_CLAIM_SECRET_BLOCK"])},
    lambda r: {**r, "PASSWORD_CLAIM_SECRET_BLOCK": "not*base64"},
    lambda r: {**r, "PASSWORD_CLAIM_SIGNATURE": base64.b64encode(b"x" * 32).decode()},
    lambda r: {**r, "USERNAME": "mallory"},
], ids=["block-bit-flipped", "block-not-base64", "signature", "other-username"])
def test_tampered_answers_are_refused(idp, unsigned_idp, pool_id, client_id, tamper):
    make_user(idp, pool_id)
    make_user(idp, pool_id, "mallory")
    responses = proof(unsigned_idp, sdk(unsigned_idp, pool_id, client_id))
    with pytest.raises(ClientError) as excinfo:
        answer(unsigned_idp, client_id, tamper(responses))
    assert error(excinfo) == INCORRECT


def test_a_secret_block_answers_once(idp, unsigned_idp, pool_id, client_id):
    make_user(idp, pool_id)
    responses = proof(unsigned_idp, sdk(unsigned_idp, pool_id, client_id))
    assert "AuthenticationResult" in answer(unsigned_idp, client_id, responses)
    with pytest.raises(ClientError) as excinfo:
        answer(unsigned_idp, client_id, responses)
    assert error(excinfo) == INCORRECT


def test_concurrent_answers_with_one_secret_block_sign_in_once(idp, unsigned_idp, pool_id, client_id):
    # Every refused answer now writes its audit event: concurrent writes need a server database
    # (SQLite's live server shares one in-memory connection between its request threads).
    require_postgresql()
    make_user(idp, pool_id)
    responses = proof(unsigned_idp, sdk(unsigned_idp, pool_id, client_id))
    results = run_together([lambda: answer(unsigned_idp, client_id, responses) for _ in range(4)])
    signed_in = [result for result in results if isinstance(result, dict)]
    refused = [result for result in results if isinstance(result, ClientError)]
    assert len(signed_in) == 1 and "AuthenticationResult" in signed_in[0]
    assert len(refused) == 3 and all(error.response["Error"]["Message"] == INCORRECT[1] for error in refused)


def test_a_secret_block_expires_with_the_auth_session(idp, unsigned_idp, pool_id, client_id, fake_clock):
    make_user(idp, pool_id)
    responses = proof(unsigned_idp, sdk(unsigned_idp, pool_id, client_id))
    fake_clock.advance(minutes=3, seconds=5)
    with pytest.raises(ClientError) as excinfo:
        answer(unsigned_idp, client_id, responses)
    assert error(excinfo) == INCORRECT


def test_a_secret_block_is_bound_to_its_client_and_api(idp, unsigned_idp, pool_id, client_id):
    make_user(idp, pool_id)
    other = make_client(idp, pool_id, ExplicitAuthFlows=SRP_FLOWS)["ClientId"]
    responses = proof(unsigned_idp, sdk(unsigned_idp, pool_id, client_id))
    with pytest.raises(ClientError) as excinfo:
        answer(unsigned_idp, other, responses)
    assert error(excinfo) == INCORRECT
    with pytest.raises(ClientError) as excinfo:
        idp.admin_respond_to_auth_challenge(UserPoolId=pool_id, ClientId=client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=responses)
    assert error(excinfo) == INCORRECT


def test_password_changed_after_the_challenge_voids_it(idp, unsigned_idp, pool_id, client_id):
    make_user(idp, pool_id)
    responses = proof(unsigned_idp, sdk(unsigned_idp, pool_id, client_id))
    idp.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password="Another#Pw1", Permanent=True)
    with pytest.raises(ClientError) as excinfo:
        answer(unsigned_idp, client_id, responses)
    assert error(excinfo) == INCORRECT


def test_unreadable_timestamp_is_an_invalid_parameter(idp, unsigned_idp, pool_id, client_id):
    make_user(idp, pool_id)
    responses = proof(unsigned_idp, sdk(unsigned_idp, pool_id, client_id))
    with pytest.raises(ClientError) as excinfo:
        answer(unsigned_idp, client_id, {**responses, "TIMESTAMP": "2025-03-04T09:05:07Z"})
    assert error(excinfo) == ("InvalidParameterException", "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.")


@pytest.mark.parametrize("stamp, accepted", [
    ("Tue Mar 4 09:05:07 UTC 2025", True),
    ("Tue Mar 04 09:05:07 UTC 2025", False),  # zero-padded day
    ("Wed Mar 4 09:05:07 UTC 2025", False),  # wrong weekday
])
def test_timestamp_is_signed_as_cognito_writes_it(idp, unsigned_idp, pool_id, client_id, monkeypatch, stamp, accepted):
    make_user(idp, pool_id)
    monkeypatch.setattr(AWSSRP, "get_cognito_formatted_timestamp", staticmethod(lambda moment: stamp))
    responses = proof(unsigned_idp, sdk(unsigned_idp, pool_id, client_id))
    assert responses["TIMESTAMP"] == stamp
    if accepted:
        assert "AuthenticationResult" in answer(unsigned_idp, client_id, responses)
        return
    with pytest.raises(ClientError) as excinfo:
        answer(unsigned_idp, client_id, responses)
    assert error(excinfo) == INCORRECT


@pytest.mark.parametrize("missing", ["USERNAME", "PASSWORD_CLAIM_SECRET_BLOCK", "PASSWORD_CLAIM_SIGNATURE", "TIMESTAMP"])
def test_missing_answer_members(idp, unsigned_idp, pool_id, client_id, missing):
    make_user(idp, pool_id)
    responses = proof(unsigned_idp, sdk(unsigned_idp, pool_id, client_id))
    del responses[missing]
    with pytest.raises(ClientError) as excinfo:
        answer(unsigned_idp, client_id, responses)
    assert error(excinfo) == ("InvalidParameterException", f"Missing required parameter {missing}")


# --- refusals at the start -----------------------------------------------------------------

@pytest.mark.parametrize("srp_a", ["0", "00", srp.N_HEX, f"{2 * srp.N:x}", "xyz", "f" * 2000])
def test_unsafe_srp_a_is_refused(idp, unsigned_idp, pool_id, client_id, srp_a):
    make_user(idp, pool_id)
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="USER_SRP_AUTH", AuthParameters={"USERNAME": "alice", "SRP_A": srp_a})
    assert error(excinfo) == ("InvalidParameterException", "Invalid SRP_A value.")


def test_srp_a_is_required(unsigned_idp, client_id):
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="USER_SRP_AUTH", AuthParameters={"USERNAME": "alice"})
    assert error(excinfo) == ("InvalidParameterException", "Missing required parameter SRP_A")


def test_flow_must_be_enabled_for_the_client(idp, unsigned_idp, pool_id):
    password_only = make_client(idp, pool_id)["ClientId"]
    with pytest.raises(ClientError) as excinfo:
        sdk(unsigned_idp, pool_id, password_only).authenticate_user()
    assert error(excinfo) == ("InvalidParameterException", "USER_SRP_AUTH flow not enabled for this client")


def test_unknown_user_is_named_without_prevention(unsigned_idp, pool_id, client_id):
    with pytest.raises(ClientError) as excinfo:
        sdk(unsigned_idp, pool_id, client_id, "nobody").authenticate_user()
    assert error(excinfo) == ("UserNotFoundException", "User does not exist.")


def test_unknown_user_gets_a_plausible_challenge_with_prevention(idp, unsigned_idp, pool_id):
    client_id = make_client(idp, pool_id, ExplicitAuthFlows=SRP_FLOWS, PreventUserExistenceErrors="ENABLED")["ClientId"]
    make_user(idp, pool_id)
    real, _ = start(unsigned_idp, sdk(unsigned_idp, pool_id, client_id))
    first, _ = start(unsigned_idp, sdk(unsigned_idp, pool_id, client_id, "nobody"))
    second, _ = start(unsigned_idp, sdk(unsigned_idp, pool_id, client_id, "nobody"))
    fake = first["ChallengeParameters"]
    assert set(fake) == set(real["ChallengeParameters"]) and fake["USER_ID_FOR_SRP"] == "nobody"
    assert len(fake["SALT"]) == len(real["ChallengeParameters"]["SALT"]) and fake["SALT"] == second["ChallengeParameters"]["SALT"]
    assert fake["SRP_B"] != second["ChallengeParameters"]["SRP_B"]
    with pytest.raises(ClientError) as excinfo:
        sdk(unsigned_idp, pool_id, client_id, "nobody").authenticate_user()
    assert error(excinfo) == INCORRECT


def test_user_states_after_a_right_proof(idp, unsigned_idp, pool_id, client_id):
    make_user(idp, pool_id)
    idp.admin_disable_user(UserPoolId=pool_id, Username="alice")
    with pytest.raises(ClientError) as excinfo:
        sdk(unsigned_idp, pool_id, client_id).authenticate_user()
    assert error(excinfo) == ("NotAuthorizedException", "User is disabled.")
    unsigned_idp.sign_up(ClientId=client_id, Username="dave", Password=PASSWORD)
    with pytest.raises(ClientError) as excinfo:
        sdk(unsigned_idp, pool_id, client_id, "dave").authenticate_user()
    assert error(excinfo) == ("UserNotConfirmedException", "User is not confirmed.")
    with pytest.raises(ClientError) as excinfo:
        sdk(unsigned_idp, pool_id, client_id, "dave", "Wrong#Horse1").authenticate_user()
    assert error(excinfo) == INCORRECT


def test_reset_required_user_is_told_at_the_start(idp, unsigned_idp, pool_id, client_id):
    make_user(idp, pool_id)
    idp.admin_reset_user_password(UserPoolId=pool_id, Username="alice")
    with pytest.raises(ClientError) as excinfo:
        start(unsigned_idp, sdk(unsigned_idp, pool_id, client_id))
    assert error(excinfo) == ("PasswordResetRequiredException", "Password reset required for the user")


def test_srp_verifiers_are_encrypted_at_rest(idp, pool_id):
    """A leaked users table must not hand out verifiers: one SHA-256 and one modexp per guessed
    password is far cheaper than the Argon2 hash."""
    from django.db import connection

    idp.admin_create_user(UserPoolId=pool_id, Username="sealed", TemporaryPassword="Passw0rd!tmp", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool_id, Username="sealed", Password="Passw0rd!real", Permanent=True)
    user = User.objects.get(pool_id=pool_id, username="sealed")
    expected = srp.verifier_for(user.srp_salt, srp.pool_name(pool_id), "sealed", "Passw0rd!real")
    assert user.srp_verifier == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT srp_verifier_sealed FROM userpools_user WHERE id = %s", [user.pk])
        stored = cursor.fetchone()[0]
    assert stored and expected not in stored and f"{int(expected, 16):x}" not in stored
