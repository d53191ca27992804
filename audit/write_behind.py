"""Records that commit with nothing else, written in batches by one thread per process.

A change's record is written in the change's transaction (`services.store`), so both commit or
neither. Every other record (a read's such as GetUser's, a sign-in's, whose changes commit in
transactions of their own first, a refusal's) used to be one INSERT of its own: ~0.5 ms of a
GetUser's ~1.7 ms of CPU here, most of it the round trip. They are queued here instead, and a
thread writes what was queued within AUDIT_WRITE_BEHIND_MS in one transaction (on PostgreSQL one
COPY, whose rows cost a quarter of the CPU of INSERTs'). They are queued as their fields' values: a
model instance cost more than the rest of the record. Only while records come at least once a
window (`gathers`): one that comes after a quiet window is written by its caller, as it answers.

What this trades, and what it keeps:
- A process killed outright (SIGKILL, power loss) loses what it queued in its last window. A clean
  exit writes the queue first (atexit, and multiprocessing's finalizers for a web worker).
- LookupEvents returns every call that returned before it, from any process (`settle`): it has
  this process's thread write its queue now, and waits two windows and SETTLE_MARGIN_SECONDS, by
  when every other process has written what it queued before. The margin covers a loaded
  machine's late thread wake-ups. Rows are written only on the writer's own connection (or at
  exit): a request's connection may be in a transaction that later rolls back, and the rows with it.
- A write that fails is retried row by row: a row the database refuses (a duplicate key, say) is
  logged and dropped, and the rest are written. While the database is unreachable the rows stay
  queued (at most MAX_QUEUED, oldest dropped first and logged) and are tried again each second.
"""
from __future__ import annotations

import atexit
import logging
import multiprocessing.util
import os
import threading
import time
from typing import Any

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections, router, transaction

from audit.models import Event
from core import prepared

log = logging.getLogger(__name__)
MAX_QUEUED = 10_000
RETRY_SECONDS = 1.0
SETTLE_MARGIN_SECONDS = 0.25
FLUSH_TIMEOUT_SECONDS = 2.0


def window_seconds() -> float:
    return settings.AUDIT_WRITE_BEHIND_MS / 1000


def enabled() -> bool:
    return settings.AUDIT_WRITE_BEHIND_MS > 0


