"""NEW_PASSWORD_REQUIRED through RespondToAuthChallenge / AdminRespondToAuthChallenge: challenge
parameters, required attributes, the Session (opaque, bound, expiring, one use) and temporary
password expiry."""
import json

import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code
from tests.conftest import make_client as make_boto_client
from tests.userpools.concurrency import require_postgresql, run_together, successes
from tests.userpools.signin_support import (  # noqa: F401  (fixtures)
    PASSWORD,
    _fresh_throttle_counters,
    claims,
    fake_clock,
    make_client,
    make_user,
    secret_hash,
    sign_in,
)
from userpools.models import User, UserAttribute

pytestmark = pytest.mark.django_db(transaction=True)
TEMPORARY = "Temp#Pass1"
NEW = "Brand#New2pass"


def error(excinfo) -> tuple[str, str]:
    return error_code(excinfo), excinfo.value.response["Error"]["Message"]


@pytest.fixture
def client_id(idp, pool_id):
    make_user(idp, pool_id, password=None, attributes={"email": "alice@example.com", "email_verified": "true"})
    return make_client(idp, pool_id)["ClientId"]


def challenge(idp, client_id, username="alice") -> dict:
    return sign_in(idp, client_id, username, TEMPORARY)


def answer(idp, client_id, session, username="alice", **responses):
    responses = {"USERNAME": username, "NEW_PASSWORD": NEW, **responses}
    return idp.respond_to_auth_challenge(ClientId=client_id, ChallengeName="NEW_PASSWORD_REQUIRED", Session=session, ChallengeResponses=responses)


def test_temporary_password_yields_the_challenge(unsigned_idp, client_id):
    response = challenge(unsigned_idp, client_id)
    assert response["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert "AuthenticationResult" not in response
    parameters = response["ChallengeParameters"]
    assert parameters["USER_ID_FOR_SRP"] == "alice"
    assert json.loads(parameters["requiredAttributes"]) == []
    assert json.loads(parameters["userAttributes"]) == {"email": "alice@example.com", "email_verified": "true"}
    assert 20 <= len(response["Session"]) <= 4096
    assert "alice" not in response["Session"]


def test_answering_sets_the_password_confirms_and_signs_in(idp, unsigned_idp, pool_id, client_id):
    session = challenge(unsigned_idp, client_id)["Session"]
    response = answer(unsigned_idp, client_id, session)
    result = response["AuthenticationResult"]
    assert response["ChallengeParameters"] == {} and "ChallengeName" not in response
    assert claims(result["AccessToken"])["username"] == "alice" and result["RefreshToken"]
    assert idp.admin_get_user(UserPoolId=pool_id, Username="alice")["UserStatus"] == "CONFIRMED"
    assert sign_in(unsigned_idp, client_id, password=NEW)["AuthenticationResult"]
    with pytest.raises(ClientError) as excinfo:
        sign_in(unsigned_idp, client_id, password=TEMPORARY)
    assert error(excinfo) == ("NotAuthorizedException", "Incorrect username or password.")


def test_admin_respond_to_auth_challenge(idp, pool_id, client_id):
    started = idp.admin_initiate_auth(
        UserPoolId=pool_id, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "alice", "PASSWORD": TEMPORARY}
    )
    assert started["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    response = idp.admin_respond_to_auth_challenge(
        UserPoolId=pool_id, ClientId=client_id, ChallengeName="NEW_PASSWORD_REQUIRED", Session=started["Session"],
        ChallengeResponses={"USERNAME": "alice", "NEW_PASSWORD": NEW},
    )
    assert claims(response["AuthenticationResult"]["IdToken"])["cognito:username"] == "alice"


