"""Organizations use cases: the SCPs an operator writes and attaches, and `effective_scps()`, the
guardrails the IAM authorizer applies to every call.

The organization has two targets an SCP can be attached to, its root and this account (a member
account: SCPs bound it). As on AWS once SCPs are enabled, AWS's FullAWSAccess policy is attached to
both from the start, every target keeps at least one SCP (so FullAWSAccess is replaced by attaching
another policy first) and at most five.
"""
from __future__ import annotations

import json
import logging
import threading

from django.conf import settings
from django.db import IntegrityError, connection, transaction

from core.errors import InvalidParameterException
from core.generation import Generation
from core.pagination import keyset_page
from organizations import ids
from organizations.documents import for_evaluation, validate_scp
from organizations.errors import (
    ConstraintViolationException,
    DuplicatePolicyAttachmentException,
    DuplicatePolicyException,
    InvalidInputException,
    PolicyInUseException,
    PolicyNotAttachedException,
    PolicyNotFoundException,
    PolicyTypeNotAvailableForOrganizationException,
    TargetNotFoundException,
)
from organizations.models import Attachment, Policy

log = logging.getLogger(__name__)

FULL_AWS_ACCESS_CONTENT = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}, indent=2
)
MAX_POLICIES = 1000
MAX_SCPS_PER_TARGET = 5
MIN_SCPS_PER_TARGET = 1
MAX_TAGS = 50
LEVELS = (Attachment.ROOT, Attachment.ACCOUNT)  # from the top of the organization down to the account

Levels = tuple[tuple[str, ...], ...]


# Targets ---------------------------------------------------------------------------------------

def target_kind(target_id: str) -> str:
    """Which of the organization's targets an id names (its root or this account)."""
    if target_id == ids.root_id(settings.ACCOUNT_ID):
        return Attachment.ROOT
    if target_id == settings.ACCOUNT_ID:
        return Attachment.ACCOUNT
    raise TargetNotFoundException()


# Policies --------------------------------------------------------------------------------------

def ensure_defaults() -> Policy:
    """AWS's FullAWSAccess, attached to the root and the account the first time it is needed.

    Created lazily (not by a data migration) so a flushed database, as tests leave it, gets it too.
    """
    policy = Policy.objects.filter(policy_id=ids.FULL_AWS_ACCESS_ID).first()
    if policy is not None:
        return policy
    try:
        with transaction.atomic():
            policy = Policy.objects.create(
                policy_id=ids.FULL_AWS_ACCESS_ID,
                name="FullAWSAccess",
                description="Allows access to every operation",
                content=FULL_AWS_ACCESS_CONTENT,
                aws_managed=True,
            )
            Attachment.objects.bulk_create([Attachment(policy=policy, target=level) for level in LEVELS])
    except IntegrityError:  # another process created it first
        return Policy.objects.get(policy_id=ids.FULL_AWS_ACCESS_ID)
    _changed()
    return policy


def _lock_organization() -> None:
    """Serialize the writes that check counts (limits per target, per organization) on one row."""
    ensure_defaults()
    Policy.objects.select_for_update().filter(policy_id=ids.FULL_AWS_ACCESS_ID).first()


def get_policy(policy_id: str) -> Policy:
    ensure_defaults()
    policy = Policy.objects.filter(policy_id=policy_id).first()
    if policy is None:
        raise PolicyNotFoundException()
    return policy


def create_policy(name: str, description: str, content: str, policy_type: str, tags: list[dict] | None = None) -> Policy:
    """A new customer SCP (other policy types are not available here)."""
    if policy_type != ids.SCP:
        raise PolicyTypeNotAvailableForOrganizationException(
            f"This organization supports only {ids.SCP} policies; {policy_type} is not available."
        )
    validate_scp(content)
    tag_map = _tags(tags or [])
    with transaction.atomic():
        _lock_organization()
        if Policy.objects.count() >= MAX_POLICIES:
            raise ConstraintViolationException("You attempted to exceed the number of policies that you can have in an organization.")
        if Policy.objects.filter(name=name).exists():
            raise DuplicatePolicyException()
        policy = Policy.objects.create(
            policy_id=ids.new_policy_id(), name=name, description=description, content=content, tags=tag_map
        )
    return policy  # not attached anywhere: no guardrail changed


