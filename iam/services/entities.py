"""IAM users, groups (with membership) and roles: the use cases behind the IAM API and admin."""
from __future__ import annotations

from django.db import IntegrityError, transaction

from iam import errors as iam_errors
from iam import ids
from iam.models import Group, ManagedPolicy, Principal, Role
from iam.services import documents

DEFAULT_PATH = "/"


def _tags(tags: list[dict] | None) -> dict[str, str]:
    return {tag["Key"]: tag.get("Value", "") for tag in tags or []}


# Users --------------------------------------------------------------------------------------------
def get_user(name: str) -> Principal:
    user = Principal.objects.filter(name=name, is_root=False).first()
    if user is None:
        raise iam_errors.NoSuchEntity(f"The user with name {name} cannot be found.")
    return user


def create_user(name: str, *, path: str | None = None, boundary: ManagedPolicy | None = None, tags: list[dict] | None = None) -> Principal:
    try:
        with transaction.atomic():
            return Principal.objects.create(
                name=name, path=path or DEFAULT_PATH, permissions_boundary=boundary, tags=_tags(tags)
            )
    except IntegrityError:
        raise iam_errors.EntityAlreadyExists(f"User with name {name} already exists.") from None


def list_users(path_prefix: str | None = None) -> list[Principal]:
    users = Principal.objects.filter(is_root=False).order_by("name")
    return [u for u in users if u.path.startswith(path_prefix or "/")]


def update_user(name: str, *, new_name: str | None = None, new_path: str | None = None) -> Principal:
    user = get_user(name)
    if new_name and new_name != user.name:
        if Principal.objects.filter(name=new_name).exists():
            raise iam_errors.EntityAlreadyExists(f"User with name {new_name} already exists.")
        user.name = new_name
    if new_path:
        user.path = new_path
    user.save()
    return user


def delete_user(name: str) -> None:
    """AWS refuses while the user still has keys, policies or groups."""
    user = get_user(name)
    if user.access_keys.exists():
        raise iam_errors.DeleteConflict("Cannot delete entity, must delete access keys first.")
    if user.inline_policies.exists():
        raise iam_errors.DeleteConflict("Cannot delete entity, must delete policies first.")
    if user.attached_policies.exists():
        raise iam_errors.DeleteConflict("Cannot delete entity, must detach all policies first.")
    if user.iam_groups.exists():
        # AWS words it so for a user too (observed: "DeleteConflict: ... must remove users from group first.").
        raise iam_errors.DeleteConflict("Cannot delete entity, must remove users from group first.")
    user.delete()


def tag_user(name: str, tags: list[dict]) -> None:
    user = get_user(name)
    user.tags = {**user.tags, **_tags(tags)}
    user.save(update_fields=["tags"])


def untag_user(name: str, keys: list[str]) -> None:
    user = get_user(name)
    user.tags = {k: v for k, v in user.tags.items() if k not in keys}
    user.save(update_fields=["tags"])


# Groups -------------------------------------------------------------------------------------------
def get_group(name: str) -> Group:
    group = Group.objects.filter(name=name).first()
    if group is None:
        raise iam_errors.NoSuchEntity(f"The group with name {name} cannot be found.")
    return group


def create_group(name: str, *, path: str | None = None) -> Group:
    try:
        with transaction.atomic():
            return Group.objects.create(name=name, path=path or DEFAULT_PATH, group_id=ids.unique_id(ids.GROUP))
    except IntegrityError:
        raise iam_errors.EntityAlreadyExists(f"Group with name {name} already exists.") from None


def list_groups(path_prefix: str | None = None) -> list[Group]:
    return [g for g in Group.objects.order_by("name") if g.path.startswith(path_prefix or "/")]


def update_group(name: str, *, new_name: str | None = None, new_path: str | None = None) -> Group:
    group = get_group(name)
    if new_name and new_name != group.name:
        if Group.objects.filter(name=new_name).exists():
            raise iam_errors.EntityAlreadyExists(f"Group with name {new_name} already exists.")
        group.name = new_name
    if new_path:
        group.path = new_path
    group.save()
    return group


def add_user_to_group(group_name: str, user_name: str) -> None:
    group = get_group(group_name)
    group.members.add(get_user(user_name))


def remove_user_from_group(group_name: str, user_name: str) -> None:
    group = get_group(group_name)
    user = get_user(user_name)
    if not group.members.filter(pk=user.pk).exists():
        raise iam_errors.NoSuchEntity(f"The user with name {user_name} cannot be found.")
    group.members.remove(user)


def delete_group(name: str) -> None:
    group = get_group(name)
    if group.members.exists():
        raise iam_errors.DeleteConflict("Cannot delete entity, must remove users from group first.")
    if group.inline_policies.exists():
        raise iam_errors.DeleteConflict("Cannot delete entity, must delete policies first.")
    if group.attached_policies.exists():
        raise iam_errors.DeleteConflict("Cannot delete entity, must detach all policies first.")
    group.delete()


# Roles --------------------------------------------------------------------------------------------
def get_role(name: str) -> Role:
    role = Role.objects.filter(name=name).first()
    if role is None:
        raise iam_errors.NoSuchEntity(f"The role with name {name} cannot be found.")
    return role


def create_role(
    name: str,
    trust_policy: str,
    *,
    path: str | None = None,
    description: str | None = None,
    max_session_duration: int | None = None,
    boundary: ManagedPolicy | None = None,
    tags: list[dict] | None = None,
) -> Role:
    documents.validate(trust_policy, kind=documents.TRUST, max_size=documents.TRUST_SIZE)
    try:
        with transaction.atomic():
            return Role.objects.create(
                name=name,
                path=path or DEFAULT_PATH,
                role_id=ids.unique_id(ids.ROLE),
                assume_role_policy=trust_policy,
                description=description or "",
                max_session_duration=max_session_duration or 3600,
                permissions_boundary=boundary,
                tags=_tags(tags),
            )
    except IntegrityError:
        raise iam_errors.EntityAlreadyExists(f"Role with name {name} already exists.") from None


def list_roles(path_prefix: str | None = None) -> list[Role]:
    return [r for r in Role.objects.order_by("name") if r.path.startswith(path_prefix or "/")]


def update_role(name: str, *, description: str | None = None, max_session_duration: int | None = None) -> Role:
    role = get_role(name)
    if description is not None:
        role.description = description
    if max_session_duration is not None:
        role.max_session_duration = max_session_duration
    role.save()
    return role


def update_trust_policy(name: str, trust_policy: str) -> None:
    role = get_role(name)
    documents.validate(trust_policy, kind=documents.TRUST, max_size=documents.TRUST_SIZE)
    role.assume_role_policy = trust_policy
    role.save(update_fields=["assume_role_policy"])


def delete_role(name: str) -> None:
    role = get_role(name)
    if role.inline_policies.exists():
        raise iam_errors.DeleteConflict("Cannot delete entity, must delete policies first.")
    if role.attached_policies.exists():
        raise iam_errors.DeleteConflict("Cannot delete entity, must detach all policies first.")
    role.delete()


def tag_role(name: str, tags: list[dict]) -> None:
    role = get_role(name)
    merged = {**role.tags, **_tags(tags)}
    if len(merged) > 50:
        raise iam_errors.LimitExceeded("The number of tags has reached the maximum limit.")
    role.tags = merged
    role.save(update_fields=["tags"])


def untag_role(name: str, keys: list[str]) -> None:
    role = get_role(name)
    role.tags = {k: v for k, v in role.tags.items() if k not in keys}
    role.save(update_fields=["tags"])
