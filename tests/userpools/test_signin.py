"""InitiateAuth / AdminInitiateAuth: password and refresh flows, their errors, SECRET_HASH,
user-existence errors and the per-source-IP limit."""
import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code
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
from tests.userpools.token_support import public_url, verify  # noqa: F401  (fixture)
from userpools.models import User
from userpools.services.signin import credentials

pytestmark = pytest.mark.django_db(transaction=True)


def error(excinfo) -> tuple[str, str]:
    return error_code(excinfo), excinfo.value.response["Error"]["Message"]


@pytest.fixture
def client_id(idp, pool_id):
    return make_client(idp, pool_id)["ClientId"]


# --- success -------------------------------------------------------------------------------

def test_user_password_auth_returns_tokens(idp, unsigned_idp, pool_id, client_id):
    make_user(idp, pool_id)
    response = sign_in(unsigned_idp, client_id)
    assert response["ChallengeParameters"] == {}
    assert "ChallengeName" not in response and "Session" not in response
    result = response["AuthenticationResult"]
    assert result["TokenType"] == "Bearer" and result["ExpiresIn"] == 3600
    assert result["RefreshToken"]
    access, id_token = claims(result["AccessToken"]), claims(result["IdToken"])
    assert access["token_use"] == "access" and access["username"] == "alice" and access["client_id"] == client_id
    assert id_token["token_use"] == "id" and id_token["cognito:username"] == "alice" and id_token["aud"] == client_id
    assert access["origin_jti"] == id_token["origin_jti"]


def test_signed_in_tokens_verify_against_our_jwks_and_work(idp, unsigned_idp, pool_id, client_id, public_url):
    make_user(idp, pool_id)
    result = sign_in(unsigned_idp, client_id)["AuthenticationResult"]
    access = verify(result["AccessToken"], public_url, pool_id)
    id_claims = verify(result["IdToken"], public_url, pool_id, audience=client_id)
    assert access["sub"] == id_claims["sub"]
    assert unsigned_idp.get_user(AccessToken=result["AccessToken"])["Username"] == "alice"
    refreshed = unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]})
    assert verify(refreshed["AuthenticationResult"]["IdToken"], public_url, pool_id, audience=client_id)["origin_jti"] == id_claims["origin_jti"]


@pytest.mark.parametrize("flow", ["ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"])
def test_admin_password_flows_return_tokens(idp, pool_id, client_id, flow):
    make_user(idp, pool_id)
    response = idp.admin_initiate_auth(
        UserPoolId=pool_id, ClientId=client_id, AuthFlow=flow, AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD}
    )
    assert claims(response["AuthenticationResult"]["AccessToken"])["username"] == "alice"


def test_sign_in_by_email_when_email_is_the_username(idp, unsigned_idp):
    pool_id = idp.create_user_pool(PoolName="by-email", UsernameAttributes=["email"])["UserPool"]["Id"]
    client_id = make_client(idp, pool_id)["ClientId"]
    make_user(idp, pool_id, "Ann@Example.com")
    sub = User.objects.get(pool_id=pool_id).username
    result = sign_in(unsigned_idp, client_id, "Ann@Example.com")["AuthenticationResult"]
    assert claims(result["AccessToken"])["username"] == sub


def test_sign_in_by_verified_alias_and_case_insensitive_username(idp, unsigned_idp):
    pool_id = idp.create_user_pool(
        PoolName="alias", AliasAttributes=["email"], UsernameConfiguration={"CaseSensitive": False}
    )["UserPool"]["Id"]
    client_id = make_client(idp, pool_id)["ClientId"]
    make_user(idp, pool_id, "Bob", attributes={"email": "bob@example.com", "email_verified": "true"})
    assert claims(sign_in(unsigned_idp, client_id, "bob@example.com")["AuthenticationResult"]["AccessToken"])["username"] == "Bob"
    assert claims(sign_in(unsigned_idp, client_id, "BOB")["AuthenticationResult"]["AccessToken"])["username"] == "Bob"


# --- wrong credentials and user states -----------------------------------------------------

