"""GetUserAttributeVerificationCode and VerifyUserAttribute with a signed-in user's access
token, through boto3 against the live server. Codes are read from what users receive."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code, make_client
from tests.userpools.concurrency import error_codes, require_postgresql, run_together, successes
from tests.userpools.mailbox import mailbox  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Secret#Pass1"


def attrs(items) -> dict:
    return {item["Name"]: item["Value"] for item in items}


@pytest.fixture
def pool(idp):
    pool_id = idp.create_user_pool(PoolName="verify", AutoVerifiedAttributes=["email"], AliasAttributes=["email"])["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def signed_in_user(idp, unsigned_idp, pool_id, client_id, username, **contacts) -> str:
    """A confirmed user with unverified contacts; returns an access token."""
    values = [{"Name": name, "Value": value} for name, value in contacts.items()]
    idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS", UserAttributes=values)
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)
    result = unsigned_idp.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD}
    )
    return result["AuthenticationResult"]["AccessToken"]


def test_verify_email_with_mailed_code(idp, unsigned_idp, pool, mailbox):
    pool_id, client_id = pool
    token = signed_in_user(idp, unsigned_idp, pool_id, client_id, "alice", email="alice@example.com")
    details = unsigned_idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="email", ClientMetadata={"k": "v"})
    assert details["CodeDeliveryDetails"] == {"Destination": "a***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    code = mailbox.last_code("alice@example.com")
    unsigned_idp.verify_user_attribute(AccessToken=token, AttributeName="email", Code=code)
    assert attrs(idp.admin_get_user(UserPoolId=pool_id, Username="alice")["UserAttributes"])["email_verified"] == "true"
    # Now a verified alias, the email signs the user in.
    assert idp.admin_get_user(UserPoolId=pool_id, Username="alice@example.com")["Username"] == "alice"
    with pytest.raises(ClientError) as excinfo:  # used up
        unsigned_idp.verify_user_attribute(AccessToken=token, AttributeName="email", Code=code)
    assert error_code(excinfo) == "ExpiredCodeException"


def test_verify_phone_by_text(idp, unsigned_idp, pool, mailbox):
    pool_id, client_id = pool
    token = signed_in_user(idp, unsigned_idp, pool_id, client_id, "bob", phone_number="+15555550142")
    details = unsigned_idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="phone_number")["CodeDeliveryDetails"]
    assert details == {"Destination": "+*******0142", "DeliveryMedium": "SMS", "AttributeName": "phone_number"}
    unsigned_idp.verify_user_attribute(AccessToken=token, AttributeName="phone_number", Code=mailbox.last_code("+15555550142"))
    assert attrs(idp.admin_get_user(UserPoolId=pool_id, Username="bob")["UserAttributes"])["phone_number_verified"] == "true"


def test_wrong_codes_and_attempt_limit(idp, unsigned_idp, pool, mailbox):
    pool_id, client_id = pool
    token = signed_in_user(idp, unsigned_idp, pool_id, client_id, "carol", email="carol@example.com")
    with pytest.raises(ClientError) as excinfo:  # no code asked for
        unsigned_idp.verify_user_attribute(AccessToken=token, AttributeName="email", Code="123456")
    assert error_code(excinfo) == "ExpiredCodeException"
    unsigned_idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    code = mailbox.last_code("carol@example.com")
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    for _ in range(5):
        with pytest.raises(ClientError) as excinfo:
            unsigned_idp.verify_user_attribute(AccessToken=token, AttributeName="email", Code=wrong)
        assert error_code(excinfo) == "CodeMismatchException"
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.verify_user_attribute(AccessToken=token, AttributeName="email", Code=code)
    assert error_code(excinfo) == "LimitExceededException"
    assert attrs(idp.admin_get_user(UserPoolId=pool_id, Username="carol")["UserAttributes"]).get("email_verified") != "true"


def test_a_code_for_one_attribute_does_not_verify_another(idp, unsigned_idp, pool, mailbox):
    pool_id, client_id = pool
    token = signed_in_user(idp, unsigned_idp, pool_id, client_id, "dave", email="dave@example.com", phone_number="+15555550143")
    unsigned_idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.verify_user_attribute(AccessToken=token, AttributeName="phone_number", Code=mailbox.last_code("dave@example.com"))
    assert error_code(excinfo) == "ExpiredCodeException"


def test_invalid_attribute_requests(idp, unsigned_idp, pool):
    pool_id, client_id = pool
    token = signed_in_user(idp, unsigned_idp, pool_id, client_id, "erin", email="erin@example.com")
    for name in ("phone_number", "given_name"):  # no phone number; not a verifiable attribute
        with pytest.raises(ClientError) as excinfo:
            unsigned_idp.get_user_attribute_verification_code(AccessToken=token, AttributeName=name)
        assert error_code(excinfo) == "InvalidParameterException"
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.verify_user_attribute(AccessToken=token, AttributeName="given_name", Code="123456")
    assert error_code(excinfo) == "InvalidParameterException"


def test_bad_and_revoked_access_tokens(idp, unsigned_idp, pool):
    pool_id, client_id = pool
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.get_user_attribute_verification_code(AccessToken="not-a-token", AttributeName="email")
    assert error_code(excinfo) == "NotAuthorizedException"
    token = signed_in_user(idp, unsigned_idp, pool_id, client_id, "fay", email="fay@example.com")
    idp.admin_user_global_sign_out(UserPoolId=pool_id, Username="fay")
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    assert error_code(excinfo) == "NotAuthorizedException"
    assert excinfo.value.response["Error"]["Message"] == "Access Token has been revoked"
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.verify_user_attribute(AccessToken=token, AttributeName="email", Code="123456")
    assert excinfo.value.response["Error"]["Message"] == "Access Token has been revoked"


def test_verifying_an_alias_held_by_another_user(idp, unsigned_idp, pool, mailbox):
    pool_id, client_id = pool
    idp.admin_create_user(
        UserPoolId=pool_id, Username="owner", MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": "same@example.com"}, {"Name": "email_verified", "Value": "true"}],
    )
    token = signed_in_user(idp, unsigned_idp, pool_id, client_id, "gus", email="same@example.com")
    unsigned_idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.verify_user_attribute(AccessToken=token, AttributeName="email", Code=mailbox.last_code("same@example.com"))
    assert error_code(excinfo) == "AliasExistsException"
    assert idp.admin_get_user(UserPoolId=pool_id, Username="same@example.com")["Username"] == "owner"


def test_one_code_sent_twice_at_once_verifies_once(idp, live_server, unsigned_idp, pool, mailbox):
    require_postgresql()
    pool_id, client_id = pool
    token = signed_in_user(idp, unsigned_idp, pool_id, client_id, "hal", email="hal@example.com")
    unsigned_idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    code = mailbox.last_code("hal@example.com")
    clients = [make_client(live_server.url) for _ in range(2)]
    results = run_together([(lambda c=c: c.verify_user_attribute(AccessToken=token, AttributeName="email", Code=code)) for c in clients])
    assert len(successes(results)) == 1
    assert error_codes(results) == ["ExpiredCodeException"]


def test_update_waits_for_verification_when_the_pool_requires_it(idp, unsigned_idp, mailbox):
    pool_id = idp.create_user_pool(
        PoolName="verify-first",
        AutoVerifiedAttributes=["email"],
        UserAttributeUpdateSettings={"AttributesRequireVerificationBeforeUpdate": ["email"]},
    )["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )["UserPoolClient"]["ClientId"]
    token = signed_in_user(idp, unsigned_idp, pool_id, client_id, "erin", email="erin@example.com", email_verified="true")

    response = unsigned_idp.update_user_attributes(AccessToken=token, UserAttributes=[{"Name": "email", "Value": "erin@new.example"}])
    assert response["CodeDeliveryDetailsList"][0]["DeliveryMedium"] == "EMAIL"
    before = attrs(idp.admin_get_user(UserPoolId=pool_id, Username="erin")["UserAttributes"])
    assert before["email"] == "erin@example.com" and before["email_verified"] == "true"  # old value kept, still verified

    unsigned_idp.verify_user_attribute(AccessToken=token, AttributeName="email", Code=mailbox.last_code("erin@new.example"))
    after = attrs(idp.admin_get_user(UserPoolId=pool_id, Username="erin")["UserAttributes"])
    assert after["email"] == "erin@new.example" and after["email_verified"] == "true"
