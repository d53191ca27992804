"""Policy variables: ``${aws:username}``, ``${aws:PrincipalTag/team}``, defaults and escapes.

A template is parsed once, when the document is compiled, into pieces; at evaluation time the
variables are looked up in the request context. AWS's rules (IAM User Guide, "IAM policy elements:
Variables and tags"):

* variables exist only under ``"Version": "2012-10-17"``; under 2008-10-17 ``${...}`` is plain text;
* ``${*}``, ``${?}`` and ``${$}`` stand for a literal ``*``, ``?`` and ``$``;
* ``${key, 'default'}`` uses the default (the text between the quotes, as written) when the key is
  absent;
* a key that is absent (or multivalued) with no default cannot be resolved: "not present means that
  the value is not in the current request information, and any attempt to match it fails and
  causes the statement to be invalid", so the value holding it matches nothing (a ``Resource``
  entry, a condition value), and a ``NotResource`` list or negated operator holding it does not
  apply either.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .wildcards import ARN_PREFIX_COLONS, Piece, compile_glob, glob_source

_ESCAPES = {"*": "*", "?": "?", "$": "$"}
_DEFAULT = re.compile(r"^\s*([^,\s]+)\s*,\s*'(.*)'\s*$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Variable:
    """A ``${key}`` reference: the lower-cased context key and its default, if any."""

    key: str
    default: str | None = None


@dataclass(frozen=True, slots=True)
class Template:
    """A policy string: wildcard text, literal text and variables, in order."""

    text: str
    pieces: tuple[Piece | Variable, ...]
    has_variables: bool

    def resolve(self, context: Mapping[str, str | list[str]]) -> tuple[Piece, ...] | None:
        """The pieces with each variable replaced by its (literal) value, or None if one is missing."""
        if not self.has_variables:
            return self.pieces  # type: ignore[return-value]
        out: list[Piece] = []
        for piece in self.pieces:
            if isinstance(piece, Variable):
                value = context.get(piece.key)
                if isinstance(value, list):  # a multivalued key is no variable
                    value = None
                if value is None:
                    if piece.default is None:
                        return None
                    value = piece.default
                out.append((False, value))
            else:
                out.append(piece)
        return tuple(out)

    def arn_could_match(self, arn: str) -> bool:
        """For an ARN template with an unresolvable variable: whether the ARN could match it at
        all, judged on the five components before the resource, with variables as wildcards (an
        ARN of another service or account cannot match, whatever the variable would have been)."""
        pieces: list[Piece] = []
        colons = 0
        for piece in self.pieces:
            wild, text = (True, "*") if isinstance(piece, Variable) else piece
            room = ARN_PREFIX_COLONS - colons
            if text.count(":") >= room:
                cut = -1
                for _ in range(room):
                    cut = text.index(":", cut + 1)
                pieces.append((wild, text[:cut + 1]))
                colons = ARN_PREFIX_COLONS
                break
            pieces.append((wild, text))
            colons += text.count(":")
        pieces.append((True, ":" * (ARN_PREFIX_COLONS - colons) + "*"))
        return compile_glob(glob_source(pieces, arn=True)).fullmatch(arn) is not None

    def resolve_text(self, context: Mapping[str, str | list[str]]) -> str | None:
        """The resolved string, wildcards kept as plain characters; None if a variable is missing."""
        pieces = self.resolve(context)
        return None if pieces is None else "".join(text for _, text in pieces)


def parse_resource(text: str, *, variables: bool) -> Template:
    """A ``Resource`` entry: "You can use a policy variable in the Resource element, but only in
    the resource portion of the ARN", after the fifth colon; before it ``${...}`` is plain text."""
    cut = -1
    for _ in range(ARN_PREFIX_COLONS):
        cut = text.find(":", cut + 1)
        if cut == -1:
            return parse_template(text, variables=False)
    prefix, rest = text[:cut + 1], parse_template(text[cut + 1:], variables=variables)
    return Template(text, ((True, prefix), *rest.pieces), rest.has_variables)


def parse_template(text: str, *, variables: bool) -> Template:
    """Split a policy string into pieces; ``variables`` is False under Version 2008-10-17."""
    if not variables or "${" not in text:
        return Template(text, ((True, text),), False)
    pieces: list[Piece | Variable] = []
    position = 0
    has_variables = False
    while True:
        start = text.find("${", position)
        end = text.find("}", start + 2) if start != -1 else -1
        if start == -1 or end == -1:
            break
        if start > position:
            pieces.append((True, text[position:start]))
        body = text[start + 2:end]
        if body in _ESCAPES:
            pieces.append((False, _ESCAPES[body]))
        else:
            match = _DEFAULT.match(body)
            if match:
                pieces.append(Variable(match.group(1).lower(), match.group(2)))
            else:
                pieces.append(Variable(body.strip().lower()))
            has_variables = True
        position = end + 1
    if position < len(text):
        pieces.append((True, text[position:]))
    return Template(text, tuple(pieces), has_variables)
