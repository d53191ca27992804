"""Running calls at the same instant against the live server, and when that can be tested."""
from __future__ import annotations

import os
import threading
from collections.abc import Callable

import pytest
from botocore.exceptions import ClientError
from django.db import connection


def require_postgresql() -> None:
    """Concurrency needs row locks: skip on SQLite, but never skip in CI on PostgreSQL."""
    if connection.vendor == "postgresql":
        return
    if os.environ.get("CI") == "true" and os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.fail("CI runs on PostgreSQL but the test database is not PostgreSQL")
    pytest.skip("concurrency tests need PostgreSQL row locks")


def run_together(calls: list[Callable[[], object]]) -> list[object]:
    """Start every call at once (a barrier), return each result or the ClientError it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except ClientError as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def error_codes(results: list[object]) -> list[str]:
    return [r.response["Error"]["Code"] for r in results if isinstance(r, ClientError)]


def successes(results: list[object]) -> list[object]:
    return [r for r in results if not isinstance(r, ClientError)]