def test_missing_required_attribute_must_be_supplied(idp, unsigned_idp):
    pool_id = idp.create_user_pool(
        PoolName="required", Schema=[{"Name": "name", "AttributeDataType": "String", "Required": True, "Mutable": True}]
    )["UserPool"]["Id"]
    client_id = make_client(idp, pool_id)["ClientId"]
    make_user(idp, pool_id, password=None, attributes={"name": "Alice"})
    UserAttribute.objects.filter(name="name").delete()  # as for a user imported without it
    response = challenge(unsigned_idp, client_id)
    assert json.loads(response["ChallengeParameters"]["requiredAttributes"]) == ["userAttributes.name"]
    with pytest.raises(ClientError) as excinfo:
        answer(unsigned_idp, client_id, response["Session"])
    assert error(excinfo) == ("InvalidParameterException", "Invalid attributes given, name is missing")
    assert User.objects.get(username="alice").status == User.FORCE_CHANGE_PASSWORD  # nothing half-done
    result = answer(unsigned_idp, client_id, response["Session"], **{"userAttributes.name": "Alice A."})["AuthenticationResult"]
    assert claims(result["IdToken"])["name"] == "Alice A."


def test_changed_email_in_the_answer_is_unverified(idp, unsigned_idp, pool_id, client_id):
    session = challenge(unsigned_idp, client_id)["Session"]
    answer(unsigned_idp, client_id, session, **{"userAttributes.email": "new@example.com"})
    attributes = {a["Name"]: a["Value"] for a in idp.admin_get_user(UserPoolId=pool_id, Username="alice")["UserAttributes"]}
    assert attributes["email"] == "new@example.com" and attributes["email_verified"] == "false"


def test_client_may_write_only_its_write_attributes(idp, unsigned_idp, pool_id, client_id):
    limited = make_client(idp, pool_id, WriteAttributes=["name"])["ClientId"]
    session = challenge(unsigned_idp, limited)["Session"]
    with pytest.raises(ClientError) as excinfo:
        answer(unsigned_idp, limited, session, **{"userAttributes.email": "x@example.com"})
    assert error(excinfo) == ("NotAuthorizedException", "A client attempted to write unauthorized attribute")


def test_new_password_must_follow_the_policy_and_be_given(unsigned_idp, client_id):
    session = challenge(unsigned_idp, client_id)["Session"]
    with pytest.raises(ClientError) as excinfo:
        answer(unsigned_idp, client_id, session, NEW_PASSWORD="short")
    assert error_code(excinfo) == "InvalidPasswordException"
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.respond_to_auth_challenge(
            ClientId=client_id, ChallengeName="NEW_PASSWORD_REQUIRED", Session=session, ChallengeResponses={"USERNAME": "alice"}
        )
    assert error(excinfo) == ("InvalidParameterException", "Missing required parameter NEW_PASSWORD")
    assert answer(unsigned_idp, client_id, session)["AuthenticationResult"]  # the session survives a refused answer


# --- the Session -----------------------------------------------------------------------------

def test_forged_or_missing_session(unsigned_idp, client_id):
    with pytest.raises(ClientError) as excinfo:
        answer(unsigned_idp, client_id, "x" * 64)
    assert error(excinfo) == ("NotAuthorizedException", "Invalid session for the user.")
    session = challenge(unsigned_idp, client_id)["Session"]
    tampered = session[:40] + ("A" if session[40] != "A" else "B") + session[41:]
    with pytest.raises(ClientError) as excinfo:
        answer(unsigned_idp, client_id, tampered)
    assert error(excinfo) == ("NotAuthorizedException", "Invalid session for the user.")
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.respond_to_auth_challenge(
            ClientId=client_id, ChallengeName="NEW_PASSWORD_REQUIRED", ChallengeResponses={"USERNAME": "alice", "NEW_PASSWORD": NEW}
        )
    assert error(excinfo) == ("InvalidParameterException", "Missing required parameter Session")


def test_session_expires_after_the_clients_auth_session_validity(idp, unsigned_idp, pool_id, client_id, fake_clock):
    session = challenge(unsigned_idp, client_id)["Session"]
    fake_clock.advance(minutes=3, seconds=1)  # AuthSessionValidity defaults to 3 minutes
    with pytest.raises(ClientError) as excinfo:
        answer(unsigned_idp, client_id, session)
    assert error(excinfo) == ("NotAuthorizedException", "Invalid session for the user, session is expired.")
    patient = make_client(idp, pool_id, AuthSessionValidity=15)["ClientId"]
    session = challenge(unsigned_idp, patient)["Session"]
    fake_clock.advance(minutes=14)
    assert answer(unsigned_idp, patient, session)["AuthenticationResult"]


