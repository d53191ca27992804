"""A compiled policy statement and the test "does it apply to this request".

Matching rules (IAM User Guide, "IAM JSON policy elements"): actions match case-insensitively,
resource ARNs case-sensitively, both with ``*`` and ``?``; ``NotAction``/``NotResource`` apply to
everything they do not list; a statement applies when its action, resource, principal (trust
policies only) and every condition match.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .conditions import Condition
from .variables import Template
from .wildcards import compile_glob, glob_source


@dataclass(frozen=True, slots=True)
class Resources:
    """A ``Resource``/``NotResource`` list compiled: ``*``, one regex for fixed ARNs, templates for the rest."""

    everything: bool
    fixed: re.Pattern[str] | None
    templated: tuple[Template, ...]

    def match(self, arn: str, context: Mapping[str, str | list[str]]) -> bool | None:
        """Whether the request's resource ARN matches any entry; None when it matches none and an
        entry that could match it holds a variable the request cannot resolve."""
        if self.everything:
            return True
        if self.fixed is not None and self.fixed.fullmatch(arn):
            return True
        unknown = False
        for template in self.templated:
            pieces = template.resolve(context)
            if pieces is None:
                unknown = unknown or template.arn_could_match(arn)
            elif compile_glob(glob_source(pieces, arn=True, trailing_star_spans=True)).fullmatch(arn):
                return True
        return None if unknown else False


def compile_resources(templates: list[Template]) -> Resources:
    """Compile a resource list; fixed entries share one alternation so a match is one regex call."""
    if any(t.text == "*" for t in templates):
        return Resources(True, None, ())
    fixed = [t for t in templates if not t.has_variables]
    sources = [f"(?:{glob_source(t.resolve({}) or (), arn=True, trailing_star_spans=True)})" for t in fixed]
    return Resources(False, compile_glob("|".join(sources)) if sources else None, tuple(t for t in templates if t.has_variables))


@dataclass(frozen=True, slots=True)
class Principals:
    """A trust policy's ``Principal``: ``*`` or (type, value) pairs such as ("AWS", "123456789012")."""

    everyone: bool
    entries: frozenset[tuple[str, str]]

    def match(self, principal: str | None, context: Mapping[str, str | list[str]]) -> bool:
        """Whether the calling principal (an ARN, a service or an identity provider name) is named.

        A role session also answers to its role's ARN (``aws:PrincipalArn``), and any principal
        of an account to the account (``123456789012`` or ``arn:aws:iam::123456789012:root``).
        """
        if self.everyone:
            return True
        principal_arn = context.get("aws:principalarn")
        names = {name for name in (principal, principal_arn) if isinstance(name, str)}
        if not names:
            return False
        accounts = {name.split(":")[4] for name in names if name.count(":") >= 5}
        for kind, value in self.entries:
            if value == "*" or value in names:
                return True
            if kind == "AWS" and any(value in (account, f"arn:aws:iam::{account}:root") for account in accounts if account):
                return True
        return False


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement, compiled for evaluation."""

    index: int
    sid: str | None
    allow: bool
    actions: re.Pattern[str]
    not_action: bool
    resources: Resources | None  # None: the statement has no Resource element (trust policies)
    not_resource: bool
    principals: Principals | None
    not_principal: bool
    conditions: tuple[Condition, ...]

    @property
    def label(self) -> str:
        """The Sid, or the statement's position when it has none."""
        return self.sid or f"Statement[{self.index}]"

    def applies(self, action: str, resource: str, context: Mapping[str, str | list[str]], principal: str | None = None) -> bool:
        """Whether this statement applies to a request (its Effect then decides)."""
        if (self.actions.fullmatch(action) is not None) == self.not_action:
            return False
        if self.resources is not None:
            matched = self.resources.match(resource, context)
            # An unresolvable variable "might cause the entire statement to be invalid": in a
            # Resource list the entry matches nothing; a NotResource list with one never applies.
            if matched is None or matched == self.not_resource:
                return False
        if self.principals is not None and self.principals.match(principal, context) == self.not_principal:
            return False
        for condition in self.conditions:
            if not condition.holds(context):
                return False
        return True
