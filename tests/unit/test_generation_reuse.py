"""Cache generations read once per GENERATION_REUSE_MS per thread in requests, and changes that
outlast that window: no request that starts after a change returned sees what it replaced."""
from __future__ import annotations

import threading
import time
import uuid

import pytest
from django.core.cache import cache, caches
from django.test import override_settings

from core import generation


@pytest.fixture
def gen():
    generation._local.kept = None  # this thread's tokens from earlier tests
    made = generation.Generation(f"test:generation:{uuid.uuid4().hex}")
    yield made
    generation._keys.remove(made.key)
    cache.delete(made.key)


def in_request(read):
    """`read()` as a web worker's request runs it (the request signals around it)."""
    generation._request_started()
    try:
        return read()
    finally:
        generation._request_finished()


@override_settings(GENERATION_REUSE_MS=1000)
def test_a_thread_reuses_the_tokens_it_read_within_the_window(gen, monkeypatch):
    first = in_request(gen.current)
    cache.set(gen.key, "set-elsewhere-without-waiting", None)
    assert in_request(gen.current) == first  # no round trip: the tokens read a moment ago
    monkeypatch.setattr(generation.time, "monotonic", lambda: time.perf_counter() + 2)  # the window has passed
    assert in_request(gen.current) == "set-elsewhere-without-waiting"


@override_settings(GENERATION_REUSE_MS=0)
def test_no_window_reads_every_request(gen):
    in_request(gen.current)
    cache.set(gen.key, "set-elsewhere", None)
    assert in_request(gen.current) == "set-elsewhere"


@override_settings(GENERATION_REUSE_MS=300)
def test_a_request_after_a_change_returned_sees_it_in_every_other_thread(gen):
    """Another worker (a thread here: the tokens are kept per thread) read the token just before
    the change; the change waits out the window, so that worker's next request reads it anew."""
    seen: list[str] = []
    go_on = threading.Event()

    def other_worker():
        seen.append(in_request(gen.current))
        go_on.wait(10)
        seen.append(in_request(gen.current))

    worker = threading.Thread(target=other_worker)
    worker.start()
    while not seen:
        time.sleep(0.001)
    started = time.monotonic()
    gen.bump()  # outside a transaction: bumps and waits
    assert time.monotonic() - started >= 0.3
    go_on.set()
    worker.join(10)
    assert seen[1] != seen[0] and seen[1] == cache.get(gen.key)


@override_settings(GENERATION_REUSE_MS=1000)
def test_tokens_read_while_the_cache_was_down_are_not_reused(gen, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("down")

    with monkeypatch.context() as patched:
        patched.setattr(type(caches["default"]), "get_many", down)
        unavailable = in_request(gen.current)
    assert unavailable.startswith("unavailable:")
    assert in_request(gen.current) == cache.get(gen.key)


@override_settings(GENERATION_REUSE_MS=300)
@pytest.mark.django_db(transaction=True)
def test_a_request_that_changes_config_answers_after_the_window_and_a_read_does_not():
    from tests.perf.inprocess import client

    admin = client()
    pool_id = admin.create_user_pool(PoolName="reuse")["UserPool"]["Id"]
    started = time.monotonic()
    admin.create_user_pool_client(UserPoolId=pool_id, ClientName="c")  # bumps the pools' generation
    assert time.monotonic() - started >= 0.3
    admin.describe_user_pool(UserPoolId=pool_id)
    started = time.monotonic()
    admin.describe_user_pool(UserPoolId=pool_id)  # reads only: no wait
    assert time.monotonic() - started < 0.3
