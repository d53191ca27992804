"""In-process caches that every process drops together.

A `Generation` is a token in Django's shared cache (Redis in production, the database cache or
local memory otherwise). Whatever a process caches is stored under the token it read *before*
reading the database; a change bumps the token (at once, and again when its transaction
commits), so every process sees its entries superseded on its next read of the token, and a
value read before the commit can never outlive it. A `ProcessCache` holds the values: a bounded
dictionary that is never filled from a transaction's own uncommitted change.

While the shared cache is down (Redis unreachable), every read of a token gives a fresh one that
matches nothing, so each call reads the database: slower, never stale. Outside requests (workers,
commands, tests) every read goes to the cache.

In requests (`connect_request_signals`) the tokens are read all together, in one round trip
however many caches a request consults, and a thread reuses what it read for the next
GENERATION_REUSE_MS milliseconds: most requests then make no round trip for them at all. So that
no request starting after a change has returned can see what the change replaced, the change
waits that long after its commit's bump before it answers (`answer_once_changes_settled`, a
middleware; outside requests the bump itself waits): by then every process's earlier read has
expired. A request running while a change is made may see either side of it, as before.

A call that knows early which other key it will read (a sign-in's failure count per address) can
have it fetched in the same round trip when the tokens are read (`read_along`, then
`value_read_along`).
"""
from __future__ import annotations

import pickle
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")
_local = threading.local()
_keys: list[str] = []  # of every Generation, read together
_UNAVAILABLE = "unavailable:"  # a token read while the shared cache was down: it matches nothing
_NOT_READ = object()


def _reuse_seconds() -> float:
    return settings.GENERATION_REUSE_MS / 1000


def _request_started(**_: Any) -> None:
    kept: dict[str, str] | None = getattr(_local, "kept", None)
    expired = time.monotonic() >= getattr(_local, "read_at", 0.0) + _reuse_seconds()
    if kept is None or expired or any(token.startswith(_UNAVAILABLE) for token in kept.values()):
        kept = _local.kept = {}  # read again at the request's first use
    _local.memo = kept
    _local.along = {}
    _local.answer_after = None


def _request_finished(**_: Any) -> None:
    _local.memo = None
    _local.along = None


def connect_request_signals() -> None:
    """Read the generations at most once per request, and reuse them (call from an AppConfig.ready())."""
    from django.core.signals import request_finished, request_started

    request_started.connect(_request_started, dispatch_uid="core-generation-request-started")
    request_finished.connect(_request_finished, dispatch_uid="core-generation-request-finished")


def _memo() -> dict[str, str] | None:
    return getattr(_local, "memo", None)


def read_along(key: str) -> None:
    """Have this request's one read of the generations fetch the shared-cache `key` as well; a
    no-op outside a request or once the generations were read."""
    along, memo = getattr(_local, "along", None), _memo()
    if along is not None and memo is not None and not memo:
        along[key] = _NOT_READ


def value_read_along(key: str) -> Any:
    """`key`'s value as fetched with the generations (once: a second call reads the cache), or
    read now when it was not."""
    along = getattr(_local, "along", None)
    value = along.pop(key, _NOT_READ) if along else _NOT_READ
    return cache.get(key) if value is _NOT_READ else value


def _uncommitted() -> set[str]:
    """Tokens this thread bumped inside a transaction that has not committed (yet, or ever)."""
    tokens = getattr(_local, "tokens", None)
    if tokens is None:
        tokens = _local.tokens = set()
    return tokens