def test_wrong_password(idp, unsigned_idp, pool_id, client_id):
    make_user(idp, pool_id)
    with pytest.raises(ClientError) as excinfo:
        sign_in(unsigned_idp, client_id, password="Wrong#Pass1")
    assert error(excinfo) == ("NotAuthorizedException", "Incorrect username or password.")


def test_unknown_user_is_reported_unless_the_client_prevents_it(idp, unsigned_idp, pool_id, client_id):
    with pytest.raises(ClientError) as excinfo:
        sign_in(unsigned_idp, client_id, "nobody")
    assert error(excinfo) == ("UserNotFoundException", "User does not exist.")
    hiding = make_client(idp, pool_id, PreventUserExistenceErrors="ENABLED")["ClientId"]
    with pytest.raises(ClientError) as excinfo:
        sign_in(unsigned_idp, hiding, "nobody")
    assert error(excinfo) == ("NotAuthorizedException", "Incorrect username or password.")


def test_unknown_user_costs_a_password_hash_like_a_known_one(idp, unsigned_idp, pool_id, client_id, monkeypatch):
    make_user(idp, pool_id)
    checked = []
    real = credentials.check_password
    monkeypatch.setattr(credentials, "check_password", lambda password, encoded, **kw: checked.append(encoded) or real(password, encoded, **kw))
    for username in ("alice", "nobody"):
        with pytest.raises(ClientError):
            sign_in(unsigned_idp, client_id, username, "Wrong#Pass1")
    assert len(checked) == 2
    assert checked[0] == User.objects.get(username="alice").password
    assert checked[1].split("$")[0] == checked[0].split("$")[0]  # the dummy hash uses the same hasher


def test_disabled_user(idp, unsigned_idp, pool_id, client_id):
    make_user(idp, pool_id)
    idp.admin_disable_user(UserPoolId=pool_id, Username="alice")
    with pytest.raises(ClientError) as excinfo:
        sign_in(unsigned_idp, client_id)
    assert error(excinfo) == ("NotAuthorizedException", "User is disabled.")
    with pytest.raises(ClientError) as excinfo:  # without the password, nothing about the account is told
        sign_in(unsigned_idp, client_id, password="Wrong#Pass1")
    assert error(excinfo) == ("NotAuthorizedException", "Incorrect username or password.")


def test_unconfirmed_user_is_told_only_after_the_password(idp, unsigned_idp, pool_id, client_id):
    make_user(idp, pool_id)
    User.objects.filter(username="alice").update(status=User.UNCONFIRMED)
    with pytest.raises(ClientError) as excinfo:
        sign_in(unsigned_idp, client_id, password="Wrong#Pass1")
    assert error(excinfo) == ("NotAuthorizedException", "Incorrect username or password.")
    with pytest.raises(ClientError) as excinfo:
        sign_in(unsigned_idp, client_id)
    assert error(excinfo) == ("UserNotConfirmedException", "User is not confirmed.")


def test_reset_required_user(idp, unsigned_idp, pool_id, client_id):
    make_user(idp, pool_id)
    User.objects.filter(username="alice").update(status=User.RESET_REQUIRED)
    with pytest.raises(ClientError) as excinfo:
        sign_in(unsigned_idp, client_id)
    assert error(excinfo) == ("PasswordResetRequiredException", "Password reset required for the user")


# --- flows and parameters ------------------------------------------------------------------

def test_flow_must_be_enabled_for_the_client(idp, unsigned_idp, pool_id):
    make_user(idp, pool_id)
    srp_only = make_client(idp, pool_id, ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["ClientId"]
    with pytest.raises(ClientError) as excinfo:
        sign_in(unsigned_idp, srp_only)
    assert error(excinfo) == ("InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client")
    with pytest.raises(ClientError) as excinfo:
        idp.admin_initiate_auth(
            UserPoolId=pool_id, ClientId=srp_only, AuthFlow="ADMIN_USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD}
        )
    assert error(excinfo) == ("InvalidParameterException", "ADMIN_USER_PASSWORD_AUTH flow not enabled for this client")


def test_legacy_flow_names_enable_password_sign_in(idp, unsigned_idp, pool_id):
    make_user(idp, pool_id)
    legacy = make_client(idp, pool_id, ExplicitAuthFlows=["USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"])["ClientId"]
    assert sign_in(unsigned_idp, legacy)["AuthenticationResult"]["AccessToken"]
    assert idp.admin_initiate_auth(
        UserPoolId=pool_id, ClientId=legacy, AuthFlow="ADMIN_NO_SRP_AUTH", AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD}
    )["AuthenticationResult"]


