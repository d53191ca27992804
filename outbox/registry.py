"""Kinds of outbox message and their handlers, registered by the apps that own them in
`AppConfig.ready()` (user pools: mail and SMS; triggers: asynchronous invocations).

A handler takes the decrypted payload and the attempt number (1 for the first); it returns when
the message is delivered and raises to have it retried later with back-off.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Handler = Callable[[dict[str, Any], int], None]


@dataclass(frozen=True)
class Kind:
    name: str
    handler: Handler
    max_attempts: Callable[[], int]  # read at each attempt, so settings may change it


_KINDS: dict[str, Kind] = {}


def register(name: str, handler: Handler, max_attempts: int | Callable[[], int]) -> None:
    """Make `name` deliverable through `handler`, tried up to `max_attempts` times."""
    limit = max_attempts if callable(max_attempts) else (lambda: max_attempts)
    _KINDS[name] = Kind(name, handler, limit)


def kind(name: str) -> Kind | None:
    return _KINDS.get(name)
