"""Tags on user pools, addressed by the pool's ARN. They are the same tags as UserPoolTags in
Create/Describe/UpdateUserPool (`UserPool.tags`)."""
from __future__ import annotations

from django.conf import settings
from django.db import transaction

from core.errors import InvalidParameterException, ResourceNotFoundException
from userpools.models import UserPool

MAX_TAGS_PER_POOL = 50
_RESERVED_PREFIX = "aws:"


def pool_id_from_arn(arn: str) -> str:
    """`arn:aws:cognito-idp:<region>:<account>:userpool/<id>` -> `<id>`, if it can name one of our pools."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "cognito-idp" or not parts[5].startswith("userpool/"):
        raise InvalidParameterException(f"Invalid ARN: {arn}")
    pool_id = parts[5][len("userpool/"):]
    if parts[3] != settings.REGION or parts[4] != settings.ACCOUNT_ID or not pool_id:
        raise ResourceNotFoundException(f"User pool {pool_id or arn} does not exist.")
    return pool_id


def validate_tags(tags: dict[str, str]) -> None:
    """The rules every set of user-pool tags obeys, however it was written."""
    if len(tags) > MAX_TAGS_PER_POOL:
        raise InvalidParameterException(f"A user pool can have at most {MAX_TAGS_PER_POOL} tags.")
    reserved = sorted(key for key in tags if key.lower().startswith(_RESERVED_PREFIX))
    if reserved:
        raise InvalidParameterException(f"Tag keys may not begin with '{_RESERVED_PREFIX}': {', '.join(reserved)}")


def _locked_pool(arn: str) -> UserPool:
    pool_id = pool_id_from_arn(arn)
    pool = UserPool.objects.select_for_update(no_key=True).filter(pk=pool_id).first()
    if pool is None:
        raise ResourceNotFoundException(f"User pool {pool_id} does not exist.")
    return pool


@transaction.atomic
def tag_resource(arn: str, tags: dict[str, str]) -> None:
    """Add tags, overwriting the values of keys that are already there."""
    pool = _locked_pool(arn)
    merged = {**pool.tags, **tags}
    validate_tags(merged)
    pool.tags = merged
    pool.save(update_fields=["tags"])  # tags are not pool settings: LastModifiedDate stays


@transaction.atomic
def untag_resource(arn: str, keys: list[str]) -> None:
    """Remove tags by key; keys that are not there are ignored."""
    pool = _locked_pool(arn)
    removed = set(keys)
    pool.tags = {key: value for key, value in pool.tags.items() if key not in removed}
    pool.save(update_fields=["tags"])


def list_tags(arn: str) -> dict[str, str]:
    """ListTagsForResource."""
    pool_id = pool_id_from_arn(arn)
    pool = UserPool.objects.filter(pk=pool_id).only("id", "tags").first()
    if pool is None:
        raise ResourceNotFoundException(f"User pool {pool_id} does not exist.")
    return dict(pool.tags)
