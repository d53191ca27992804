"""Ids and ARNs of the organization's parts, as AWS spells them. Pure: the account id is a parameter.

The organization and its root are derived from the account id rather than stored: there is one of
each, so every process names them alike without reading anything.
"""
from __future__ import annotations

import hashlib
import secrets
import string

SCP = "SERVICE_CONTROL_POLICY"
FULL_AWS_ACCESS_ID = "p-FullAWSAccess"
_ALPHABET = string.ascii_lowercase + string.digits
# AWS's ids are `p-` + 8..128 characters; botocore's ARN pattern asks for at least 10 lowercase alphanumerics.
_POLICY_ID_LENGTH = 10


def _derived(account_id: str, purpose: str, length: int) -> str:
    digest = int.from_bytes(hashlib.sha256(f"{purpose}:{account_id}".encode()).digest(), "big")
    chars = []
    for _ in range(length):
        digest, index = divmod(digest, len(_ALPHABET))
        chars.append(_ALPHABET[index])
    return "".join(chars)


def organization_id(account_id: str) -> str:
    """`o-` + 10 lowercase alphanumerics, stable for the account."""
    return "o-" + _derived(account_id, "organization", 10)


def root_id(account_id: str) -> str:
    """`r-` + 4 lowercase alphanumerics, stable for the account."""
    return "r-" + _derived(account_id, "root", 4)


def new_policy_id() -> str:
    return "p-" + "".join(secrets.choice(_ALPHABET) for _ in range(_POLICY_ID_LENGTH))


def organization_arn(account_id: str) -> str:
    return f"arn:aws:organizations::{account_id}:organization/{organization_id(account_id)}"


def root_arn(account_id: str) -> str:
    return f"arn:aws:organizations::{account_id}:root/{organization_id(account_id)}/{root_id(account_id)}"


def account_arn(account_id: str) -> str:
    return f"arn:aws:organizations::{account_id}:account/{organization_id(account_id)}/{account_id}"


def policy_arn(account_id: str, policy_id: str, aws_managed: bool = False) -> str:
    """A customer policy lives in the organization; AWS-managed ones (FullAWSAccess) in AWS's namespace."""
    if aws_managed:
        return f"arn:aws:organizations::aws:policy/service_control_policy/{policy_id}"
    return f"arn:aws:organizations::{account_id}:policy/{organization_id(account_id)}/service_control_policy/{policy_id}"
