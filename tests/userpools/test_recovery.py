"""ForgotPassword, ConfirmForgotPassword and AdminResetUserPassword through boto3 against the
live server. Codes are read from what users receive."""
from __future__ import annotations

from datetime import timedelta

import pytest
from botocore.exceptions import ClientError
from django.utils import timezone

from tests.conftest import error_code, make_client
from tests.userpools.concurrency import error_codes, require_postgresql, run_together, successes
from tests.userpools.mailbox import mailbox  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)

OLD_PASSWORD = "Old#Password1"
NEW_PASSWORD = "New#Password2"
FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def make_pool(idp, **settings) -> str:
    settings.setdefault("AutoVerifiedAttributes", ["email"])
    return idp.create_user_pool(PoolName="recovery", **settings)["UserPool"]["Id"]


def make_client_id(idp, pool_id, **settings) -> str:
    settings.setdefault("ExplicitAuthFlows", FLOWS)
    return idp.create_user_pool_client(UserPoolId=pool_id, ClientName="app", **settings)["UserPoolClient"]["ClientId"]


def make_user(idp, pool_id, username, *, email=None, phone=None, verified=True) -> None:
    attributes = []
    if email:
        attributes += [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": str(verified).lower()}]
    if phone:
        attributes += [{"Name": "phone_number", "Value": phone}, {"Name": "phone_number_verified", "Value": str(verified).lower()}]
    idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS", UserAttributes=attributes)
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=OLD_PASSWORD, Permanent=True)


def sign_in(unsigned_idp, client_id, username, password) -> dict:
    return unsigned_idp.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": username, "PASSWORD": password}
    )["AuthenticationResult"]


def status(idp, pool_id, username) -> str:
    return idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"]


@pytest.fixture
def pool(idp):
    pool_id = make_pool(idp)
    return pool_id, make_client_id(idp, pool_id)


