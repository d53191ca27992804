"""Policy documents on the wire and on write: validated with the evaluator's own parser, and
returned URL-encoded as IAM returns them (botocore decodes them)."""
from __future__ import annotations

from urllib.parse import quote

from iam import errors as iam_errors
from iam.policy import document as policy_document
from iam.policy import load
from iam.policy.errors import PolicyError

IDENTITY, TRUST = "identity", "trust"
MANAGED = policy_document.MANAGED_POLICY_SIZE
USER_INLINE = policy_document.USER_INLINE_SIZE
GROUP_INLINE = policy_document.GROUP_INLINE_SIZE
ROLE_INLINE = policy_document.ROLE_INLINE_SIZE
TRUST_SIZE = policy_document.TRUST_POLICY_SIZE


def validate(text: str, *, kind: str = IDENTITY, max_size: int | None = None):
    """The compiled policy for `text`, or IAM's error (MalformedPolicyDocument, LimitExceeded)."""
    try:
        return policy_document.parse_policy(text, kind=kind, max_size=max_size)
    except PolicyError as exc:
        if exc.code == "LimitExceeded":
            raise iam_errors.LimitExceeded(exc.message) from None
        raise iam_errors.MalformedPolicyDocument(exc.message) from None


def compile_policy(text: str, *, kind: str = IDENTITY, name: str = ""):
    """A stored document compiled for evaluation (stored ones were validated on write; compiled
    forms are cached by the evaluator per text)."""
    return load(text, name, kind)


def encoded(text: str) -> str:
    """A document as IAM puts it on the wire: URL-encoded JSON."""
    return quote(text, safe="")
