"""Code issuance and guessing limits (issue 13, part 1). Before them, ForgotPassword issued a fresh
code on every call, so one thread made 40 rounds of "new code + 5 guesses" in 15 s and a victim
received 30 mails in 2 s. Each test here failed then."""
from __future__ import annotations

import uuid

import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code
from tests.userpools.mailbox import mailbox  # noqa: F401  (fixture)
from tests.userpools.signin_support import _fresh_throttle_counters  # noqa: F401  (fixture: a clean cache)
from tests.userpools.test_recovery import NEW_PASSWORD, OLD_PASSWORD, make_client_id, make_pool, make_user, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
LIMITED = ("LimitExceededException", "Attempt limit exceeded, please try after some time.")


def limited(call) -> None:
    with pytest.raises(ClientError) as excinfo:
        call()
    assert (error_code(excinfo), excinfo.value.response["Error"]["Message"]) == LIMITED


def address() -> str:
    return f"{uuid.uuid4().hex[:12]}@example.com"


@pytest.fixture
def pool(idp):
    pool_id = make_pool(idp)
    return pool_id, make_client_id(idp, pool_id)


def test_forgot_password_is_limited_per_user(idp, unsigned_idp, pool, mailbox, settings):
    settings.CODE_SEND_USER_LIMIT = 3
    pool_id, client_id = pool
    to = address()
    make_user(idp, pool_id, "alice", email=to)
    for _ in range(3):
        unsigned_idp.forgot_password(ClientId=client_id, Username="alice")
    limited(lambda: unsigned_idp.forgot_password(ClientId=client_id, Username="alice"))
    assert len(mailbox.mails(to)) == 3
    make_user(idp, pool_id, "bob", email=address())  # another user is not held up by alice's limit
    unsigned_idp.forgot_password(ClientId=client_id, Username="bob")


def test_code_requests_are_limited_per_source_address(idp, unsigned_idp, pool, mailbox, settings):
    settings.CODE_SEND_IP_LIMIT = 4
    pool_id, client_id = pool
    for name in ("u1", "u2", "u3", "u4", "u5"):
        make_user(idp, pool_id, name, email=address())
    for name in ("u1", "u2", "u3"):  # one request each: no user is near its own limit
        unsigned_idp.forgot_password(ClientId=client_id, Username=name)
    unsigned_idp.forgot_password(ClientId=client_id, Username="u4")
    limited(lambda: unsigned_idp.forgot_password(ClientId=client_id, Username="u5"))


def test_mail_to_one_address_is_limited(idp, unsigned_idp, mailbox, settings):
    settings.CODE_SEND_DESTINATION_LIMIT = 2
    pool_id = make_pool(idp)
    client_id = make_client_id(idp, pool_id)
    to = address()
    unsigned_idp.sign_up(ClientId=client_id, Username="carol", Password=NEW_PASSWORD, UserAttributes=[{"Name": "email", "Value": to}])
    unsigned_idp.resend_confirmation_code(ClientId=client_id, Username="carol")
    limited(lambda: unsigned_idp.resend_confirmation_code(ClientId=client_id, Username="carol"))
    # Another user naming the same address (a mail bomb by sign-ups) is refused too.
    limited(lambda: unsigned_idp.sign_up(ClientId=client_id, Username="dave", Password=NEW_PASSWORD,
                                         UserAttributes=[{"Name": "email", "Value": to}]))
    assert len(mailbox.mails(to)) == 2


def test_attribute_verification_codes_are_limited_per_user(idp, unsigned_idp, pool, mailbox, settings):
    settings.CODE_SEND_USER_LIMIT = 2
    pool_id, client_id = pool
    make_user(idp, pool_id, "erin", email=address(), verified=False)
    access = sign_in(unsigned_idp, client_id, "erin", OLD_PASSWORD)["AccessToken"]
    for _ in range(2):
        unsigned_idp.get_user_attribute_verification_code(AccessToken=access, AttributeName="email")
    limited(lambda: unsigned_idp.get_user_attribute_verification_code(AccessToken=access, AttributeName="email"))


def test_wrong_codes_count_per_user_across_codes(idp, unsigned_idp, pool, mailbox, settings):
    settings.CODE_GUESS_LIMIT = 7
    pool_id, client_id = pool
    to = address()
    make_user(idp, pool_id, "frank", email=to)

    def guess(code: str):
        return unsigned_idp.confirm_forgot_password(ClientId=client_id, Username="frank", ConfirmationCode=code, Password=NEW_PASSWORD)

    unsigned_idp.forgot_password(ClientId=client_id, Username="frank")
    wrong = "000000" if mailbox.last_code(to) != "000000" else "111111"
    for _ in range(5):  # the first code's five guesses
        with pytest.raises(ClientError) as excinfo:
            guess(wrong)
        assert error_code(excinfo) == "CodeMismatchException"
    unsigned_idp.forgot_password(ClientId=client_id, Username="frank")  # a fresh code buys no fresh guesses
    wrong = "000000" if mailbox.last_code(to) != "000000" else "111111"
    for _ in range(2):
        with pytest.raises(ClientError) as excinfo:
            guess(wrong)
        assert error_code(excinfo) == "CodeMismatchException"
    limited(lambda: guess(mailbox.last_code(to)))  # locked now: even the right code is refused
    unsigned_idp.forgot_password(ClientId=client_id, Username="frank")
    limited(lambda: guess(mailbox.last_code(to)))
