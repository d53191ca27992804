"""The audit write-behind on the real server (config/serve.py, several workers, the real settings):
LookupEvents returns the calls every worker answered just before it, and a server stopped the
way an operator stops it (SIGTERM) writes what its workers had queued."""
from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.ops.servers import server_env, web_server
from tests.ops.wire import aws_client, call

WORKERS = 2
CALLS = 12


def _refused_get_users(url: str) -> None:
    """GetUser with a token that is not one: refused, and recorded behind (no change commits with it)."""
    with ThreadPoolExecutor(max_workers=4) as threads:  # fresh connections: the calls spread over the workers
        answers = list(threads.map(lambda _: call(url, "GetUser", {"AccessToken": "not-a-token"}), range(CALLS)))
    assert {answer.json()["__type"] for answer in answers} == {"NotAuthorizedException"}


@pytest.mark.parametrize("window_ms", ["20", "300"])
def test_lookup_events_returns_every_workers_calls_made_just_before_it(tmp_path, window_ms):
    """In its first answer. With a 300 ms window the other worker's writer is still waiting when
    LookupEvents comes, and must be let in to write while it waits (it once found SQLite's write
    lock held by LookupEvents' transaction); the answering worker's own queue is not yet written
    either, and must be written by its writer thread (a settle that wrote it on the request's
    connection closed that connection in its transaction: a 500, and the rows rolled back)."""
    with web_server(server_env(tmp_path, AUDIT_WRITE_BEHIND_MS=window_ms), WORKERS) as server:
        _refused_get_users(server.url)
        trail = aws_client(server.url, "cloudtrail")
        found = trail.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "GetUser"}], MaxResults=50)
        assert len(found["Events"]) == CALLS, server.log.read_text()


def test_a_stopped_server_writes_what_its_workers_had_queued(tmp_path):
    with web_server(server_env(tmp_path, AUDIT_WRITE_BEHIND_MS="5000"), WORKERS) as server:  # nothing written before the stop
        _refused_get_users(server.url)
        server.stop()
    with sqlite3.connect(tmp_path / "db.sqlite3") as database:
        (written,) = database.execute("SELECT count(*) FROM audit_event WHERE event_name = 'GetUser'").fetchone()
    assert written == CALLS
