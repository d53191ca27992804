"""A signed-in user's own account through boto3 (GetUser, UpdateUserAttributes,
DeleteUserAttributes, DeleteUser, ChangePassword, GlobalSignOut) and the /api/v1/me REST
endpoints that run the same operations with a bearer access token."""
import json
import urllib.error
import urllib.request
from unittest import mock

import pytest
from botocore.exceptions import ClientError
from django.utils import timezone

from tests.conftest import error_code
from tests.userpools.mailbox import mailbox  # noqa: F401
from tests.userpools.token_support import PASSWORD, issue, make_client, make_user, public_url, verify  # noqa: F401
from userpools.models import User
from userpools.services.passwords import verify_password
from userpools.services.signin import clock

pytestmark = pytest.mark.django_db(transaction=True)


def attrs(attribute_list) -> dict:
    return {item["Name"]: item["Value"] for item in attribute_list}


def message(excinfo) -> str:
    return excinfo.value.response["Error"]["Message"]


@pytest.fixture
def client_id(idp, pool_id):
    return make_client(idp, pool_id)


@pytest.fixture
def alice(idp, pool_id):
    return make_user(idp, pool_id, attributes=[
        {"Name": "email", "Value": "alice@example.com"},
        {"Name": "email_verified", "Value": "true"},
        {"Name": "name", "Value": "Alice"},
    ])


@pytest.fixture
def access_token(alice, client_id):
    return issue(alice, client_id)["AccessToken"]


# --- the whole life cycle through the real sign-in ------------------------------------------

def test_sign_in_get_user_change_password_and_sign_out(idp, unsigned_idp, public_url, pool_id, client_id, alice):
    def sign_in(password: str) -> dict:
        return unsigned_idp.initiate_auth(
            ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "alice", "PASSWORD": password}
        )["AuthenticationResult"]

    result = sign_in(PASSWORD)
    claims = verify(result["IdToken"], public_url, pool_id, audience=client_id)
    assert claims["cognito:username"] == "alice" and claims["email_verified"] is True
    got = unsigned_idp.get_user(AccessToken=result["AccessToken"])
    assert got["Username"] == "alice"
    assert got["UserAttributes"][0] == {"Name": "sub", "Value": str(alice.sub)}

    unsigned_idp.change_password(AccessToken=result["AccessToken"], PreviousPassword=PASSWORD, ProposedPassword="New-password-9")
    with pytest.raises(ClientError) as excinfo:
        sign_in(PASSWORD)
    assert error_code(excinfo) == "NotAuthorizedException"
    renewed = sign_in("New-password-9")

    refreshed = unsigned_idp.initiate_auth(
        ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": renewed["RefreshToken"]}
    )["AuthenticationResult"]
    assert verify(refreshed["AccessToken"], public_url, pool_id)["origin_jti"] == verify(renewed["AccessToken"], public_url, pool_id)["origin_jti"]

    unsigned_idp.global_sign_out(AccessToken=refreshed["AccessToken"])
    for token in (result["AccessToken"], renewed["AccessToken"], refreshed["AccessToken"]):
        with pytest.raises(ClientError) as excinfo:
            unsigned_idp.get_user(AccessToken=token)
        assert message(excinfo) == "Access Token has been revoked"
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": renewed["RefreshToken"]})
    assert error_code(excinfo) == "NotAuthorizedException"
    assert message(excinfo) == "Refresh Token has been revoked"


# --- GetUser --------------------------------------------------------------------------------

def test_get_user_shows_what_the_client_may_read(idp, unsigned_idp, pool_id, alice):
    narrow = make_client(idp, pool_id, ReadAttributes=["name"])
    got = unsigned_idp.get_user(AccessToken=issue(alice, narrow)["AccessToken"])
    assert attrs(got["UserAttributes"]) == {"sub": str(alice.sub), "name": "Alice"}


# --- UpdateUserAttributes ---------------------------------------------------------------------

def test_update_attributes(unsigned_idp, pool_id, alice, access_token):
    response = unsigned_idp.update_user_attributes(
        AccessToken=access_token, UserAttributes=[{"Name": "name", "Value": "Alice B."}, {"Name": "locale", "Value": "en"}]
    )
    assert response["CodeDeliveryDetailsList"] == []
    stored = attrs(unsigned_idp.get_user(AccessToken=access_token)["UserAttributes"])
    assert stored["name"] == "Alice B." and stored["locale"] == "en" and stored["email_verified"] == "true"


