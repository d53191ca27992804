"""A worker held by one request for longer than WEB_REQUEST_TIMEOUT_SECONDS ends itself, and the
web server starts a fresh one in its place: gunicorn's worker timeout, which granian has not.

What a call waits on is bounded where it waits (triggers, Redis, mail), but not everything is: a
row lock that is never released, a query that runs for ever, a loop that does not end. Each
worker of `config.serve` serves one request at a time, so such a call would take the worker out
of service for good. A thread of the worker's own looks at the request in progress once a second;
past the limit it logs the request's method and path and exits the process (its open transaction
is rolled back by the database when the connection drops; the client's connection is cut, as
gunicorn's timeout cut it). It is started only in `config.serve`'s workers (`ENV_MARK`), where
requests come one at a time: a server that runs requests in parallel threads needs its own limit.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

ENV_MARK = "IDENTITY_ONE_REQUEST_PER_WORKER"  # set by config.serve for its workers
_EXIT_STATUS = 70  # EX_SOFTWARE: the server sees a failed worker and starts another
_current: tuple[float, str] | None = None  # (monotonic start, "METHOD /path") of the request being served
_before_exit: list[Callable[[], object]] = []


def before_exit(callback: Callable[[], object]) -> None:
    """Have a worker that ends itself call `callback` first (to write what it holds in memory);
    the callback bounds its own wait, as the stuck request may hold what it waits for."""
    _before_exit.append(callback)


def _request_started(environ: dict | None = None, **_: Any) -> None:
    global _current
    described = f"{environ.get('REQUEST_METHOD', '?')} {environ.get('PATH_INFO', '?')}" if environ else "?"
    _current = (time.monotonic(), described)


def _request_finished(**_: Any) -> None:
    global _current
    _current = None


def _watch(limit: float, every: float) -> None:
    while True:
        time.sleep(every)
        current = _current
        if current is not None and time.monotonic() - current[0] > limit:
            log.critical("%s has run for more than %s s: this worker stops, and the server starts a fresh one", current[1], limit)
            for callback in _before_exit:
                try:
                    callback()
                except Exception:
                    log.exception("A before-exit callback failed")
            logging.shutdown()  # flush the line above before the process ends
            os._exit(_EXIT_STATUS)


def start(limit: float, every: float = 1.0) -> None:
    """Watch this process's requests (once per worker, before it serves); 0 turns it off."""
    if limit <= 0:
        return
    from django.core.signals import request_finished, request_started

    request_started.connect(_request_started, dispatch_uid="core-watchdog-started")
    request_finished.connect(_request_finished, dispatch_uid="core-watchdog-finished")
    threading.Thread(target=_watch, args=(limit, every), name="request-watchdog", daemon=True).start()
