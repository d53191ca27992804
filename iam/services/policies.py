"""Managed policies and their versions, inline policies, attachments and permissions boundaries."""
from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction

from iam import errors as iam_errors
from iam import ids
from iam.models import Group, InlinePolicy, ManagedPolicy, PolicyVersion, Principal, Role
from iam.services import documents
from iam.services.entities import DEFAULT_PATH, _tags

MAX_VERSIONS = 5


# Managed policies ---------------------------------------------------------------------------------
def _not_found(arn: str, attaching: bool) -> iam_errors.NoSuchEntity:
    if attaching:  # AWS's wording differs between attaching and reading
        return iam_errors.NoSuchEntity(f"Policy {arn} does not exist or is not attachable.")
    return iam_errors.NoSuchEntity(f"Policy {arn} was not found.")


def get_policy(arn: str, *, attaching: bool = False) -> ManagedPolicy:
    """The customer managed policy this ARN names (`arn:aws:iam::<account>:policy<path><name>`)."""
    prefix = f"arn:aws:iam::{settings.ACCOUNT_ID}:policy/"
    if not arn.startswith(prefix):
        raise _not_found(arn, attaching)
    path_and_name = arn[len(prefix) - 1 :]
    path, _, name = path_and_name.rpartition("/")
    policy = ManagedPolicy.objects.filter(name=name, path=path + "/").first()
    if policy is None:
        raise _not_found(arn, attaching)
    return policy


def create_policy(name: str, document: str, *, path: str | None = None, description: str | None = None, tags: list[dict] | None = None) -> ManagedPolicy:
    documents.validate(document, max_size=documents.MANAGED)
    try:
        with transaction.atomic():
            policy = ManagedPolicy.objects.create(
                name=name,
                path=path or DEFAULT_PATH,
                policy_id=ids.unique_id(ids.POLICY),
                description=description or "",
                tags=_tags(tags),
            )
            PolicyVersion.objects.create(policy=policy, version_id="v1", document=document)
    except IntegrityError:
        raise iam_errors.EntityAlreadyExists(f"A policy called {name} already exists. Duplicate names are not allowed.") from None
    return policy


def list_policies(*, path_prefix: str | None = None, only_attached: bool = False) -> list[ManagedPolicy]:
    policies = [p for p in ManagedPolicy.objects.order_by("name") if p.path.startswith(path_prefix or "/")]
    return [p for p in policies if attachment_count(p)] if only_attached else policies


def attachment_count(policy: ManagedPolicy) -> int:
    return policy.users.count() + policy.groups.count() + policy.roles.count()


def boundary_usage_count(policy: ManagedPolicy) -> int:
    return policy.boundary_of_users.count() + policy.boundary_of_roles.count()


def delete_policy(arn: str) -> None:
    policy = get_policy(arn)
    if attachment_count(policy):
        raise iam_errors.DeleteConflict("Cannot delete a policy attached to entities.")
    if boundary_usage_count(policy):
        raise iam_errors.DeleteConflict("Cannot delete a policy used as a permissions boundary.")
    policy.delete()


def create_version(arn: str, document: str, *, set_as_default: bool = False) -> PolicyVersion:
    with transaction.atomic():
        policy = get_policy(arn)
        policy = ManagedPolicy.objects.select_for_update().get(pk=policy.pk)
        documents.validate(document, max_size=documents.MANAGED)
        if policy.versions.count() >= MAX_VERSIONS:
            raise iam_errors.LimitExceeded(
                f"A managed policy can have up to {MAX_VERSIONS} versions. "
                "Before you create a new version, you must delete an existing version."
            )
        version = PolicyVersion.objects.create(policy=policy, version_id=f"v{policy.next_version}", document=document)
        policy.next_version += 1
        if set_as_default:
            policy.default_version_id = version.version_id
        policy.save()
    return version


def get_version(arn: str, version_id: str) -> PolicyVersion:
    policy = get_policy(arn)
    version = policy.versions.filter(version_id=version_id).first()
    if version is None:
        raise iam_errors.NoSuchEntity(f"Policy {arn} version {version_id} does not exist or is not attachable.")
    return version


def list_versions(arn: str) -> list[PolicyVersion]:
    return list(get_policy(arn).versions.order_by("-created", "-id"))


def set_default_version(arn: str, version_id: str) -> None:
    version = get_version(arn, version_id)
    policy = version.policy
    policy.default_version_id = version_id
    policy.save()


def delete_version(arn: str, version_id: str) -> None:
    version = get_version(arn, version_id)
    if version.policy.default_version_id == version_id:
        raise iam_errors.DeleteConflict("Cannot delete the default version of a policy.")
    version.delete()


# Attachments --------------------------------------------------------------------------------------
def attach(entity: Principal | Group | Role, arn: str) -> None:
    policy = get_policy(arn, attaching=True)
    entity.attached_policies.add(policy)


def detach(entity: Principal | Group | Role, arn: str) -> None:
    policy = get_policy(arn)
    if not entity.attached_policies.filter(pk=policy.pk).exists():
        raise iam_errors.NoSuchEntity(f"Policy {arn} was not found.")
    entity.attached_policies.remove(policy)


def attached(entity: Principal | Group | Role, path_prefix: str | None = None) -> list[ManagedPolicy]:
    return [p for p in entity.attached_policies.order_by("name") if p.path.startswith(path_prefix or "/")]


def entities_for(arn: str) -> tuple[list[Principal], list[Group], list[Role]]:
    policy = get_policy(arn)
    return list(policy.users.order_by("name")), list(policy.groups.order_by("name")), list(policy.roles.order_by("name"))


# Permissions boundaries ---------------------------------------------------------------------------
def boundary_policy(arn: str) -> ManagedPolicy:
    """A boundary must be a managed policy; AWS says so with InvalidInput when it is not."""
    try:
        return get_policy(arn, attaching=True)
    except iam_errors.NoSuchEntity:
        raise iam_errors.NoSuchEntity(f"Scope ARN: {arn} does not exist or is not attachable.") from None


def put_boundary(entity: Principal | Role, arn: str) -> None:
    entity.permissions_boundary = boundary_policy(arn)
    entity.save(update_fields=["permissions_boundary"])


def delete_boundary(entity: Principal | Role) -> None:
    entity.permissions_boundary = None
    entity.save(update_fields=["permissions_boundary"])


# Inline policies ----------------------------------------------------------------------------------
_INLINE = {Principal: ("user", documents.USER_INLINE), Group: ("group", documents.GROUP_INLINE), Role: ("role", documents.ROLE_INLINE)}


def put_inline(owner: Principal | Group | Role, name: str, document: str) -> None:
    kind, limit = _INLINE[type(owner)]
    documents.validate(document, max_size=limit)
    InlinePolicy.objects.update_or_create(**{kind: owner}, name=name, defaults={"document": document})


def get_inline(owner: Principal | Group | Role, name: str) -> InlinePolicy:
    kind, _ = _INLINE[type(owner)]
    policy = owner.inline_policies.filter(name=name).first()
    if policy is None:
        raise iam_errors.NoSuchEntity(f"The {kind} policy with name {name} cannot be found.")
    return policy


def list_inline(owner: Principal | Group | Role) -> list[str]:
    return list(owner.inline_policies.order_by("name").values_list("name", flat=True))


def delete_inline(owner: Principal | Group | Role, name: str) -> None:
    get_inline(owner, name).delete()