def update_policy(policy_id: str, name: str | None = None, description: str | None = None, content: str | None = None) -> Policy:
    """Change a customer SCP; attached, it bounds the targets at once."""
    if content is not None:
        validate_scp(content)
    with transaction.atomic():
        _lock_organization()
        policy = _customer_policy(policy_id)
        if name is not None and name != policy.name:
            if Policy.objects.filter(name=name).exists():
                raise DuplicatePolicyException()
            policy.name = name
        if description is not None:
            policy.description = description
        if content is not None:
            policy.content = content
        policy.save()
        if content is not None and policy.attachments.exists():
            _changed()
    return policy


def delete_policy(policy_id: str) -> None:
    """Delete a customer SCP that is attached nowhere."""
    with transaction.atomic():
        _lock_organization()
        policy = _customer_policy(policy_id)
        if policy.attachments.exists():
            raise PolicyInUseException()
        policy.delete()


def _customer_policy(policy_id: str) -> Policy:
    policy = Policy.objects.filter(policy_id=policy_id).first()
    if policy is None:
        raise PolicyNotFoundException()
    if policy.aws_managed:
        raise InvalidInputException("You specified a policy that is managed by AWS and can't be modified.")
    return policy


def _tags(tags: list[dict]) -> dict[str, str]:
    if len(tags) > MAX_TAGS:
        raise ConstraintViolationException("You have exceeded the number of tags allowed on this resource.")
    keys = [tag["Key"] for tag in tags]
    if len(set(keys)) != len(keys):
        raise InvalidInputException("You passed in a tag key more than once.")
    return {tag["Key"]: tag["Value"] for tag in tags}


def tags_of(resource_id: str) -> dict[str, str]:
    """The tags of a policy; the root and the account carry none here."""
    if resource_id.startswith("p-"):
        policy = Policy.objects.filter(policy_id=resource_id).first()
        if policy is None:
            raise TargetNotFoundException()
        return dict(policy.tags)
    target_kind(resource_id)  # TargetNotFoundException for anything else
    return {}


def list_policies(policy_type: str, limit: int, token: str | None) -> tuple[list[Policy], str | None]:
    """One page of the policies of a type (only SCPs exist here; other types list nothing)."""
    ensure_defaults()
    if policy_type != ids.SCP:
        return [], None
    return _page(Policy.objects.all(), limit, "organizations-policies", token)


# Attachments -----------------------------------------------------------------------------------

def attach_policy(policy_id: str, target: str) -> None:
    kind = target_kind(target)
    with transaction.atomic():
        _lock_organization()
        policy = get_policy(policy_id)
        attached = Attachment.objects.filter(target=kind)
        if attached.filter(policy=policy).exists():
            raise DuplicatePolicyAttachmentException()
        if attached.count() >= MAX_SCPS_PER_TARGET:
            raise ConstraintViolationException(
                "You attempted to attach a policy to an entity that would cause the entity to exceed the "
                f"maximum of {MAX_SCPS_PER_TARGET} policies of type {ids.SCP}."
            )
        Attachment.objects.create(policy=policy, target=kind)
        _changed()


def detach_policy(policy_id: str, target: str) -> None:
    kind = target_kind(target)
    with transaction.atomic():
        _lock_organization()
        policy = get_policy(policy_id)
        attached = Attachment.objects.filter(target=kind)
        attachment = attached.filter(policy=policy).first()
        if attachment is None:
            raise PolicyNotAttachedException()
        if attached.count() <= MIN_SCPS_PER_TARGET:
            # AWS keeps at least one SCP on every entity: attach the replacement first.
            raise ConstraintViolationException(
                "You attempted to detach a policy from an entity that would cause the entity to have fewer "
                f"than the minimum number of policies of type {ids.SCP} required."
            )
        attachment.delete()
        _changed()


def list_policies_for_target(target: str, policy_type: str, limit: int, token: str | None) -> tuple[list[Policy], str | None]:
    kind = target_kind(target)
    ensure_defaults()
    if policy_type != ids.SCP:
        return [], None
    query = Policy.objects.filter(attachments__target=kind)
    return _page(query, limit, f"organizations-policies-for-{kind}", token)


