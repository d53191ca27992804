"""Pools, app clients and active signing keys, cached in each process.

Nearly every call reads its pool or app client, and every token issue the pool's signing key;
they change rarely. Each is cached per process under one shared generation (core.generation),
bumped by any save or delete of a pool, client or signing key (signal receivers connected in
`UserpoolsConfig.ready()`), so a change reaches every process on its next call.
"""
from __future__ import annotations

from typing import Any

from core.generation import Generation, ProcessCache
from userpools.models import SigningKey, UserPool, UserPoolClient

GENERATION = Generation("userpools:config-generation")
_pools: ProcessCache[UserPool] = ProcessCache(GENERATION)
_clients: ProcessCache[UserPoolClient] = ProcessCache(GENERATION)
# Signing keys are only read (their kid and key), so every caller shares the cached one.
_signing_keys: ProcessCache[SigningKey] = ProcessCache(GENERATION, copies=False)


def pool(pool_id: str) -> UserPool | None:
    """The pool (a private copy the caller may change), or None."""
    return _pools.get(pool_id, lambda: _load_pool(pool_id))


def pool_to_read(pool_id: str) -> UserPool | None:
    """The pool shared by this process's readers (never to be changed: changes lock a row of their own), or None."""
    return _pools.get_shared(pool_id, lambda: _load_pool(pool_id))


def client(client_id: str) -> UserPoolClient | None:
    """The app client with its pool loaded (a private copy), or None."""
    return _clients.get(client_id, lambda: _load_client(client_id))


def client_to_read(client_id: str) -> UserPoolClient | None:
    """The app client with its pool, shared by this process's readers (never to be changed), or None."""
    return _clients.get_shared(client_id, lambda: _load_client(client_id))


def _load_pool(pool_id: str) -> UserPool | None:
    return UserPool.objects.filter(pk=pool_id).first()


def _load_client(client_id: str) -> UserPoolClient | None:
    return UserPoolClient.objects.select_related("pool").filter(client_id=client_id).first()


def current_signing_key(pool_id: str) -> SigningKey | None:
    """The newest unretired signing key of the pool (shared: not to be changed), or None."""
    return _signing_keys.get(
        pool_id, lambda: SigningKey.objects.filter(pool_id=pool_id, retired_at__isnull=True).order_by("-created", "-id").first()
    )


def changed(**_: Any) -> None:
    """Signal receiver: a pool, client or signing key changed; every process forgets them."""
    GENERATION.bump()


CACHED_MODELS = (UserPool, UserPoolClient, SigningKey)