def test_each_api_refuses_the_others_flows(idp, unsigned_idp, pool_id, client_id):
    make_user(idp, pool_id)
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD})
    assert error(excinfo) == ("InvalidParameterException", "Initiate Auth method not supported.")
    with pytest.raises(ClientError) as excinfo:
        idp.admin_initiate_auth(
            UserPoolId=pool_id, ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD}
        )
    assert error(excinfo) == ("InvalidParameterException", "Initiate Auth method not supported.")


@pytest.mark.parametrize("missing", ["USERNAME", "PASSWORD"])
def test_missing_auth_parameters(unsigned_idp, client_id, missing):
    parameters = {"USERNAME": "alice", "PASSWORD": PASSWORD}
    del parameters[missing]
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=parameters)
    assert error(excinfo) == ("InvalidParameterException", f"Missing required parameter {missing}")


def test_unknown_client_and_client_of_another_pool(idp, unsigned_idp, pool_id, client_id):
    with pytest.raises(ClientError) as excinfo:
        sign_in(unsigned_idp, "nosuchclient0000000000000")
    assert error(excinfo) == ("ResourceNotFoundException", "User pool client nosuchclient0000000000000 does not exist.")
    other_pool = idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    with pytest.raises(ClientError) as excinfo:
        idp.admin_initiate_auth(
            UserPoolId=other_pool, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "a", "PASSWORD": "b"}
        )
    assert error_code(excinfo) == "ResourceNotFoundException"


def test_admin_initiate_auth_needs_a_signature(unsigned_idp, pool_id, client_id):
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.admin_initiate_auth(
            UserPoolId=pool_id, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "a", "PASSWORD": "b"}
        )
    assert error_code(excinfo) == "MissingAuthenticationTokenException"


# --- SECRET_HASH ---------------------------------------------------------------------------

def test_secret_hash_is_required_and_checked(idp, unsigned_idp, pool_id):
    make_user(idp, pool_id)
    client = make_client(idp, pool_id, GenerateSecret=True)
    client_id, secret = client["ClientId"], client["ClientSecret"]
    with pytest.raises(ClientError) as excinfo:
        sign_in(unsigned_idp, client_id)
    assert error(excinfo) == ("NotAuthorizedException", f"Client {client_id} is configured with secret but SECRET_HASH was not received")
    with pytest.raises(ClientError) as excinfo:
        sign_in(unsigned_idp, client_id, SECRET_HASH=secret_hash(secret, "mallory", client_id))
    assert error(excinfo) == ("NotAuthorizedException", f"Unable to verify secret hash for client {client_id}")
    result = sign_in(unsigned_idp, client_id, SECRET_HASH=secret_hash(secret, "alice", client_id))["AuthenticationResult"]
    assert result["AccessToken"]


# --- refresh -------------------------------------------------------------------------------

@pytest.mark.parametrize("flow", ["REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"])
def test_refresh_returns_new_tokens_of_the_same_sign_in(idp, unsigned_idp, pool_id, client_id, flow):
    make_user(idp, pool_id)
    first = sign_in(unsigned_idp, client_id)["AuthenticationResult"]
    response = unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow=flow, AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]})
    result = response["AuthenticationResult"]
    assert "RefreshToken" not in result and response["ChallengeParameters"] == {}
    assert result["AccessToken"] != first["AccessToken"]
    old, new = claims(first["AccessToken"]), claims(result["AccessToken"])
    assert new["origin_jti"] == old["origin_jti"] and new["auth_time"] == old["auth_time"] and new["jti"] != old["jti"]