class Generation:
    """One shared token; `bump` makes every process's entries under older tokens stale."""

    def __init__(self, key: str):
        self.key = key
        if key not in _keys:
            _keys.append(key)

    def current(self) -> str:
        try:
            return self._read()
        except Exception:  # the shared cache is down: nothing cached may be trusted, so match nothing
            token = f"{_UNAVAILABLE}{uuid.uuid4().hex}"
            self._remember(token)
            return token

    def _read(self) -> str:
        memo = _memo()
        if memo is not None:
            if not memo:
                along = getattr(_local, "along", None) or {}
                _local.read_at = time.monotonic()  # before the read: what it finds is that old at most
                found = cache.get_many([*_keys, *along])
                memo.update((key, found[key]) for key in _keys if key in found)
                for key in along:
                    along[key] = found.get(key)
            token = memo.get(self.key)
            if token is not None:
                return token
        token = cache.get(self.key)
        if token is None:
            cache.add(self.key, uuid.uuid4().hex, None)
            token = cache.get(self.key) or "uncached"
        self._remember(token)
        return token

    def _remember(self, token: str) -> None:
        memo = _memo()
        if memo is not None:
            memo[self.key] = token

    def bump(self, **_: Any) -> None:
        """Usable as a signal receiver: bump now (so this transaction's own later reads miss the
        cache) and again once the transaction commits."""
        token = uuid.uuid4().hex
        cache.set(self.key, token, None)
        self._remember(token)
        connection = transaction.get_connection()
        if connection.in_atomic_block:
            _uncommitted().add(token)
            transaction.on_commit(self._bump_committed)
        else:
            _uncommitted().clear()
            _outlast_reuse()

    def _bump_committed(self) -> None:
        token = uuid.uuid4().hex
        cache.set(self.key, token, None)
        self._remember(token)
        _outlast_reuse()

    def may_store(self, token: str) -> bool:
        """Whether a value read now may be kept under `token`: not when this thread's own
        uncommitted change made the token (it may yet roll back), nor while the cache is down."""
        if token.startswith(_UNAVAILABLE):
            return False
        if not transaction.get_connection().in_atomic_block:
            return True
        return token not in _uncommitted()


def _outlast_reuse() -> None:
    """Wait until every token another process read before the bump has expired (see the module
    doc): in a request, before it answers (however many bumps it made); elsewhere, now."""
    seconds = _reuse_seconds()
    if seconds <= 0:
        return
    if _memo() is not None:
        _local.answer_after = time.monotonic() + seconds
    else:
        time.sleep(seconds)


def answer_once_changes_settled(get_response: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Middleware: a request that bumped a generation answers only once the tokens every other
    process read before the bump have expired."""

    def middleware(request: Any) -> Any:
        response = get_response(request)
        answer_after = getattr(_local, "answer_after", None)
        if answer_after is not None:
            _local.answer_after = None
            time.sleep(max(0.0, answer_after - time.monotonic()))
        return response

    return middleware


class ProcessCache(Generic[T]):
    """A bounded per-process map from keys to values, valid for one generation.

    With `copies`, values are kept pickled and `get` hands out a fresh copy, so a caller may change
    what it got without changing the cache (unpickling is several times cheaper than deepcopy);
    `get_shared` hands out one copy made per entry, for hot paths that only read it (unpickling a
    client with its pool was a tenth of a GetUser). Without `copies` both share the value.
    Misses (None) are not cached, so made-up keys cannot fill it.
    """

    def __init__(self, generation: Generation, size: int = 4096, copies: bool = True):
        self.generation = generation
        self.size = size
        self.copies = copies
        # key -> [token, the value (pickled with `copies`), the shared copy once made]
        self._entries: OrderedDict[Hashable, list[Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, load: Callable[[], T | None]) -> T | None:
        """A copy of the value the caller may change (with `copies`), loading it on a miss."""
        return self._read(key, load, shared=False)

    def get_shared(self, key: Hashable, load: Callable[[], T | None]) -> T | None:
        """The value shared by every caller in this process: never to be changed."""
        return self._read(key, load, shared=True)

    def _read(self, key: Hashable, load: Callable[[], T | None], shared: bool) -> T | None:
        token = self.generation.current()
        entry = self._entries.get(key)
        if entry is None or entry[0] != token:
            value = load()
            if value is not None:  # pickled before the caller can change it; shared, it is the shared copy
                self._store(key, [token, pickle.dumps(value) if self.copies else value, value if shared else None])
            return value
        if not self.copies:
            return entry[1]
        if not shared:
            return pickle.loads(entry[1])
        if entry[2] is None:
            entry[2] = pickle.loads(entry[1])  # a race makes two alike copies: harmless
        return entry[2]

    def _store(self, key: Hashable, entry: list[Any]) -> None:
        if self.generation.may_store(entry[0]):
            with self._lock:
                self._entries[key] = entry
                self._entries.move_to_end(key)
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