def test_changed_email_is_unverified_and_a_code_is_sent(idp, unsigned_idp, pool_id, mailbox):  # noqa: F811
    auto = idp.create_user_pool(PoolName="auto", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    user = make_user(idp, auto, attributes=[{"Name": "email", "Value": "old@example.com"}, {"Name": "email_verified", "Value": "true"}])
    token = issue(user, make_client(idp, auto))["AccessToken"]
    response = unsigned_idp.update_user_attributes(AccessToken=token, UserAttributes=[{"Name": "email", "Value": "new@example.com"}])
    assert response["CodeDeliveryDetailsList"] == [{"Destination": "n***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}]
    stored = attrs(unsigned_idp.get_user(AccessToken=token)["UserAttributes"])
    assert stored["email"] == "new@example.com" and stored["email_verified"] == "false"
    code = mailbox.last_code("new@example.com")
    unsigned_idp.verify_user_attribute(AccessToken=token, AttributeName="email", Code=code)
    assert attrs(unsigned_idp.get_user(AccessToken=token)["UserAttributes"])["email_verified"] == "true"


def test_changed_email_without_auto_verification_sends_nothing(unsigned_idp, access_token, mailbox):  # noqa: F811
    response = unsigned_idp.update_user_attributes(AccessToken=access_token, UserAttributes=[{"Name": "email", "Value": "alice2@example.com"}])
    assert response["CodeDeliveryDetailsList"] == []
    assert mailbox.mails() == []
    assert attrs(unsigned_idp.get_user(AccessToken=access_token)["UserAttributes"])["email_verified"] == "false"


def test_blank_value_deletes_an_attribute(unsigned_idp, access_token):
    unsigned_idp.update_user_attributes(AccessToken=access_token, UserAttributes=[{"Name": "name", "Value": ""}])
    assert "name" not in attrs(unsigned_idp.get_user(AccessToken=access_token)["UserAttributes"])


@pytest.mark.parametrize(
    "updates, code, text",
    [
        ([{"Name": "email_verified", "Value": "true"}], "NotAuthorizedException", "A client attempted to write unauthorized attribute"),
        (
            [{"Name": "custom:nothere", "Value": "x"}],
            "InvalidParameterException",
            "Attributes did not conform to the schema: Type for attribute {custom:nothere} could not be determined",
        ),
        ([{"Name": "email", "Value": "not-an-email"}], "InvalidParameterException", "Invalid email address format."),
        ([{"Name": "sub", "Value": "x"}], "InvalidParameterException", "user.sub: Attribute cannot be updated."),
    ],
)
def test_update_attribute_errors(unsigned_idp, access_token, updates, code, text):
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.update_user_attributes(AccessToken=access_token, UserAttributes=updates)
    assert error_code(excinfo) == code
    assert message(excinfo) == text


def test_client_write_attributes_limit_updates(idp, unsigned_idp, pool_id, alice):
    token = issue(alice, make_client(idp, pool_id, WriteAttributes=["name"]))["AccessToken"]
    unsigned_idp.update_user_attributes(AccessToken=token, UserAttributes=[{"Name": "name", "Value": "Al"}])
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.update_user_attributes(AccessToken=token, UserAttributes=[{"Name": "name", "Value": "X"}, {"Name": "locale", "Value": "fr"}])
    assert message(excinfo) == "A client attempted to write unauthorized attribute"
    assert attrs(unsigned_idp.get_user(AccessToken=token)["UserAttributes"])["name"] == "Al"  # nothing half-written


def test_alias_taken_by_another_user(idp, unsigned_idp):
    pool = idp.create_user_pool(PoolName="aliases", AliasAttributes=["email"])["UserPool"]["Id"]
    make_user(idp, pool, "bob", [{"Name": "email", "Value": "bob@example.com"}, {"Name": "email_verified", "Value": "true"}])
    carol = make_user(idp, pool, "carol", [{"Name": "email", "Value": "carol@example.com"}, {"Name": "email_verified", "Value": "true"}])
    token = issue(carol, make_client(idp, pool))["AccessToken"]
    unsigned_idp.update_user_attributes(AccessToken=token, UserAttributes=[{"Name": "email", "Value": "bob@example.com"}])
    # Unverified now, so it is no alias yet and does not clash; bob keeps his.
    assert attrs(idp.admin_get_user(UserPoolId=pool, Username="bob")["UserAttributes"])["email_verified"] == "true"


# --- DeleteUserAttributes, DeleteUser -------------------------------------------------------

def test_delete_attributes(unsigned_idp, access_token):
    unsigned_idp.delete_user_attributes(AccessToken=access_token, UserAttributeNames=["name", "email"])
    stored = attrs(unsigned_idp.get_user(AccessToken=access_token)["UserAttributes"])
    assert "name" not in stored and "email" not in stored and "email_verified" not in stored


def test_delete_attribute_errors(idp, unsigned_idp, pool_id, alice, access_token):
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.delete_user_attributes(AccessToken=access_token, UserAttributeNames=["sub"])
    assert error_code(excinfo) == "InvalidParameterException"
    token = issue(alice, make_client(idp, pool_id, WriteAttributes=["name"]))["AccessToken"]
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.delete_user_attributes(AccessToken=token, UserAttributeNames=["email"])
    assert message(excinfo) == "A client attempted to write unauthorized attribute"


def test_delete_user(idp, unsigned_idp, pool_id, access_token):
    unsigned_idp.delete_user(AccessToken=access_token)
    with pytest.raises(ClientError) as excinfo:
        idp.admin_get_user(UserPoolId=pool_id, Username="alice")
    assert error_code(excinfo) == "UserNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.delete_user(AccessToken=access_token)
    assert message(excinfo) == "User does not exist."


# --- ChangePassword -------------------------------------------------------------------------

def test_change_password_errors(idp, unsigned_idp, pool_id, access_token):
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.change_password(AccessToken=access_token, PreviousPassword="Wrong-password-1", ProposedPassword="New-password-9")
    assert error_code(excinfo) == "NotAuthorizedException"
    assert message(excinfo) == "Incorrect username or password."
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.change_password(AccessToken=access_token, PreviousPassword=PASSWORD, ProposedPassword="short")
    assert error_code(excinfo) == "InvalidPasswordException"
    assert message(excinfo) == "Password did not conform with policy: Password not long enough"
    assert verify_password(PASSWORD, User.objects.get(pool_id=pool_id, username="alice").password)


def test_change_password_keeps_other_sessions(unsigned_idp, pool_id, alice, client_id, access_token):
    other = issue(alice, client_id)["AccessToken"]
    unsigned_idp.change_password(AccessToken=access_token, PreviousPassword=PASSWORD, ProposedPassword="New-password-9")
    assert unsigned_idp.get_user(AccessToken=other)["Username"] == "alice"
    stored = User.objects.get(pk=alice.pk)
    assert verify_password("New-password-9", stored.password) and stored.password_set_at is not None


# --- /api/v1/me -----------------------------------------------------------------------------

def call(live_server, method: str, path: str, token: str | None = None, body: dict | None = None) -> tuple[int, dict | None]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{live_server.url}/api/v1/{path}", data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_rest_me(live_server, unsigned_idp, pool_id, alice, client_id, access_token):
    status, body = call(live_server, "GET", "me", access_token)
    assert status == 200 and body["Username"] == "alice" and attrs(body["UserAttributes"])["name"] == "Alice"

    status, body = call(live_server, "PATCH", "me", access_token, {"UserAttributes": [{"Name": "name", "Value": "Ally"}]})
    assert status == 200 and body == {"CodeDeliveryDetailsList": []}
    assert attrs(unsigned_idp.get_user(AccessToken=access_token)["UserAttributes"])["name"] == "Ally"

    status, body = call(live_server, "POST", "me/password", access_token, {"PreviousPassword": PASSWORD, "ProposedPassword": "New-password-9"})
    assert status == 204 and body is None
    assert verify_password("New-password-9", User.objects.get(pk=alice.pk).password)

    status, body = call(live_server, "POST", "me/sign-out", access_token)
    assert status == 204
    status, body = call(live_server, "GET", "me", access_token)
    assert status == 403 and body == {"__type": "NotAuthorizedException", "message": "Access Token has been revoked"}

    fresh = issue(alice, client_id)["AccessToken"]
    assert call(live_server, "DELETE", "me", fresh)[0] == 204
    assert not User.objects.filter(pk=alice.pk).exists()


def test_rest_me_errors(live_server, access_token):
    status, body = call(live_server, "GET", "me")
    assert status == 401 and body["__type"] == "MissingAuthenticationTokenException"
    status, body = call(live_server, "GET", "me", "garbage")
    assert status == 403 and body == {"__type": "NotAuthorizedException", "message": "Invalid Access Token"}
    status, body = call(live_server, "PATCH", "me", access_token, {"AccessToken": "x", "UserAttributes": []})
    assert status == 400 and body["__type"] == "InvalidParameterException"
    status, body = call(live_server, "POST", "me/password", access_token, {"PreviousPassword": PASSWORD})
    assert status == 400 and "proposedPassword" in body["message"]
    status, body = call(live_server, "PUT", "me", access_token, {})
    assert status == 405


def test_wrong_previous_passwords_lead_to_the_attempt_limit(unsigned_idp, pool_id, access_token):
    # The first lock lasts one second: hold the sign-in clock still so a slow run cannot outlast it.
    with mock.patch.object(clock, "now", return_value=timezone.now()):
        for _ in range(5):
            with pytest.raises(ClientError) as excinfo:
                unsigned_idp.change_password(AccessToken=access_token, PreviousPassword="Wrong-password-1", ProposedPassword="New-password-9")
            assert message(excinfo) == "Incorrect username or password."
        with pytest.raises(ClientError) as excinfo:  # locked now, even with the right password
            unsigned_idp.change_password(AccessToken=access_token, PreviousPassword=PASSWORD, ProposedPassword="New-password-9")
    assert error_code(excinfo) == "LimitExceededException"
    assert message(excinfo) == "Attempt limit exceeded, please try after some time."
    stored = User.objects.get(pool_id=pool_id, username="alice")
    assert stored.failed_sign_ins == 5 and verify_password(PASSWORD, stored.password)
