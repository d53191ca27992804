"""Finding pool users from the admin's search box without scanning a large pool.

Every lookup is an index probe: a username prefix on (pool, username_key), an email or phone
prefix on (pool, name, value), an exact email in any case on (pool, name, LOWER(value)), and a
`sub` on (pool, sub). The changelist then filters by the primary keys found, so the page and
its count stay index walks however many users the pools hold.
"""
from __future__ import annotations

import uuid

from django.db.models import Q
from django.db.models.functions import Lower

from userpools.models import User, UserAttribute, UserPool

SEARCHED_ATTRIBUTES = ("email", "phone_number")
MATCH_LIMIT = 500  # per kind of match; a search is for finding users, not for listing a pool


def matching_user_ids(term: str, pool_id: str | None) -> list[int]:
    """Ids of the users whose username, email or phone starts with `term` (as typed or in lower
    case), whose email is `term` in any case, or whose sub is `term`; in one pool or in all."""
    pool_ids = [pool_id] if pool_id else list(UserPool.objects.values_list("id", flat=True))
    prefixes = {term, term.lower()}
    by_username = Q()
    by_attribute = Q(folded=term.lower())
    for prefix in prefixes:
        by_username |= Q(username_key__startswith=prefix)
        by_attribute |= Q(value__startswith=prefix)
    found = set(User.objects.filter(by_username, pool_id__in=pool_ids).values_list("id", flat=True)[:MATCH_LIMIT])
    attributes = UserAttribute.objects.alias(folded=Lower("value")).filter(by_attribute, pool_id__in=pool_ids, name__in=SEARCHED_ATTRIBUTES)
    found.update(attributes.values_list("user_id", flat=True)[:MATCH_LIMIT])
    try:
        sub = uuid.UUID(term)
    except ValueError:
        return sorted(found)
    found.update(User.objects.filter(pool_id__in=pool_ids, sub=sub).values_list("id", flat=True))
    return sorted(found)
