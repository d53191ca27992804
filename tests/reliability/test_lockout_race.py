"""Lockout counted atomically: guesses sent at the same instant are checked one at a time against
the user's row, so no more than the five failures the schedule allows are ever checked.
(Before: 24 wrong passwords sent 8 at a time got 11 checked.)"""
import pytest

from tests.conftest import make_client as make_boto_client
from tests.userpools.concurrency import error_codes, require_postgresql, run_together
from tests.userpools.signin_support import _fresh_throttle_counters, fake_clock, make_client, make_user, sign_in  # noqa: F401
from tests.userpools.test_lockout import attempt
from userpools.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def test_bursts_of_wrong_passwords_check_only_five(idp, live_server, pool_id, fake_clock):
    require_postgresql()
    make_user(idp, pool_id)
    client_id = make_client(idp, pool_id)["ClientId"]
    clients = [make_boto_client(live_server.url) for _ in range(8)]
    outcomes: list[object] = []
    for _ in range(3):  # 24 guesses, 8 at a time; the fake clock stands still, so the lock holds
        outcomes += run_together([lambda c=c: attempt(c, client_id) for c in clients])
    assert outcomes.count("Incorrect username or password.") == 5
    assert outcomes.count("Password attempts exceeded") == 19
    assert User.objects.get(username="alice").failed_sign_ins == 5


def test_bursts_of_wrong_previous_passwords_check_only_five(idp, live_server, pool_id, fake_clock):
    require_postgresql()
    make_user(idp, pool_id)
    client_id = make_client(idp, pool_id)["ClientId"]
    access = sign_in(make_boto_client(live_server.url), client_id)["AuthenticationResult"]["AccessToken"]
    clients = [make_boto_client(live_server.url) for _ in range(8)]
    outcomes: list[object] = []
    for _ in range(3):
        outcomes += run_together([
            lambda c=c: c.change_password(AccessToken=access, PreviousPassword="Wrong#Pass1", ProposedPassword="New#Pass12")
            for c in clients
        ])
    assert error_codes(outcomes).count("NotAuthorizedException") == 5
    assert error_codes(outcomes).count("LimitExceededException") == 19