class Writer:
    """This process's queue of records and the thread that writes it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queued_some = threading.Condition(self._lock)  # add -> the thread
        self._hurry = threading.Condition(self._lock)  # flush -> the thread: write now, not at the window's end
        self._wrote = threading.Condition(self._lock)  # the thread -> flush
        self._writing = threading.Lock()  # one batch at a time: the thread's or exit's
        self._queue: list[dict[str, Any]] = []  # events as their fields' values
        self._added = self._written = 0  # records this process queued / wrote (or dropped as refused)
        self._hurried = False
        self._pid: int | None = None
        self._last_arrival = float("-inf")  # monotonic time of the last record `gathers` was asked about

    def gathers(self) -> bool:
        """Whether a record arriving now should be queued: another came within the last window, so
        a batch gathers several. One that comes after a quiet window would make a batch of its own,
        and a lone batch costs the writer's thread more than the INSERT it saves the caller (it
        wakes cold: ~0.7 ms of CPU here, against ~0.1-0.4 ms for the caller's INSERT): a sign-in,
        say, of which one worker serves one every ~25 ms. Unlocked: a race only changes which of
        the two ways a record is written."""
        now = time.monotonic()
        recent = now - self._last_arrival < window_seconds()
        self._last_arrival = now
        return recent

    def add(self, event: dict[str, Any]) -> None:
        """Queue an event, given as its fields' values (services.event_fields)."""
        with self._lock:
            if self._pid != os.getpid():  # first use in this process (a forked worker starts empty)
                self._start()
            self._queue.append(event)
            self._added += 1
            if len(self._queue) > MAX_QUEUED:
                del self._queue[0]
                log.error("Audit queue full: dropped the oldest record")
            self._queued_some.notify()

    def write_queued(self) -> bool:
        """Write what is queued now, on this thread's connection; False if the database could not
        be reached (rows kept). Only the writer's thread and the process's exit call it: a request's
        connection may be in a transaction that is yet to roll back, and the rows with it."""
        with self._writing:
            with self._lock:
                batch, self._queue = self._queue, []
                through = self._added
            if batch:
                alias = router.db_for_write(Event)
                try:
                    if connections[alias].vendor == "postgresql":  # one COPY: its rows commit together
                        prepared.columns(Event, alias).copy(batch)
                    else:
                        with transaction.atomic(using=alias):  # one commit, not one per row
                            prepared.insert_many([Event(**fields) for fields in batch])
                except DatabaseError:
                    if not self._write_one_by_one(batch, alias):
                        return False
            with self._lock:
                self._written = max(self._written, through)
                self._wrote.notify_all()
            return True

    def flush(self, timeout: float) -> bool:
        """Have the writer's thread write what this process queued before now, and wait for it
        (at most `timeout`: False if the database could not be reached in that time)."""
        with self._lock:
            if self._pid != os.getpid():
                return True  # this process has queued nothing
            target = self._added
            if self._queue:
                self._hurried = True
                self._hurry.notify()
            return self._wrote.wait_for(lambda: self._written >= target, timeout)

    def _write_one_by_one(self, batch: list[dict[str, Any]], alias: str) -> bool:
        connections[alias].close_if_unusable_or_obsolete()
        for position, fields in enumerate(batch):
            event = Event(**fields)
            try:
                prepared.insert(event)
            except (OperationalError, InterfaceError):
                connections[alias].close()  # a fresh connection next time
                with self._lock:
                    self._queue[:0] = batch[position:]
                    del self._queue[: max(0, len(self._queue) - MAX_QUEUED)]
                log.exception("Could not write %d audit record(s); will retry", len(batch) - position)
                return False
            except DatabaseError:
                log.exception("Dropped an audit record the database refused: %s %s", event.event_source, event.event_name)
        return True

    def _start(self) -> None:
        self._pid, self._queue, self._added, self._written, self._hurried = os.getpid(), [], 0, 0, False
        threading.Thread(target=self._run, name="audit-writer", daemon=True).start()
        atexit.register(self.write_queued)
        # A multiprocessing child (a web worker) leaves by os._exit, which skips atexit but runs these.
        multiprocessing.util.Finalize(self, self.write_queued, exitpriority=10)

    def _run(self) -> None:
        alias = router.db_for_write(Event)
        self._connect(alias)
        while True:
            with self._lock:
                while not self._queue:
                    self._queued_some.wait()
                if not self._hurried:
                    self._hurry.wait(window_seconds())  # let the window's records gather
                self._hurried = False
            try:
                written = self.write_queued()
            except Exception:  # a defect, not the database: log it, and keep the thread for the next batch
                log.exception("The audit writer failed on a batch")
                written = False
            connections[alias].close_if_unusable_or_obsolete()  # as a request's end would (CONN_MAX_AGE)
            if not written:
                time.sleep(RETRY_SECONDS)

    def _connect(self, alias: str) -> None:
        """Open this thread's connection and make the INSERT before the first batch needs them
        (a cold start took longer than a window on a loaded machine); a failure waits for the batch."""
        try:
            connections[alias].ensure_connection()
            prepared.columns(Event, alias)
        except DatabaseError:
            log.warning("The audit writer could not connect yet; it will when it writes", exc_info=True)


writer = Writer()


def settle() -> None:
    """Before reading the trail: this process's records of calls made before now written by its
    thread, and every other process's (each writes its queue within a window; two leave it room).
    Never call it in a transaction: on SQLite that holds the write lock the other writers need."""
    if enabled():
        until = time.monotonic() + 2 * window_seconds() + SETTLE_MARGIN_SECONDS
        writer.flush(FLUSH_TIMEOUT_SECONDS)
        time.sleep(max(0.0, until - time.monotonic()))
