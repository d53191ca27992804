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

    def match(self, arn: str, context: Mapping[str, str | list[str]]) -> bool:
        """Whether the request's resource ARN matches any entry."""
        if self.everything:
            return True
        if self.fixed is not None and self.fixed.fullmatch(arn):
            return True
        for template in self.templated:
            pieces = template.resolve(context)
            if pieces is not None and compile_glob(glob_source(pad_arn(pieces), arn=True)).fullmatch(arn):
                return True
        return False


def pad_arn(pieces: tuple) -> tuple:
    """A short wildcard ARN (``arn:aws:kms:*``) stands for every ARN it prefixes: pad the missing components."""
    colons = sum(text.count(":") for _, text in pieces)
    return pieces + ((True, ":*" * (5 - colons)),) if colons < 5 else pieces


def compile_resources(templates: list[Template]) -> Resources:
    """Compile a resource list; fixed entries share one alternation so a match is one regex call."""
    if any(t.text == "*" for t in templates):
        return Resources(True, None, ())
    fixed = [t for t in templates if not t.has_variables]
    sources = [f"(?:{glob_source(pad_arn(t.pieces), arn=True)})" for t in fixed]
    return Resources(False, compile_glob("|".join(sources)) if sources else None, tuple(t for t in templates if t.has_variables))


@dataclass(frozen=True, slots=True)
class Principals:
    """A trust policy's ``Principal``: ``*`` or (type, value) pairs such as ("AWS", "123456789012")."""

    everyone: bool
    entries: frozenset[tuple[str, str]]

    def match(self, principal: str | None) -> bool:
        """Whether the calling principal (an ARN, a service or an identity provider name) is named."""
        if self.everyone:
            return True
        if principal is None:
            return False
        account = principal.split(":")[4] if principal.count(":") >= 5 else None
        for kind, value in self.entries:
            if value == "*" or value == principal:
                return True
            if kind == "AWS" and account and value in (account, f"arn:aws:iam::{account}:root"):
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
        if self.resources is not None and self.resources.match(resource, context) == self.not_resource:
            return False
        if self.principals is not None and self.principals.match(principal) == self.not_principal:
            return False
        for condition in self.conditions:
            if not condition.holds(context):
                return False
        return True
