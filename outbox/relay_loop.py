"""The relay on every Celery worker: a thread that sends due outbox rows every
OUTBOX_RELAY_INTERVAL_SECONDS, straight from the database. It needs no broker, so mail waiting
since Redis went down or since an app process died goes out without beat or any other process."""
from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.db import connections

from outbox import store

log = logging.getLogger(__name__)
_stop = threading.Event()


def run(stop: threading.Event) -> None:
    """Relay until `stop` is set, first at once (catching up on start), then every interval."""
    while not stop.is_set():
        try:
            while store.relay() and not stop.is_set():
                pass  # a full batch: there may be more
        except Exception:
            log.exception("outbox relay pass failed")
        finally:
            connections.close_all()
        stop.wait(settings.OUTBOX_RELAY_INTERVAL_SECONDS)


def _start(**_: Any) -> None:
    _stop.clear()
    threading.Thread(target=run, args=(_stop,), name="outbox-relay", daemon=True).start()


def _stop_relay(**_: Any) -> None:
    _stop.set()


def connect_signals() -> None:
    """Start the relay thread when a Celery worker is ready; stop it when the worker shuts down."""
    from celery.signals import worker_ready, worker_shutdown

    worker_ready.connect(_start, weak=False, dispatch_uid="outbox.relay_loop.start")
    worker_shutdown.connect(_stop_relay, weak=False, dispatch_uid="outbox.relay_loop.stop")