def test_admin_refresh(idp, unsigned_idp, pool_id, client_id):
    make_user(idp, pool_id)
    refresh_token = sign_in(unsigned_idp, client_id)["AuthenticationResult"]["RefreshToken"]
    result = idp.admin_initiate_auth(
        UserPoolId=pool_id, ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": refresh_token}
    )["AuthenticationResult"]
    assert claims(result["IdToken"])["cognito:username"] == "alice"


def test_refresh_errors(idp, unsigned_idp, pool_id, client_id):
    make_user(idp, pool_id)
    refresh_token = sign_in(unsigned_idp, client_id)["AuthenticationResult"]["RefreshToken"]
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": "not-a-token"})
    assert error(excinfo) == ("NotAuthorizedException", "Invalid Refresh Token")
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={})
    assert error(excinfo) == ("InvalidParameterException", "Missing required parameter REFRESH_TOKEN")
    other_client = make_client(idp, pool_id)["ClientId"]
    with pytest.raises(ClientError) as excinfo:  # a refresh token belongs to its client
        unsigned_idp.initiate_auth(ClientId=other_client, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": refresh_token})
    assert error(excinfo) == ("NotAuthorizedException", "Invalid Refresh Token")
    idp.admin_disable_user(UserPoolId=pool_id, Username="alice")
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": refresh_token})
    assert error_code(excinfo) == "NotAuthorizedException"


def test_refresh_secret_hash_uses_the_token_users_username(idp, unsigned_idp):
    pool_id = idp.create_user_pool(PoolName="by-email", UsernameAttributes=["email"])["UserPool"]["Id"]
    client = make_client(idp, pool_id, GenerateSecret=True)
    client_id, secret = client["ClientId"], client["ClientSecret"]
    make_user(idp, pool_id, "ann@example.com")
    sub = User.objects.get(pool_id=pool_id).username
    signed_in = sign_in(unsigned_idp, client_id, "ann@example.com", SECRET_HASH=secret_hash(secret, "ann@example.com", client_id))
    refresh_token = signed_in["AuthenticationResult"]["RefreshToken"]

    def refresh(**extra):
        return unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": refresh_token, **extra})

    with pytest.raises(ClientError) as excinfo:
        refresh()
    assert error(excinfo) == ("NotAuthorizedException", f"Client {client_id} is configured with secret but SECRET_HASH was not received")
    with pytest.raises(ClientError) as excinfo:
        refresh(SECRET_HASH=secret_hash(secret, "someone-else", client_id))
    assert error(excinfo) == ("NotAuthorizedException", f"Unable to verify secret hash for client {client_id}")
    assert refresh(SECRET_HASH=secret_hash(secret, sub, client_id))["AuthenticationResult"]["AccessToken"]


# --- per-source-IP limit -------------------------------------------------------------------

def test_failures_from_one_address_are_throttled_across_users(idp, unsigned_idp, pool_id, client_id, settings, fake_clock):
    settings.SIGN_IN_IP_FAILURE_LIMIT = 3
    settings.SIGN_IN_IP_WINDOW_SECONDS = 60
    make_user(idp, pool_id)
    for username in ("bob", "carol", "alice"):  # spraying: unknown and known users alike count
        with pytest.raises(ClientError) as excinfo:
            sign_in(unsigned_idp, client_id, username, "Spring#2024")
        assert error_code(excinfo) in ("UserNotFoundException", "NotAuthorizedException")
    with pytest.raises(ClientError) as excinfo:  # now even the right password is refused
        sign_in(unsigned_idp, client_id)
    assert error_code(excinfo) == "TooManyRequestsException"
    # Signed admin calls come from the app's backend and are not throttled by address.
    assert idp.admin_initiate_auth(
        UserPoolId=pool_id, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD}
    )["AuthenticationResult"]
    fake_clock.advance(seconds=60)
    assert sign_in(unsigned_idp, client_id)["AuthenticationResult"]["AccessToken"]


def test_successes_do_not_count_towards_the_address_limit(idp, unsigned_idp, pool_id, client_id, settings):
    settings.SIGN_IN_IP_FAILURE_LIMIT = 2
    make_user(idp, pool_id)
    for _ in range(4):
        assert sign_in(unsigned_idp, client_id)["AuthenticationResult"]