def test_session_is_bound_to_client_user_api_and_challenge(idp, unsigned_idp, pool_id, client_id):
    make_user(idp, pool_id, "bob", password=None)
    session = challenge(unsigned_idp, client_id)["Session"]
    other_client = make_client(idp, pool_id)["ClientId"]
    with pytest.raises(ClientError) as excinfo:
        answer(unsigned_idp, other_client, session)
    assert error(excinfo) == ("NotAuthorizedException", "Invalid session for the user.")
    with pytest.raises(ClientError) as excinfo:
        answer(unsigned_idp, client_id, session, username="bob")
    assert error(excinfo) == ("NotAuthorizedException", "Invalid session for the user.")
    with pytest.raises(ClientError) as excinfo:
        idp.admin_respond_to_auth_challenge(
            UserPoolId=pool_id, ClientId=client_id, ChallengeName="NEW_PASSWORD_REQUIRED", Session=session,
            ChallengeResponses={"USERNAME": "alice", "NEW_PASSWORD": NEW},
        )
    assert error(excinfo) == ("NotAuthorizedException", "Invalid session for the user.")
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.respond_to_auth_challenge(
            ClientId=client_id, ChallengeName="SMS_MFA", Session=session, ChallengeResponses={"USERNAME": "alice", "SMS_MFA_CODE": "123456"}
        )
    assert error(excinfo) == ("NotAuthorizedException", "Invalid session for the user.")  # a session for another challenge


def test_session_answers_once(unsigned_idp, client_id):
    session = challenge(unsigned_idp, client_id)["Session"]
    assert answer(unsigned_idp, client_id, session)["AuthenticationResult"]
    with pytest.raises(ClientError) as excinfo:
        answer(unsigned_idp, client_id, session, NEW_PASSWORD="Another#Pass3")
    assert error(excinfo) == ("NotAuthorizedException", "Invalid session for the user.")


def test_two_answers_at_the_same_instant_succeed_once(live_server, unsigned_idp, client_id):
    require_postgresql()
    session = challenge(unsigned_idp, client_id)["Session"]
    calls = [
        lambda password=f"Racing#Pass{i}": answer(make_boto_client(live_server.url), client_id, session, NEW_PASSWORD=password)
        for i in range(4)
    ]
    results = run_together(calls)
    assert len(successes(results)) == 1
    assert [r.response["Error"]["Message"] for r in results if isinstance(r, ClientError)] == ["Invalid session for the user."] * 3


def test_secret_hash_is_needed_in_the_answer(idp, unsigned_idp, pool_id, client_id):
    client = make_client(idp, pool_id, GenerateSecret=True)
    secret_client, secret = client["ClientId"], client["ClientSecret"]
    session = sign_in(unsigned_idp, secret_client, "alice", TEMPORARY, SECRET_HASH=secret_hash(secret, "alice", secret_client))["Session"]
    with pytest.raises(ClientError) as excinfo:
        answer(unsigned_idp, secret_client, session)
    assert error_code(excinfo) == "NotAuthorizedException"
    assert answer(unsigned_idp, secret_client, session, SECRET_HASH=secret_hash(secret, "alice", secret_client))["AuthenticationResult"]


# --- temporary password expiry -------------------------------------------------------------

def test_temporary_password_expires(idp, unsigned_idp, fake_clock):
    pool_id = idp.create_user_pool(PoolName="short", Policies={"PasswordPolicy": {"MinimumLength": 8, "TemporaryPasswordValidityDays": 1}})["UserPool"]["Id"]
    client_id = make_client(idp, pool_id)["ClientId"]
    make_user(idp, pool_id, password=None)
    fake_clock.advance(hours=23)
    assert challenge(unsigned_idp, client_id)["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    fake_clock.advance(hours=2)
    with pytest.raises(ClientError) as excinfo:
        challenge(unsigned_idp, client_id)
    assert error(excinfo) == ("NotAuthorizedException", "Temporary password has expired and must be reset by an administrator.")
    # An administrator's new temporary password starts a new period.
    idp.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password=TEMPORARY, Permanent=False)
    User.objects.filter(username="alice").update(password_set_at=fake_clock.now())
    assert challenge(unsigned_idp, client_id)["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
