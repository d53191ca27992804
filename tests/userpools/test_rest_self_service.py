"""The user-facing REST routes: an app's whole password life cycle without SigV4 or boto3."""
import pytest

from tests.userpools.mailbox import mailbox  # noqa: F401  (fixture)
from tests.userpools.test_account import call

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Str0ng-passw0rd!"


@pytest.fixture
def app_client(idp):
    pool_id = idp.create_user_pool(PoolName="rest-app", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    client = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="web", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )["UserPoolClient"]
    return client["ClientId"]


def test_sign_up_confirm_sign_in_and_me(live_server, app_client, mailbox):  # noqa: F811
    base = f"clients/{app_client}"
    status, body = call(live_server, "POST", f"{base}/sign-up", body={
        "Username": "carol", "Password": PASSWORD, "UserAttributes": [{"Name": "email", "Value": "carol@example.com"}],
    })
    assert status == 201 and body["UserConfirmed"] is False
    assert body["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"

    code = mailbox.last_code("carol@example.com")
    status, _ = call(live_server, "POST", f"{base}/confirm-sign-up", body={"Username": "carol", "ConfirmationCode": code})
    assert status == 204

    status, body = call(live_server, "POST", f"{base}/initiate-auth", body={
        "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "carol", "PASSWORD": PASSWORD},
    })
    assert status == 200
    access_token = body["AuthenticationResult"]["AccessToken"]

    status, body = call(live_server, "GET", "me", access_token)
    assert status == 200 and body["Username"] == "carol"


def test_public_routes_answer_with_cognito_errors(live_server, app_client):
    base = f"clients/{app_client}"
    status, body = call(live_server, "POST", f"{base}/initiate-auth", body={
        "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "nobody", "PASSWORD": PASSWORD},
    })
    assert status in (403, 404) and body["__type"] in ("UserNotFoundException", "NotAuthorizedException")
    status, body = call(live_server, "POST", "clients/nosuchclient/sign-up", body={"Username": "x", "Password": PASSWORD})
    assert status == 404 and body["__type"] == "ResourceNotFoundException"
    status, body = call(live_server, "POST", f"{base}/sign-up", body={"Username": "x"})
    assert status == 400 and "password" in body["message"]
    status, body = call(live_server, "POST", f"{base}/sign-up", body={"ClientId": "other", "Username": "x", "Password": PASSWORD})
    assert status == 400 and body["__type"] == "InvalidParameterException"
