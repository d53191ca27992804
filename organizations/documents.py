"""SCP documents: the checks AWS makes when a policy is created or updated ("SCP syntax" in the
Organizations User Guide). Pure; raises MalformedPolicyDocumentException with what is wrong.

An SCP is an IAM-style document (Version 2012-10-17, Statement) that names no principal: it bounds
every principal of the accounts it is attached to.
"""
from __future__ import annotations

import json
import re
from typing import Any

from organizations.errors import ConstraintViolationException, MalformedPolicyDocumentException

MAX_CONTENT_CHARS = 5120  # every character counts, white space included (AWS's quota for SCPs)
_STATEMENT_KEYS = {"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"}
_ACTION = re.compile(r"^(\*|[a-z0-9-]+:[A-Za-z0-9*?]+)$")


def validate_scp(content: str) -> dict[str, Any]:
    """The parsed document, if `content` is a valid SCP; else the error AWS gives."""
    if len(content) > MAX_CONTENT_CHARS:
        raise ConstraintViolationException(
            "You have exceeded the maximum size of a policy document: an SCP may have at most "
            f"{MAX_CONTENT_CHARS} characters."
        )
    try:
        document = json.loads(content)
    except ValueError:
        raise MalformedPolicyDocumentException("The policy document is not valid JSON.") from None
    if not isinstance(document, dict):
        _malformed("The policy document must be a JSON object.")
    unknown = set(document) - {"Version", "Id", "Statement"}
    if unknown:
        _malformed(f"Unsupported policy element: {sorted(unknown)[0]}.")
    if document.get("Version") != "2012-10-17":
        _malformed("An SCP must have a Version of 2012-10-17.")
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        _malformed("An SCP must have at least one Statement.")
    for statement in statements:
        _statement(statement)
    return document


def _statement(statement: Any) -> None:
    if not isinstance(statement, dict):
        _malformed("Each Statement must be a JSON object.")
    if "Principal" in statement or "NotPrincipal" in statement:
        _malformed("An SCP cannot name a Principal: it applies to every principal of its targets.")
    unknown = set(statement) - _STATEMENT_KEYS
    if unknown:
        _malformed(f"Unsupported statement element: {sorted(unknown)[0]}.")
    if statement.get("Effect") not in ("Allow", "Deny"):
        _malformed("A Statement's Effect must be Allow or Deny.")
    if ("Action" in statement) == ("NotAction" in statement):
        _malformed("A Statement must have exactly one of Action and NotAction.")
    if "Resource" in statement and "NotResource" in statement:
        _malformed("A Statement cannot have both Resource and NotResource.")
    if "Sid" in statement and not isinstance(statement["Sid"], str):
        _malformed("Sid must be a string.")
    for action in _strings(statement.get("Action", statement.get("NotAction")), "Action"):
        if not _ACTION.match(action):
            _malformed(f"Invalid action: {action!r}; use '*' or '<service>:<action>'.")
    for key in ("Resource", "NotResource"):
        if key in statement:
            _strings(statement[key], key)
    condition = statement.get("Condition", {})
    if not isinstance(condition, dict) or not all(isinstance(block, dict) for block in condition.values()):
        _malformed("Condition must map operators to objects of condition keys.")


def _strings(value: Any, element: str) -> list[str]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values or not all(isinstance(item, str) for item in values):
        _malformed(f"{element} must be a string or a non-empty list of strings.")
    return values


def _malformed(message: str) -> None:
    raise MalformedPolicyDocumentException(message)
