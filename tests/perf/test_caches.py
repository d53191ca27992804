"""The per-process caches of pools, clients and signing keys (userpools.config_cache) follow
changes: a bump by another process, a change in this one, and never keep a rolled-back change."""
from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import transaction

from core.errors import ResourceNotFoundException
from userpools import config_cache
from userpools.models import UserPool
from userpools.services.pools import get_pool, get_pool_to_read

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pool():
    return UserPool.objects.create(id="us-east-1_CacheTest", name="before")


def test_another_process_bump_is_seen(pool):
    assert get_pool(pool.pk).name == "before"
    UserPool.objects.filter(pk=pool.pk).update(name="after")  # behind the cache's back, as another process's write
    assert get_pool(pool.pk).name == "before"  # still cached here
    cache.set(config_cache.GENERATION.key, "bumped-elsewhere", None)  # that process's bump
    assert get_pool(pool.pk).name == "after"


def test_a_save_reaches_the_cache_at_once(pool):
    assert get_pool(pool.pk).name == "before"
    pool.name = "renamed"
    pool.save()
    assert get_pool(pool.pk).name == "renamed"


def test_a_rolled_back_change_is_never_kept(pool):
    get_pool(pool.pk)
    with pytest.raises(RuntimeError), transaction.atomic():
        changed = UserPool.objects.get(pk=pool.pk)
        changed.name = "uncommitted"
        changed.save()
        assert get_pool(pool.pk).name == "uncommitted"  # the transaction sees its own change
        raise RuntimeError("roll back")
    assert get_pool(pool.pk).name == "before"


def test_callers_get_copies(pool):
    mine = get_pool(pool.pk)
    mine.config["Policies"] = {"changed": True}
    mine.name = "scribbled"
    assert get_pool(pool.pk).name == "before"
    assert get_pool(pool.pk).config.get("Policies") != {"changed": True}


def test_readers_share_one_copy_that_follows_changes(pool):
    shared = get_pool_to_read(pool.pk)
    assert get_pool_to_read(pool.pk) is shared  # no copy per read
    assert get_pool(pool.pk) is not shared  # a caller that may change it gets its own
    pool.name = "renamed"
    pool.save()
    assert get_pool_to_read(pool.pk).name == "renamed"
    assert shared.name == "before"  # the old copy was replaced, not changed under a reader


def test_a_miss_hands_the_loaded_value_to_readers_only(pool):
    config_cache._pools.clear()  # noqa: SLF001
    mine = get_pool(pool.pk)  # loaded on a miss: a copy all the same
    mine.name = "scribbled"
    assert get_pool_to_read(pool.pk).name == "before"
    with pytest.raises(ResourceNotFoundException):
        get_pool_to_read("us-east-1_Missing")