def test_forgot_password_resets_the_password_and_ends_sessions(idp, unsigned_idp, pool, mailbox):
    pool_id, client_id = pool
    make_user(idp, pool_id, "alice", email="alice@example.com")
    old_session = sign_in(unsigned_idp, client_id, "alice", OLD_PASSWORD)

    details = unsigned_idp.forgot_password(ClientId=client_id, Username="alice", ClientMetadata={"k": "v"})["CodeDeliveryDetails"]
    assert details == {"Destination": "a***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    [mail] = mailbox.mails("alice@example.com")
    code = mailbox.last_code("alice@example.com")
    assert mail["Subject"] == "Your verification code"

    unsigned_idp.confirm_forgot_password(ClientId=client_id, Username="alice", ConfirmationCode=code, Password=NEW_PASSWORD)
    assert status(idp, pool_id, "alice") == "CONFIRMED"
    assert sign_in(unsigned_idp, client_id, "alice", NEW_PASSWORD)["AccessToken"]
    with pytest.raises(ClientError) as excinfo:
        sign_in(unsigned_idp, client_id, "alice", OLD_PASSWORD)
    assert error_code(excinfo) == "NotAuthorizedException"
    # Sessions of the old password are over: its refresh token and access token are dead.
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": old_session["RefreshToken"]})
    assert error_code(excinfo) == "NotAuthorizedException"
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.get_user(AccessToken=old_session["AccessToken"])
    assert error_code(excinfo) == "NotAuthorizedException"
    # The code was used up.
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.confirm_forgot_password(ClientId=client_id, Username="alice", ConfirmationCode=code, Password="Another#Pass3")
    assert error_code(excinfo) == "ExpiredCodeException"


def test_reset_code_lasts_an_hour(idp, unsigned_idp, pool, mailbox):
    from userpools.models import VerificationCode

    pool_id, client_id = pool
    make_user(idp, pool_id, "bob", email="bob@example.com")
    unsigned_idp.forgot_password(ClientId=client_id, Username="bob")
    code = mailbox.last_code("bob@example.com")
    row = VerificationCode.objects.get(user__username="bob", purpose="FORGOT_PASSWORD")
    assert timedelta(minutes=59) < row.expires_at - timezone.now() <= timedelta(hours=1)
    # An hour later (only the clock is moved) the code has expired.
    VerificationCode.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.confirm_forgot_password(ClientId=client_id, Username="bob", ConfirmationCode=code, Password=NEW_PASSWORD)
    assert error_code(excinfo) == "ExpiredCodeException"
    assert excinfo.value.response["Error"]["Message"] == "Invalid code provided, please request a code again."


def test_wrong_code_weak_password_and_no_code(idp, unsigned_idp, pool, mailbox):
    pool_id, client_id = pool
    make_user(idp, pool_id, "carol", email="carol@example.com")
    with pytest.raises(ClientError) as excinfo:  # nothing requested yet
        unsigned_idp.confirm_forgot_password(ClientId=client_id, Username="carol", ConfirmationCode="123456", Password=NEW_PASSWORD)
    assert error_code(excinfo) == "ExpiredCodeException"
    unsigned_idp.forgot_password(ClientId=client_id, Username="carol")
    code = mailbox.last_code("carol@example.com")
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.confirm_forgot_password(ClientId=client_id, Username="carol", ConfirmationCode=f"{(int(code) + 1) % 1000000:06d}", Password=NEW_PASSWORD)
    assert error_code(excinfo) == "CodeMismatchException"
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.confirm_forgot_password(ClientId=client_id, Username="carol", ConfirmationCode=code, Password="weak")
    assert error_code(excinfo) == "InvalidPasswordException"
    # Neither failure used the code up.
    unsigned_idp.confirm_forgot_password(ClientId=client_id, Username="carol", ConfirmationCode=code, Password=NEW_PASSWORD)
    assert sign_in(unsigned_idp, client_id, "carol", NEW_PASSWORD)["IdToken"]


def test_attempt_limit(idp, unsigned_idp, pool, mailbox):
    pool_id, client_id = pool
    make_user(idp, pool_id, "dora", email="dora@example.com")
    unsigned_idp.forgot_password(ClientId=client_id, Username="dora")
    code = mailbox.last_code("dora@example.com")
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    for _ in range(5):
        with pytest.raises(ClientError):
            unsigned_idp.confirm_forgot_password(ClientId=client_id, Username="dora", ConfirmationCode=wrong, Password=NEW_PASSWORD)
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.confirm_forgot_password(ClientId=client_id, Username="dora", ConfirmationCode=code, Password=NEW_PASSWORD)
    assert error_code(excinfo) == "LimitExceededException"
    assert excinfo.value.response["Error"]["Message"] == "Attempt limit exceeded, please try after some time."


def test_unknown_disabled_and_unverified_users(idp, unsigned_idp, mailbox):
    pool_id = make_pool(idp)
    legacy = make_client_id(idp, pool_id)
    hiding = make_client_id(idp, pool_id, PreventUserExistenceErrors="ENABLED")
    make_user(idp, pool_id, "eve", email="eve@example.com", verified=False)
    make_user(idp, pool_id, "fay", email="fay@example.com")
    idp.admin_disable_user(UserPoolId=pool_id, Username="fay")

    cases = [
        ("nobody", "UserNotFoundException", "Username/client id combination not found."),
        ("eve", "InvalidParameterException", "Cannot reset password for the user as there is no registered/verified email or phone_number"),
        ("fay", "NotAuthorizedException", "User is disabled."),
    ]
    for username, expected_type, expected_message in cases:
        with pytest.raises(ClientError) as excinfo:
            unsigned_idp.forgot_password(ClientId=legacy, Username=username)
        assert (error_code(excinfo), excinfo.value.response["Error"]["Message"]) == (expected_type, expected_message)
        # A client hiding user existence answers as if a code went out.
        details = unsigned_idp.forgot_password(ClientId=hiding, Username=username)["CodeDeliveryDetails"]
        assert details["DeliveryMedium"] == "EMAIL" and details["AttributeName"] == "email"
    assert mailbox.mails() == []

    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.confirm_forgot_password(ClientId=legacy, Username="nobody", ConfirmationCode="123456", Password=NEW_PASSWORD)
    assert error_code(excinfo) == "UserNotFoundException"
    for username in ("nobody", "fay"):
        with pytest.raises(ClientError) as excinfo:
            unsigned_idp.confirm_forgot_password(ClientId=hiding, Username=username, ConfirmationCode="123456", Password=NEW_PASSWORD)
        assert error_code(excinfo) == "CodeMismatchException"


def test_user_with_a_temporary_password_cannot_reset(idp, unsigned_idp, pool):
    pool_id, client_id = pool
    idp.admin_create_user(
        UserPoolId=pool_id, Username="gil", MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": "gil@example.com"}, {"Name": "email_verified", "Value": "true"}],
    )
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.forgot_password(ClientId=client_id, Username="gil")
    assert error_code(excinfo) == "NotAuthorizedException"
    assert excinfo.value.response["Error"]["Message"] == "User password cannot be reset in the current state."


def test_recovery_settings_choose_the_contact(idp, unsigned_idp, mailbox):
    legacy_pool = make_pool(idp)  # no AccountRecoverySetting: a verified phone comes first
    make_user(idp, legacy_pool, "hal", email="hal@example.com", phone="+15555550199")
    details = unsigned_idp.forgot_password(ClientId=make_client_id(idp, legacy_pool), Username="hal")["CodeDeliveryDetails"]
    assert details == {"Destination": "+*******0199", "DeliveryMedium": "SMS", "AttributeName": "phone_number"}
    assert mailbox.last_code("+15555550199")

    email_first = make_pool(idp, AccountRecoverySetting={"RecoveryMechanisms": [
        {"Priority": 2, "Name": "verified_phone_number"}, {"Priority": 1, "Name": "verified_email"},
    ]})
    make_user(idp, email_first, "ian", email="ian@example.com", phone="+15555550100")
    details = unsigned_idp.forgot_password(ClientId=make_client_id(idp, email_first), Username="ian")["CodeDeliveryDetails"]
    assert details["DeliveryMedium"] == "EMAIL"

    admin_only = make_pool(idp, AccountRecoverySetting={"RecoveryMechanisms": [{"Priority": 1, "Name": "admin_only"}]})
    make_user(idp, admin_only, "jay", email="jay@example.com")
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.forgot_password(ClientId=make_client_id(idp, admin_only), Username="jay")
    assert error_code(excinfo) == "NotAuthorizedException"


def test_forgot_password_by_alias(idp, unsigned_idp, mailbox):
    pool_id = make_pool(idp, AliasAttributes=["email"])
    client_id = make_client_id(idp, pool_id)
    make_user(idp, pool_id, "kay", email="kay@example.com")
    unsigned_idp.forgot_password(ClientId=client_id, Username="kay@example.com")
    code = mailbox.last_code("kay@example.com")
    unsigned_idp.confirm_forgot_password(ClientId=client_id, Username="kay@example.com", ConfirmationCode=code, Password=NEW_PASSWORD)
    assert sign_in(unsigned_idp, client_id, "kay", NEW_PASSWORD)["AccessToken"]


def test_admin_reset_requires_a_reset_and_sends_a_code(idp, unsigned_idp, pool, mailbox):
    pool_id, client_id = pool
    make_user(idp, pool_id, "lou", email="lou@example.com")
    session = sign_in(unsigned_idp, client_id, "lou", OLD_PASSWORD)
    idp.admin_reset_user_password(UserPoolId=pool_id, Username="lou", ClientMetadata={"why": "test"})
    assert status(idp, pool_id, "lou") == "RESET_REQUIRED"
    with pytest.raises(ClientError) as excinfo:
        sign_in(unsigned_idp, client_id, "lou", OLD_PASSWORD)
    assert error_code(excinfo) == "PasswordResetRequiredException"
    with pytest.raises(ClientError) as excinfo:  # sessions ended at once
        unsigned_idp.get_user(AccessToken=session["AccessToken"])
    assert error_code(excinfo) == "NotAuthorizedException"
    unsigned_idp.confirm_forgot_password(ClientId=client_id, Username="lou", ConfirmationCode=mailbox.last_code("lou@example.com"), Password=NEW_PASSWORD)
    assert status(idp, pool_id, "lou") == "CONFIRMED"
    assert sign_in(unsigned_idp, client_id, "lou", NEW_PASSWORD)["AccessToken"]


def test_reset_required_user_may_ask_for_a_new_code(idp, unsigned_idp, pool, mailbox):
    pool_id, client_id = pool
    make_user(idp, pool_id, "max", email="max@example.com")
    idp.admin_reset_user_password(UserPoolId=pool_id, Username="max")
    unsigned_idp.forgot_password(ClientId=client_id, Username="max")
    assert len(mailbox.mails("max@example.com")) == 2
    unsigned_idp.confirm_forgot_password(ClientId=client_id, Username="max", ConfirmationCode=mailbox.last_code("max@example.com"), Password=NEW_PASSWORD)
    assert status(idp, pool_id, "max") == "CONFIRMED"


def test_admin_reset_without_a_verified_contact_sends_nothing(idp, pool, mailbox):
    pool_id, _ = pool
    make_user(idp, pool_id, "ned", email="ned@example.com", verified=False)
    idp.admin_reset_user_password(UserPoolId=pool_id, Username="ned")
    assert status(idp, pool_id, "ned") == "RESET_REQUIRED"
    assert mailbox.mails() == []


def test_admin_reset_errors(idp, unsigned_idp, pool):
    pool_id, _ = pool
    with pytest.raises(ClientError) as excinfo:
        idp.admin_reset_user_password(UserPoolId=pool_id, Username="nobody")
    assert error_code(excinfo) == "UserNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        idp.admin_reset_user_password(UserPoolId="us-east-1_missing00", Username="nobody")
    assert error_code(excinfo) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as excinfo:  # an administrator operation needs a signature
        unsigned_idp.admin_reset_user_password(UserPoolId=pool_id, Username="nobody")
    assert error_code(excinfo) in {"MissingAuthenticationTokenException", "UnrecognizedClientException", "AccessDeniedException"}


def test_one_reset_code_sent_twice_at_once_works_once(idp, live_server, unsigned_idp, pool, mailbox):
    require_postgresql()
    pool_id, client_id = pool
    make_user(idp, pool_id, "olive", email="olive@example.com")
    unsigned_idp.forgot_password(ClientId=client_id, Username="olive")
    code = mailbox.last_code("olive@example.com")
    clients = [make_client(live_server.url) for _ in range(3)]
    passwords = ["First#Choice1", "Second#Choice2", "Third#Choice3"]
    results = run_together([
        (lambda c=c, p=p: c.confirm_forgot_password(ClientId=client_id, Username="olive", ConfirmationCode=code, Password=p))
        for c, p in zip(clients, passwords, strict=True)
    ])
    assert len(successes(results)) == 1
    assert error_codes(results) == ["ExpiredCodeException"] * 2
    winner = passwords[[i for i, r in enumerate(results) if not isinstance(r, ClientError)][0]]
    assert sign_in(unsigned_idp, client_id, "olive", winner)["AccessToken"]
