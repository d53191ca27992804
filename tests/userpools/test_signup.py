"""SignUp, ConfirmSignUp and ResendConfirmationCode through boto3 against the live server.
Codes are read from what users receive (file mail backend, file SMS sender)."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError
from django.utils import timezone

from tests.conftest import error_code, make_client
from tests.userpools.concurrency import (
    error_codes,
    require_postgresql,
    run_together,
    successes,
)
from tests.userpools.mailbox import mailbox  # noqa: F401  (fixture)
from userpools.domain.client_auth import secret_hash

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Secret#Pass1"


def make_pool(idp, **settings) -> str:
    settings.setdefault("AutoVerifiedAttributes", ["email"])
    return idp.create_user_pool(PoolName="signup", **settings)["UserPool"]["Id"]


def make_client_id(idp, pool_id, **settings) -> str:
    return idp.create_user_pool_client(UserPoolId=pool_id, ClientName="app", **settings)["UserPoolClient"]["ClientId"]


def attrs(items) -> dict:
    return {item["Name"]: item["Value"] for item in items}


def sign_up(unsigned_idp, client_id, username, email=None, phone=None, **extra):
    attributes = []
    if email:
        attributes.append({"Name": "email", "Value": email})
    if phone:
        attributes.append({"Name": "phone_number", "Value": phone})
    return unsigned_idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD, UserAttributes=attributes, **extra)


@pytest.fixture
def pool(idp):
    pool_id = make_pool(idp)
    return pool_id, make_client_id(idp, pool_id)


def test_sign_up_mails_a_code_that_confirms_the_user(idp, unsigned_idp, pool, mailbox):
    pool_id, client_id = pool
    response = sign_up(unsigned_idp, client_id, "alice", "alice@example.com", ValidationData=[{"Name": "k", "Value": "v"}], ClientMetadata={"a": "b"})
    assert response["UserConfirmed"] is False
    assert uuid.UUID(response["UserSub"])
    assert response["CodeDeliveryDetails"] == {"Destination": "a***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    user = idp.admin_get_user(UserPoolId=pool_id, Username="alice")
    assert user["UserStatus"] == "UNCONFIRMED"
    assert attrs(user["UserAttributes"])["sub"] == response["UserSub"]
    assert "email_verified" not in attrs(user["UserAttributes"])

    [mail] = mailbox.mails("alice@example.com")
    assert mail["Subject"] == "Your verification code"
    code = mailbox.last_code("alice@example.com")
    assert mail.get_payload() == f"Your verification code is {code}."

    assert unsigned_idp.confirm_sign_up(ClientId=client_id, Username="alice", ConfirmationCode=code)["ResponseMetadata"]["HTTPStatusCode"] == 200
    user = idp.admin_get_user(UserPoolId=pool_id, Username="alice")
    assert user["UserStatus"] == "CONFIRMED"
    assert attrs(user["UserAttributes"])["email_verified"] == "true"


def test_without_auto_verification_no_code_is_sent(idp, unsigned_idp, mailbox):
    pool_id = idp.create_user_pool(PoolName="plain")["UserPool"]["Id"]
    client_id = make_client_id(idp, pool_id)
    response = sign_up(unsigned_idp, client_id, "bob", "bob@example.com")
    assert response["UserConfirmed"] is False and "CodeDeliveryDetails" not in response
    assert mailbox.mails() == []
    assert idp.admin_get_user(UserPoolId=pool_id, Username="bob")["UserStatus"] == "UNCONFIRMED"
    with pytest.raises(ClientError) as excinfo:  # nothing to resend either
        unsigned_idp.resend_confirmation_code(ClientId=client_id, Username="bob")
    assert error_code(excinfo) == "InvalidParameterException"


def test_phone_wins_when_both_are_auto_verified(idp, unsigned_idp, mailbox):
    pool_id = make_pool(idp, AutoVerifiedAttributes=["email", "phone_number"], SmsVerificationMessage="Code: {####}")
    client_id = make_client_id(idp, pool_id)
    response = sign_up(unsigned_idp, client_id, "carol", "carol@example.com", "+15555550123")
    assert response["CodeDeliveryDetails"] == {"Destination": "+*******0123", "DeliveryMedium": "SMS", "AttributeName": "phone_number"}
    assert mailbox.mails() == []
    [text] = mailbox.texts("+15555550123")
    assert text["message"].startswith("Code: ")
    unsigned_idp.confirm_sign_up(ClientId=client_id, Username="carol", ConfirmationCode=mailbox.last_code("+15555550123"))
    values = attrs(idp.admin_get_user(UserPoolId=pool_id, Username="carol")["UserAttributes"])
    assert values["phone_number_verified"] == "true" and "email_verified" not in values


def test_pool_templates_shape_the_message(idp, unsigned_idp, mailbox):
    template = {"EmailSubject": "Welcome", "EmailMessage": "Hi {username}, your code is {####}", "DefaultEmailOption": "CONFIRM_WITH_CODE"}
    pool_id = make_pool(idp, VerificationMessageTemplate=template)
    client_id = make_client_id(idp, pool_id)
    sign_up(unsigned_idp, client_id, "dave", "dave@example.com")
    [mail] = mailbox.mails("dave@example.com")
    assert mail["Subject"] == "Welcome"
    assert mail.get_payload() == f"Hi dave, your code is {mailbox.last_code('dave@example.com')}"

    legacy_pool = make_pool(idp, EmailVerificationSubject="Legacy subject", EmailVerificationMessage="Legacy {####}")
    sign_up(unsigned_idp, make_client_id(idp, legacy_pool), "erin", "erin@example.com")
    [mail] = mailbox.mails("erin@example.com")
    assert mail["Subject"] == "Legacy subject" and mail.get_payload().startswith("Legacy ")


@pytest.mark.parametrize(
    "change, expected_type, expected_message",
    [
        ({"Password": "short"}, "InvalidPasswordException", "Password did not conform with policy: Password not long enough"),
        ({"UserAttributes": [{"Name": "email_verified", "Value": "true"}]}, "NotAuthorizedException", "A client attempted to write unauthorized attribute"),
        ({"UserAttributes": [{"Name": "email", "Value": "not-an-email"}]}, "InvalidParameterException", "Invalid email address format."),
        ({"UserAttributes": [{"Name": "custom:nope", "Value": "x"}]}, "InvalidParameterException", None),
    ],
)
def test_invalid_sign_ups_are_refused_and_leave_nothing(idp, unsigned_idp, pool, mailbox, change, expected_type, expected_message):
    pool_id, client_id = pool
    request = {"ClientId": client_id, "Username": "frank", "Password": PASSWORD, **change}
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.sign_up(**request)
    assert error_code(excinfo) == expected_type
    if expected_message:
        assert excinfo.value.response["Error"]["Message"] == expected_message
    assert idp.list_users(UserPoolId=pool_id)["Users"] == []
    assert mailbox.mails() == []


def test_required_attribute_missing(idp, unsigned_idp):
    pool_id = make_pool(idp, Schema=[{"Name": "email", "Required": True}])
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.sign_up(ClientId=make_client_id(idp, pool_id), Username="gus", Password=PASSWORD)
    assert error_code(excinfo) == "InvalidParameterException"
    assert "email: The attribute is required" in excinfo.value.response["Error"]["Message"]


def test_duplicate_and_case_insensitive_usernames(idp, unsigned_idp, mailbox):
    pool_id = make_pool(idp, UsernameConfiguration={"CaseSensitive": False})
    client_id = make_client_id(idp, pool_id)
    sign_up(unsigned_idp, client_id, "Hank", "hank@example.com")
    with pytest.raises(ClientError) as excinfo:
        sign_up(unsigned_idp, client_id, "hank", "other@example.com")
    assert error_code(excinfo) == "UsernameExistsException"
    assert excinfo.value.response["Error"]["Message"] == "User already exists"
    code = mailbox.last_code("hank@example.com")
    unsigned_idp.confirm_sign_up(ClientId=client_id, Username="HANK", ConfirmationCode=code)
    assert idp.admin_get_user(UserPoolId=pool_id, Username="hank")["UserStatus"] == "CONFIRMED"


def test_email_as_username(idp, unsigned_idp, mailbox):
    pool_id = make_pool(idp, UsernameAttributes=["email"])
    client_id = make_client_id(idp, pool_id)
    response = unsigned_idp.sign_up(ClientId=client_id, Username="ivy@example.com", Password=PASSWORD)
    user = idp.admin_get_user(UserPoolId=pool_id, Username="ivy@example.com")
    assert user["Username"] == response["UserSub"]
    assert attrs(user["UserAttributes"])["email"] == "ivy@example.com"
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.sign_up(ClientId=client_id, Username="ivy@example.com", Password=PASSWORD)
    assert error_code(excinfo) == "UsernameExistsException"
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.sign_up(ClientId=client_id, Username="ivy", Password=PASSWORD)
    assert excinfo.value.response["Error"]["Message"] == "Username should be an email."
    unsigned_idp.confirm_sign_up(ClientId=client_id, Username="ivy@example.com", ConfirmationCode=mailbox.last_code("ivy@example.com"))
    assert idp.admin_get_user(UserPoolId=pool_id, Username="ivy@example.com")["UserStatus"] == "CONFIRMED"


def test_admin_only_pool_refuses_sign_up(idp, unsigned_idp):
    pool_id = make_pool(idp, AdminCreateUserConfig={"AllowAdminCreateUserOnly": True})
    with pytest.raises(ClientError) as excinfo:
        sign_up(unsigned_idp, make_client_id(idp, pool_id), "jack", "jack@example.com")
    assert error_code(excinfo) == "NotAuthorizedException"
    assert excinfo.value.response["Error"]["Message"] == "SignUp is not permitted for this user pool"


def test_unknown_client(unsigned_idp):
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.sign_up(ClientId="nosuchclient", Username="kim", Password=PASSWORD)
    assert error_code(excinfo) == "ResourceNotFoundException"


def test_secret_hash_is_required_for_clients_with_a_secret(idp, unsigned_idp, mailbox):
    pool_id = make_pool(idp)
    client = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="secret", GenerateSecret=True)["UserPoolClient"]
    client_id, secret = client["ClientId"], client["ClientSecret"]
    with pytest.raises(ClientError) as excinfo:
        sign_up(unsigned_idp, client_id, "lee", "lee@example.com")
    assert error_code(excinfo) == "NotAuthorizedException"
    assert excinfo.value.response["Error"]["Message"] == f"Client {client_id} is configured with secret but SECRET_HASH was not received"
    with pytest.raises(ClientError) as excinfo:
        sign_up(unsigned_idp, client_id, "lee", "lee@example.com", SecretHash=secret_hash(secret, "other", client_id))
    assert excinfo.value.response["Error"]["Message"] == f"Unable to verify secret hash for client {client_id}"
    good = secret_hash(secret, "lee", client_id)
    sign_up(unsigned_idp, client_id, "lee", "lee@example.com", SecretHash=good)
    with pytest.raises(ClientError) as excinfo:  # confirming needs it too
        unsigned_idp.confirm_sign_up(ClientId=client_id, Username="lee", ConfirmationCode=mailbox.last_code("lee@example.com"))
    assert error_code(excinfo) == "NotAuthorizedException"
    unsigned_idp.confirm_sign_up(ClientId=client_id, Username="lee", ConfirmationCode=mailbox.last_code("lee@example.com"), SecretHash=good)


def test_wrong_codes_are_counted_then_the_code_is_locked(idp, unsigned_idp, pool, mailbox):
    pool_id, client_id = pool
    sign_up(unsigned_idp, client_id, "mia", "mia@example.com")
    code = mailbox.last_code("mia@example.com")
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    for _ in range(5):
        with pytest.raises(ClientError) as excinfo:
            unsigned_idp.confirm_sign_up(ClientId=client_id, Username="mia", ConfirmationCode=wrong)
        assert error_code(excinfo) == "CodeMismatchException"
        assert excinfo.value.response["Error"]["Message"] == "Invalid verification code provided, please try again."
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.confirm_sign_up(ClientId=client_id, Username="mia", ConfirmationCode=code)
    assert error_code(excinfo) == "LimitExceededException"
    assert excinfo.value.response["Error"]["Message"] == "Attempt limit exceeded, please try after some time."
    # A new code starts afresh.
    unsigned_idp.resend_confirmation_code(ClientId=client_id, Username="mia")
    unsigned_idp.confirm_sign_up(ClientId=client_id, Username="mia", ConfirmationCode=mailbox.last_code("mia@example.com"))
    assert idp.admin_get_user(UserPoolId=pool_id, Username="mia")["UserStatus"] == "CONFIRMED"


def test_a_code_works_once(unsigned_idp, pool, mailbox):
    _, client_id = pool
    sign_up(unsigned_idp, client_id, "ned", "ned@example.com")
    code = mailbox.last_code("ned@example.com")
    unsigned_idp.confirm_sign_up(ClientId=client_id, Username="ned", ConfirmationCode=code)
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.confirm_sign_up(ClientId=client_id, Username="ned", ConfirmationCode=code)
    assert error_code(excinfo) == "NotAuthorizedException"
    assert excinfo.value.response["Error"]["Message"] == "User cannot be confirmed. Current status is CONFIRMED"


def test_expired_code(unsigned_idp, pool, mailbox):
    from userpools.models import VerificationCode

    _, client_id = pool
    sign_up(unsigned_idp, client_id, "olga", "olga@example.com")
    code = mailbox.last_code("olga@example.com")
    # Time passes: a day later the code has expired (only the clock is changed here).
    VerificationCode.objects.filter(user__username="olga").update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.confirm_sign_up(ClientId=client_id, Username="olga", ConfirmationCode=code)
    assert error_code(excinfo) == "ExpiredCodeException"
    assert excinfo.value.response["Error"]["Message"] == "Invalid code provided, please request a code again."


def test_sign_up_code_lasts_a_day(unsigned_idp, pool, mailbox):
    from userpools.models import VerificationCode

    _, client_id = pool
    sign_up(unsigned_idp, client_id, "pia", "pia@example.com")
    row = VerificationCode.objects.get(user__username="pia")
    assert timedelta(hours=23, minutes=59) < row.expires_at - timezone.now() <= timedelta(hours=24)
    assert mailbox.last_code("pia@example.com") not in row.code_hash  # stored hashed


def test_unknown_user_on_confirm_and_resend(idp, unsigned_idp, mailbox):
    pool_id = make_pool(idp)
    legacy = make_client_id(idp, pool_id)
    hiding = make_client_id(idp, pool_id, PreventUserExistenceErrors="ENABLED")
    for call in (
        lambda c: unsigned_idp.confirm_sign_up(ClientId=c, Username="nobody", ConfirmationCode="123456"),
        lambda c: unsigned_idp.resend_confirmation_code(ClientId=c, Username="nobody"),
    ):
        with pytest.raises(ClientError) as excinfo:
            call(legacy)
        assert error_code(excinfo) == "UserNotFoundException"
        assert excinfo.value.response["Error"]["Message"] == "Username/client id combination not found."
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.confirm_sign_up(ClientId=hiding, Username="nobody", ConfirmationCode="123456")
    assert error_code(excinfo) == "CodeMismatchException"
    first = unsigned_idp.resend_confirmation_code(ClientId=hiding, Username="nobody")["CodeDeliveryDetails"]
    again = unsigned_idp.resend_confirmation_code(ClientId=hiding, Username="nobody")["CodeDeliveryDetails"]
    assert first == again and first["DeliveryMedium"] == "EMAIL" and first["AttributeName"] == "email"
    assert mailbox.mails() == []


def test_resend_replaces_the_code(unsigned_idp, pool, mailbox):
    _, client_id = pool
    sign_up(unsigned_idp, client_id, "quinn", "quinn@example.com")
    old = mailbox.last_code("quinn@example.com")
    details = unsigned_idp.resend_confirmation_code(ClientId=client_id, Username="quinn")["CodeDeliveryDetails"]
    assert details == {"Destination": "q***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    assert len(mailbox.mails("quinn@example.com")) == 2
    new = mailbox.last_code("quinn@example.com")
    if new != old:
        with pytest.raises(ClientError) as excinfo:
            unsigned_idp.confirm_sign_up(ClientId=client_id, Username="quinn", ConfirmationCode=old)
        assert error_code(excinfo) == "CodeMismatchException"
    unsigned_idp.confirm_sign_up(ClientId=client_id, Username="quinn", ConfirmationCode=new)
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.resend_confirmation_code(ClientId=client_id, Username="quinn")
    assert error_code(excinfo) == "InvalidParameterException"
    assert excinfo.value.response["Error"]["Message"] == "User is already confirmed."


def test_confirming_a_verified_alias_held_by_another_user(idp, unsigned_idp, mailbox):
    pool_id = make_pool(idp, AliasAttributes=["email"])
    client_id = make_client_id(idp, pool_id)
    sign_up(unsigned_idp, client_id, "rita", "shared@example.com")
    unsigned_idp.confirm_sign_up(ClientId=client_id, Username="rita", ConfirmationCode=mailbox.last_code("shared@example.com"))
    sign_up(unsigned_idp, client_id, "sam", "shared@example.com")
    code = mailbox.last_code("shared@example.com")
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.confirm_sign_up(ClientId=client_id, Username="sam", ConfirmationCode=code)
    assert error_code(excinfo) == "AliasExistsException"
    assert idp.admin_get_user(UserPoolId=pool_id, Username="sam")["UserStatus"] == "UNCONFIRMED"
    # The code was not used up by the refused attempt.
    unsigned_idp.confirm_sign_up(ClientId=client_id, Username="sam", ConfirmationCode=code, ForceAliasCreation=True)
    assert attrs(idp.admin_get_user(UserPoolId=pool_id, Username="sam")["UserAttributes"])["email_verified"] == "true"
    assert attrs(idp.admin_get_user(UserPoolId=pool_id, Username="rita")["UserAttributes"])["email_verified"] == "false"
    assert idp.admin_get_user(UserPoolId=pool_id, Username="shared@example.com")["Username"] == "sam"


def test_disabled_user_resend(idp, unsigned_idp, pool, mailbox):
    pool_id, client_id = pool
    sign_up(unsigned_idp, client_id, "tom", "tom@example.com")
    idp.admin_disable_user(UserPoolId=pool_id, Username="tom")
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.resend_confirmation_code(ClientId=client_id, Username="tom")
    assert error_code(excinfo) == "NotAuthorizedException"
    assert len(mailbox.mails("tom@example.com")) == 1


# --- concurrency (PostgreSQL) ---------------------------------------------------------------

def test_concurrent_sign_ups_of_one_name_create_one_user(idp, live_server, pool):
    require_postgresql()
    pool_id, client_id = pool
    clients = [make_client(live_server.url) for _ in range(4)]
    results = run_together([
        (lambda c=c, i=i: c.sign_up(ClientId=client_id, Username="race", Password=PASSWORD, UserAttributes=[{"Name": "email", "Value": f"r{i}@example.com"}]))
        for i, c in enumerate(clients)
    ])
    assert len(successes(results)) == 1
    assert error_codes(results) == ["UsernameExistsException"] * 3
    assert [u["Username"] for u in idp.list_users(UserPoolId=pool_id)["Users"]] == ["race"]


def test_concurrent_sign_ups_of_one_email_username_create_one_user(idp, live_server):
    require_postgresql()
    pool_id = make_pool(idp, UsernameAttributes=["email"])
    client_id = make_client_id(idp, pool_id)
    clients = [make_client(live_server.url) for _ in range(4)]
    results = run_together([(lambda c=c: c.sign_up(ClientId=client_id, Username="same@example.com", Password=PASSWORD)) for c in clients])
    assert len(successes(results)) == 1
    assert error_codes(results) == ["UsernameExistsException"] * 3
    assert len(idp.list_users(UserPoolId=pool_id)["Users"]) == 1


def test_one_code_sent_twice_at_once_confirms_once(idp, live_server, unsigned_idp, pool, mailbox):
    require_postgresql()
    pool_id, client_id = pool
    sign_up(unsigned_idp, client_id, "twice", "twice@example.com")
    code = mailbox.last_code("twice@example.com")
    clients = [make_client(live_server.url) for _ in range(2)]
    results = run_together([(lambda c=c: c.confirm_sign_up(ClientId=client_id, Username="twice", ConfirmationCode=code)) for c in clients])
    assert len(successes(results)) == 1
    assert error_codes(results)[0] in {"ExpiredCodeException", "NotAuthorizedException"}
    assert idp.admin_get_user(UserPoolId=pool_id, Username="twice")["UserStatus"] == "CONFIRMED"
