"""Cognito's lockout schedule: five failures, then 2^(n-5) s locks up to ~15 minutes; attempts
during a lock don't count; success or 15 quiet minutes reset. The clock is moved, never waited on."""
import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code
from tests.conftest import make_client as make_boto_client
from tests.userpools.concurrency import require_postgresql, run_together
from tests.userpools.signin_support import (  # noqa: F401  (fixtures)
    PASSWORD,
    _fresh_throttle_counters,
    fake_clock,
    make_client,
    make_user,
    sign_in,
)
from userpools.models import User
from userpools.services.signin import lockout

pytestmark = pytest.mark.django_db(transaction=True)
WRONG = "Wrong#Pass1"


@pytest.fixture
def client_id(idp, pool_id):
    make_user(idp, pool_id)
    return make_client(idp, pool_id)["ClientId"]


def attempt(idp, client_id, password=WRONG) -> str:
    """The outcome of one sign-in: "ok" or the error message."""
    try:
        sign_in(idp, client_id, password=password)
        return "ok"
    except ClientError as exc:
        assert error_code_of(exc) == "NotAuthorizedException"
        return exc.response["Error"]["Message"]


def error_code_of(exc: ClientError) -> str:
    return exc.response["Error"]["Code"]


def fail(idp, client_id, times: int) -> None:
    for _ in range(times):
        assert attempt(idp, client_id) == "Incorrect username or password."


def stored() -> User:
    return User.objects.get(username="alice")


def test_schedule():
    assert [lockout.lock_seconds(n) for n in range(1, 11)] == [0, 0, 0, 0, 1, 2, 4, 8, 16, 32]
    assert lockout.lock_seconds(14) == 512
    assert lockout.lock_seconds(15) == lockout.lock_seconds(40) == 900


def test_fifth_failure_locks_for_one_second(unsigned_idp, client_id, fake_clock):
    fail(unsigned_idp, client_id, 4)
    assert attempt(unsigned_idp, client_id, PASSWORD) == "ok"  # four failures lock nothing, success resets
    assert stored().failed_sign_ins == 0
    fail(unsigned_idp, client_id, 5)
    assert attempt(unsigned_idp, client_id, PASSWORD) == "Password attempts exceeded"
    fake_clock.advance(seconds=1)
    assert attempt(unsigned_idp, client_id, PASSWORD) == "ok"
    user = stored()
    assert (user.failed_sign_ins, user.locked_until, user.last_failed_sign_in) == (0, None, None)


def test_each_further_failure_doubles_the_lock(unsigned_idp, client_id, fake_clock):
    fail(unsigned_idp, client_id, 5)
    for seconds in (2, 4, 8):
        fake_clock.advance(seconds=seconds // 2)  # the previous lock has just ended
        fail(unsigned_idp, client_id, 1)
        fake_clock.advance(seconds=seconds - 0.5)
        assert attempt(unsigned_idp, client_id, PASSWORD) == "Password attempts exceeded"
        fake_clock.advance(seconds=-(seconds - 0.5))
    assert stored().failed_sign_ins == 8


def test_attempts_during_a_lock_do_not_count(unsigned_idp, client_id, fake_clock):
    fail(unsigned_idp, client_id, 5)
    for _ in range(3):
        assert attempt(unsigned_idp, client_id) == "Password attempts exceeded"
    assert stored().failed_sign_ins == 5
    fake_clock.advance(seconds=1)
    fail(unsigned_idp, client_id, 1)  # the sixth counted failure: two seconds
    fake_clock.advance(seconds=1.5)
    assert attempt(unsigned_idp, client_id, PASSWORD) == "Password attempts exceeded"
    fake_clock.advance(seconds=0.5)
    assert attempt(unsigned_idp, client_id, PASSWORD) == "ok"


def test_fifteen_quiet_minutes_reset_the_count(unsigned_idp, client_id, fake_clock):
    fail(unsigned_idp, client_id, 4)
    fake_clock.advance(minutes=15)
    fail(unsigned_idp, client_id, 4)
    assert stored().failed_sign_ins == 4 and stored().locked_until is None
    fail(unsigned_idp, client_id, 1)
    assert attempt(unsigned_idp, client_id, PASSWORD) == "Password attempts exceeded"


def test_an_attempt_during_the_lock_restarts_the_quiet_period(unsigned_idp, client_id, fake_clock):
    fail(unsigned_idp, client_id, 5)
    fake_clock.advance(seconds=0.5)
    assert attempt(unsigned_idp, client_id) == "Password attempts exceeded"
    fake_clock.advance(minutes=14, seconds=59)  # under 15 minutes since the refused attempt
    fail(unsigned_idp, client_id, 1)
    assert stored().failed_sign_ins == 6


def test_the_lock_is_capped_at_fifteen_minutes(unsigned_idp, client_id, fake_clock):
    User.objects.filter(username="alice").update(failed_sign_ins=29, last_failed_sign_in=fake_clock.now())
    fail(unsigned_idp, client_id, 1)
    assert (stored().locked_until - fake_clock.now()).total_seconds() == 900
    fake_clock.advance(seconds=899)
    assert attempt(unsigned_idp, client_id, PASSWORD) == "Password attempts exceeded"
    fake_clock.advance(seconds=1)
    assert attempt(unsigned_idp, client_id, PASSWORD) == "ok"


def test_admin_sign_in_shares_the_lock(idp, unsigned_idp, pool_id, client_id, fake_clock):
    fail(unsigned_idp, client_id, 5)
    with pytest.raises(ClientError) as excinfo:
        idp.admin_initiate_auth(
            UserPoolId=pool_id, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD}
        )
    assert error_code(excinfo) == "NotAuthorizedException"
    assert excinfo.value.response["Error"]["Message"] == "Password attempts exceeded"


def test_concurrent_failures_are_all_counted(live_server, client_id, fake_clock):
    require_postgresql()
    results = run_together([lambda: attempt(make_boto_client(live_server.url), client_id) for _ in range(8)])
    # Guesses that arrive once the fifth failure has locked the user are refused uncounted.
    counted = results.count("Incorrect username or password.")
    assert counted >= 5 and counted + results.count("Password attempts exceeded") == 8
    user = stored()
    assert user.failed_sign_ins == counted
    assert (user.locked_until - fake_clock.now()).total_seconds() == lockout.lock_seconds(counted)
