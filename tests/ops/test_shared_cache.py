"""The shared database cache (core/shared_cache.py) that web workers use without Redis:
atomic `add` and `incr` across processes, expiry, and writes that outlive a rolled-back
transaction. Each test runs real processes on the real settings with their own var/."""
from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.ops.servers import ROOT, manage, scratch_database, server_env

_SETUP = "import django, json, sys; django.setup(); from django.core.cache import cache; from django.db import transaction;"


def _run(env: dict, code: str) -> str:
    done = subprocess.run([sys.executable, "-c", _SETUP + code], cwd=ROOT, env=dict(env, DJANGO_SETTINGS_MODULE="config.settings"),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture(params=["sqlite", "postgresql"])
def env(request, tmp_path):
    """The real settings without Redis: on SQLite (a second file), and on a scratch PostgreSQL database."""
    extra = {}
    if request.param == "postgresql":
        extra["DATABASE_URL"] = request.getfixturevalue("scratch_database")[0]
    env = server_env(tmp_path, **extra)
    manage(env, "migrate", "--noinput", "-v", "0")  # makes the cache table too
    return env


def test_increments_from_many_processes_are_all_counted(env):
    _run(env, "cache.set('hits', 0, 300)")
    with ThreadPoolExecutor(max_workers=4) as threads:
        list(threads.map(lambda _: _run(env, "[cache.incr('hits') for _ in range(25)]"), range(4)))
    assert _run(env, "print(cache.get('hits'))") == "100"


def test_only_one_process_wins_an_add(env):
    code = "print(json.dumps([cache.add(f'marker-{i}', 1, 300) for i in range(30)]))"
    with ThreadPoolExecutor(max_workers=4) as threads:
        results = [json.loads(out) for out in threads.map(lambda _: _run(env, code), range(4))]
    assert [sum(won) for won in zip(*results, strict=True)] == [1] * 30


def test_expired_entries_are_gone_and_may_be_added_again(env):
    out = _run(env, (
        "import time; cache.set('short', 'a', 1); time.sleep(1.2);"
        "print(json.dumps([cache.get('short'), cache.add('short', 'b', 60), cache.get('short'), cache.add('short', 'c', 60)]))"
    ))
    assert json.loads(out) == [None, True, "b", False]


def test_writes_outlive_the_request_transaction(env):
    out = _run(env, (
        "\ntry:\n with transaction.atomic():\n  cache.set('failures', 1, 60)\n  cache.add('used', 1, 60)\n  raise RuntimeError\n"
        "except RuntimeError:\n pass\nprint(json.dumps([cache.get('failures'), cache.get('used')]))"
    ))
    assert json.loads(out) == [1, 1]


def test_purge_deletes_only_expired_rows(env):
    out = _run(env, (
        "import time; cache.set('old', 1, 1); cache.set('kept', 2, 300); cache.set('forever', 3, None); time.sleep(1.2);"
        "print(json.dumps([cache.purge_expired(), cache.get('kept'), cache.get('forever')]))"
    ))
    assert json.loads(out) == [1, 2, 3]
