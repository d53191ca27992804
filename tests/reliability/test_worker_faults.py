"""A Celery worker killed in the middle of sending a code mail (issue 13, "Faults"): the mail is
neither lost nor sent twice. The worker talks to a real SMTP server that holds it mid-delivery."""
from __future__ import annotations

import time

import pytest

from outbox.models import OutboxMessage

from .processes import CeleryWorker, wait_until
from .smtp_sink import StallingSink

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

LEASE_SECONDS = 5


@pytest.fixture
def sink():
    running = StallingSink()
    running.start()
    yield running
    running.stop()


@pytest.fixture
def stack_env(sink) -> dict[str, str]:
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.port),
        "EMAIL_TIMEOUT": "3",
        "OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
    }


def test_worker_killed_mid_delivery_loses_and_duplicates_nothing(stack, sink, stack_env):
    pool_id, client_id = stack.make_pool()
    client = stack.public_client()
    sink.stall()
    users = [f"user{index}@example.com" for index in range(3)]
    for address in users:
        client.sign_up(ClientId=client_id, Username=address.split("@")[0], Password="Passw0rd!secure",
                       UserAttributes=[{"Name": "email", "Value": address}])
    wait_until(lambda: sink.waiting >= 1, 20, "the worker is in the middle of a delivery")
    assert not sink.recipients

    stack.worker.kill()
    sink.release()
    replacement = CeleryWorker(stack.worker.env, stack.tmp / "worker2.log")
    replacement.start()
    try:
        wait_until(lambda: set(sink.counts()) == set(users), 30, "every code mail delivered")
        time.sleep(LEASE_SECONDS)  # long enough for any claim to lapse and a second copy to go out
        assert sink.counts() == dict.fromkeys(users, 1)
        assert not OutboxMessage.objects.exists()
    finally:
        replacement.kill()