def list_targets_for_policy(policy_id: str, limit: int, token: str | None) -> tuple[list[str], str | None]:
    """The target kinds (Attachment.ROOT, Attachment.ACCOUNT) a policy is attached to."""
    policy = get_policy(policy_id)
    found, next_token = _page(policy.attachments.all(), limit, f"organizations-targets-{policy.policy_id}", token)
    return [attachment.target for attachment in found], next_token


def _page(query, limit: int, kind: str, token: str | None) -> tuple[list, str | None]:
    try:
        return keyset_page(query, "id", limit, kind, token)
    except InvalidParameterException:
        raise InvalidInputException("You specified an invalid value for nextToken.") from None


# Guardrails for the authorizer -----------------------------------------------------------------

# Moved by every write; read with the request's other generations (core.generation).
_VERSION = Generation("organizations:scps:version")
_memo_lock = threading.Lock()
_memo: tuple[str, Levels] | None = None  # (version, levels) last read by this process


def effective_scps() -> Levels:
    """The SCP documents that bound this account, one tuple per level of the organization from the
    top down: `(root_level_docs, account_level_docs)`. Each document is JSON text as the evaluator
    reads it (`iam.policy.load(text, kind="scp")`): a statement that left Resource out names "*".

    How the evaluator must apply them to a principal's request (AWS's SCP evaluation; the account's
    root user is not bound here, as the issue asks):
      * any Deny statement matching the request, in any document at any level, denies it;
      * otherwise EVERY level must have at least one document with an Allow statement matching the
        request (an allow at the account level does not make up for no allow at the root level);
      * a request the SCPs permit still needs the principal's own policies to allow it: SCPs only
        bound, they never grant.
    Every level holds at least one document (AWS keeps one SCP on every target), so with only
    FullAWSAccess attached everything is permitted and an SCP list without an allow denies all.
    Never flatten the levels into one list: that would let one level's allow cover another's lack.
    With `iam.policy.evaluate`, which takes one SCP layer, the SCPs permit a request when
    `all(evaluate(request, identity=[ALLOW_ALL], scps=level).allowed for level in levels)`
    (tests/organizations/test_effective_scps.py::allowed_by_scps does exactly that).

    Cheap on every request: a version that every write changes, read from Django's cache (so all
    processes see it) together with the request's other generations; the documents are read from the database once per version and process.
    The result is immutable and hashable, so the evaluator may cache parsed forms keyed by it.
    """
    global _memo
    memo = _memo
    if memo is not None and memo[0] == _VERSION.current():
        return memo[1]
    ensure_defaults()  # may write (the first time), which moves the version: read it after
    version = _VERSION.current()  # before the rows, so a write between the two is never kept under it
    levels = _read_levels()
    if connection.in_atomic_block:
        # The rows may include this transaction's own writes, which may yet roll back (or come from
        # an older snapshot): use them, never keep them, and refresh the memo once committed.
        # (Every write moves the version at once, so a kept memo is never taken for them.)
        transaction.on_commit(_refresh_memo)
        return levels
    with _memo_lock:
        _memo = (version, levels)
    return levels


def _refresh_memo() -> None:
    try:
        effective_scps()
    except Exception:  # only a warm-up: the next call reads afresh anyway
        log.exception("Could not refresh the SCP memo")


def _read_levels() -> Levels:
    rows = Attachment.objects.order_by("id").values_list("target", "policy__content")
    by_level: dict[str, list[str]] = {level: [] for level in LEVELS}
    for level, content in rows:
        by_level[level].append(for_evaluation(content))
    return tuple(tuple(by_level[level]) for level in LEVELS)


def _changed() -> None:
    """Make every process read the SCPs afresh: now, and again once the change is committed (a
    process that read between the two kept the old documents under the first version)."""
    _VERSION.bump()


def forget_cached_scps(**kwargs) -> None:
    """Receiver for post_migrate: a migrate or flush changed the tables without our writes."""
    _VERSION.bump()
