"""SCP documents: the checks AWS Organizations makes when a policy is created or updated ("SCP
syntax" in the Organizations User Guide), on top of IAM's grammar in `iam.policy`.

What is particular to SCPs:
  * every character counts against the 5,120-character quota, white space included (IAM counts
    only the rest);
  * Version must be 2012-10-17;
  * no Principal: an SCP bounds every principal of the accounts it is attached to;
  * a statement may leave Resource out (AWS's own CreatePolicy example does); it means "*".
"""
from __future__ import annotations

import json
from typing import Any

from iam.policy import PolicyError, parse_policy
from organizations.errors import ConstraintViolationException, MalformedPolicyDocumentException

MAX_CONTENT_CHARS = 5120


def validate_scp(content: str) -> None:
    """Refuse `content` as AWS does if it is not a valid SCP."""
    if len(content) > MAX_CONTENT_CHARS:
        raise ConstraintViolationException("You attempted to create a policy that is larger than the maximum size.")
    document = _decode(content)
    if not isinstance(document, dict) or document.get("Version") != "2012-10-17":
        raise MalformedPolicyDocumentException("An SCP must be a JSON object with a Version of 2012-10-17.")
    try:
        parse_policy(json.dumps(_with_resources(document)), kind="scp")
    except PolicyError as exc:
        raise MalformedPolicyDocumentException(exc.message) from None


def for_evaluation(content: str) -> str:
    """The stored document as the evaluator reads it: a statement without Resource names "*"."""
    return json.dumps(_with_resources(_decode(content)), separators=(",", ":"))


def _decode(content: str) -> Any:
    try:
        return json.loads(content)
    except (ValueError, RecursionError):
        raise MalformedPolicyDocumentException("Syntax errors in policy.") from None


def _with_resources(document: Any) -> Any:
    if not isinstance(document, dict):
        return document
    statements = document.get("Statement")
    if isinstance(statements, dict):
        return {**document, "Statement": _statement_with_resource(statements)}
    if isinstance(statements, list):
        return {**document, "Statement": [_statement_with_resource(item) for item in statements]}
    return document


def _statement_with_resource(statement: Any) -> Any:
    if isinstance(statement, dict) and "Resource" not in statement and "NotResource" not in statement:
        return {**statement, "Resource": "*"}
    return statement
