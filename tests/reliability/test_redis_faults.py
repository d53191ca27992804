"""Redis dies or freezes in the middle of a burst of SignUps (issue 13, "Faults"): no call waits
more than 10 s, no user is left without its code mail, and no mail goes out twice."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError

from tests.userpools.mailbox import Mailbox
from userpools.models import User

from .conftest import Stack
from .processes import wait_until

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

BURST = 20
MAX_CALL_SECONDS = 10
MAIL_DEADLINE_SECONDS = 60


def sign_up_burst(stack: Stack, client_id: str, fault_after: int, fault: Callable[[], None]) -> list[tuple[str, float, str]]:
    """20 SignUps, four at a time; `fault` strikes once `fault_after` of them have answered.
    Each result: (username, seconds the call took, "ok" or the error)."""
    answered = threading.Semaphore(0)
    results: list[tuple[str, float, str]] = []

    def sign_up(index: int) -> None:
        username = f"user{index:02d}"
        client = stack.public_client()
        began = time.monotonic()
        try:
            client.sign_up(ClientId=client_id, Username=username, Password="Passw0rd!secure",
                           UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}])
            outcome = "ok"
        except Exception as exc:  # a 5xx answer or a dead server: what matters is how long it took
            outcome = type(exc).__name__
        results.append((username, time.monotonic() - began, outcome))
        answered.release()

    def strike() -> None:
        for _ in range(fault_after):
            answered.acquire()
        fault()

    striker = threading.Thread(target=strike)
    striker.start()
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(sign_up, range(BURST)))
    striker.join()
    return results


def assert_every_user_gets_one_mail(stack: Stack, pool_id: str, since: float) -> None:
    mailbox = Mailbox(stack.mail_dir, stack.tmp / "sms.jsonl")
    users = sorted(User.objects.filter(pool_id=pool_id).values_list("username", flat=True))
    assert users, "no SignUp committed: the burst did not exercise delivery"

    def all_mailed() -> bool:
        return all(mailbox.mails(f"{name}@example.com") for name in users)

    wait_until(all_mailed, MAIL_DEADLINE_SECONDS - (time.monotonic() - since), "every user that exists has its code mail")
    time.sleep(2)  # a second copy, if any were coming, would come now
    copies = {name: len(mailbox.mails(f"{name}@example.com")) for name in users}
    assert copies == dict.fromkeys(users, 1)
    strays = {m["To"] for m in mailbox.mails()} - {f"{name}@example.com" for name in users}
    assert not strays, f"mail for users that do not exist: {strays}"


def test_redis_killed_mid_burst(stack):
    pool_id, client_id = stack.make_pool()
    results = sign_up_burst(stack, client_id, fault_after=5, fault=stack.redis.kill)

    slowest = max(seconds for _, seconds, _ in results)
    assert slowest <= MAX_CALL_SECONDS, results
    succeeded = {name for name, _, outcome in results if outcome == "ok"}
    assert succeeded <= set(User.objects.filter(pool_id=pool_id).values_list("username", flat=True))
    assert len(succeeded) >= 5

    # A sign-in needs the shared cache (its throttle): a clear answer, fast, while Redis is away.
    began = time.monotonic()
    with pytest.raises(ClientError) as excinfo:
        stack.public_client().initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                            AuthParameters={"USERNAME": "user00", "PASSWORD": "Wr0ng!password"})
    assert time.monotonic() - began <= MAX_CALL_SECONDS
    error = excinfo.value.response
    if error["ResponseMetadata"]["HTTPStatusCode"] >= 500:
        assert error["Error"]["Code"] == "InternalErrorException", error
    else:  # degraded safely: the answer a user gets with Redis up
        assert error["Error"]["Code"] in {"NotAuthorizedException", "UserNotConfirmedException"}, error

    stack.redis.start()  # Redis returns (empty: whatever was queued in it is gone)
    assert_every_user_gets_one_mail(stack, pool_id, since=time.monotonic())


def test_app_killed_mid_burst_while_redis_is_frozen(stack):
    pool_id, client_id = stack.make_pool()
    stack.redis.freeze()
    results = sign_up_burst(stack, client_id, fault_after=8, fault=stack.app.kill)

    slowest = max(seconds for _, seconds, _ in results)
    assert slowest <= MAX_CALL_SECONDS, results
    assert any(outcome != "ok" for _, _, outcome in results), "the app was killed before the burst ended"

    stack.redis.thaw()
    assert_every_user_gets_one_mail(stack, pool_id, since=time.monotonic())
