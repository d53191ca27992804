"""The ``Condition`` element: every operator family, ``...IfExists``, ``ForAnyValue:``/``ForAllValues:``.

AWS's rules (IAM User Guide, "IAM JSON policy elements: Condition operators" and "Conditions with
multiple context keys or values"):

* operators AND together, keys under one operator AND together, values of one key OR together, and
  the values of a negated operator (``StringNotEquals``, ``NotIpAddress``, ...) NOR together;
* "If the key that you specify in a policy condition is not present in the request context, the
  values do not match and the condition is false. If the policy condition requires that the key is
  not matched, such as StringNotLike or ArnNotLike, and the right key is not present, the condition
  is true." ``...IfExists`` makes a missing key true; ``Null`` tests presence itself;
* ``ForAllValues:`` is true when the key is missing or every request value matches;
  ``ForAnyValue:`` is false when the key is missing (``IfExists`` or not) and true when one
  request value matches;
* a single-valued operator against a multivalued request value does not match: multivalued keys
  need a set operator;
* condition key names are case-insensitive; values are compared per family (strings exactly or
  ignoring case, numbers and dates by value, IPs by CIDR, ARNs component by component).
"""
from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from .errors import PolicyError
from .variables import Template, parse_template
from .wildcards import Piece, arn_has_six_parts, compile_glob, glob_source

Matcher = Callable[[str], bool]
Context = Mapping[str, "str | list[str]"]


# --- value parsing -------------------------------------------------------------------------------

def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        return None
    return value if value.is_finite() else None


_EPOCH = re.compile(r"^-?\d+(\.\d+)?$")


def parse_date(text: str) -> float | None:
    """An ISO 8601 date/time or epoch seconds as a UTC timestamp; None if it is neither."""
    text = text.strip()
    if _EPOCH.match(text):
        return float(text)
    try:
        moment = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


# --- matchers: policy values -> "does this one request value match any of them" ------------------

def _joined(values: list[tuple[Piece, ...]]) -> list[str]:
    return ["".join(text for _, text in pieces) for pieces in values]


def _string_equals(values: list[tuple[Piece, ...]]) -> Matcher:
    return frozenset(_joined(values)).__contains__


def _string_equals_ignore_case(values: list[tuple[Piece, ...]]) -> Matcher:
    wanted = frozenset(value.lower() for value in _joined(values))
    return lambda got: got.lower() in wanted


def _alternation(values: list[tuple[Piece, ...]], *, arn: bool) -> re.Pattern[str] | None:
    if not values:
        return None
    return compile_glob("|".join(f"(?:{glob_source(pieces, arn=arn)})" for pieces in values))


def _string_like(values: list[tuple[Piece, ...]]) -> Matcher:
    pattern = _alternation(values, arn=False)
    return (lambda got: False) if pattern is None else (lambda got: pattern.fullmatch(got) is not None)


def _arn_like(values: list[tuple[Piece, ...]]) -> Matcher:
    pattern = _alternation(values, arn=True)
    if pattern is None:
        return lambda got: False
    return lambda got: arn_has_six_parts(got) and pattern.fullmatch(got) is not None


def _compare(parse: Callable[[str], object], test: Callable[[object, object], bool]) -> Callable[[list[tuple[Piece, ...]]], Matcher]:
    def factory(values: list[tuple[Piece, ...]]) -> Matcher:
        wanted = [parsed for parsed in map(parse, _joined(values)) if parsed is not None]

        def matches(got: str) -> bool:
            value = parse(got)
            return value is not None and any(test(value, want) for want in wanted)
        return matches
    return factory


def _bool(values: list[tuple[Piece, ...]]) -> Matcher:
    wanted = frozenset(value.lower() for value in _joined(values))
    return lambda got: got.lower() in wanted


def _ip_address(values: list[tuple[Piece, ...]]) -> Matcher:
    networks = [net for net in map(_network, _joined(values)) if net is not None]

    def matches(got: str) -> bool:
        address = _ip(got)
        return address is not None and any(address.version == net.version and address in net for net in networks)
    return matches


_LT, _LE = (lambda a, b: a < b), (lambda a, b: a <= b)
_GT, _GE, _EQ = (lambda a, b: a > b), (lambda a, b: a >= b), (lambda a, b: a == b)


@dataclass(frozen=True, slots=True)
class _Family:
    factory: Callable[[list[tuple[Piece, ...]]], Matcher]
    negated: bool = False
    variables: bool = False  # whether policy variables are substituted in this family's values


_COMPARISONS = (("Equals", _EQ), ("LessThan", _LT), ("LessThanEquals", _LE), ("GreaterThan", _GT), ("GreaterThanEquals", _GE))
_numeric = {name: _compare(_number, test) for name, test in _COMPARISONS}
_date = {name: _compare(parse_date, test) for name, test in _COMPARISONS}

OPERATORS: dict[str, _Family] = {
    "StringEquals": _Family(_string_equals, variables=True),
    "StringNotEquals": _Family(_string_equals, negated=True, variables=True),
    "StringEqualsIgnoreCase": _Family(_string_equals_ignore_case, variables=True),
    "StringNotEqualsIgnoreCase": _Family(_string_equals_ignore_case, negated=True, variables=True),
    "StringLike": _Family(_string_like, variables=True),
    "StringNotLike": _Family(_string_like, negated=True, variables=True),
    "NumericEquals": _Family(_numeric["Equals"]),
    "NumericNotEquals": _Family(_numeric["Equals"], negated=True),
    "NumericLessThan": _Family(_numeric["LessThan"]),
    "NumericLessThanEquals": _Family(_numeric["LessThanEquals"]),
    "NumericGreaterThan": _Family(_numeric["GreaterThan"]),
    "NumericGreaterThanEquals": _Family(_numeric["GreaterThanEquals"]),
    "DateEquals": _Family(_date["Equals"]),
    "DateNotEquals": _Family(_date["Equals"], negated=True),
    "DateLessThan": _Family(_date["LessThan"]),
    "DateLessThanEquals": _Family(_date["LessThanEquals"]),
    "DateGreaterThan": _Family(_date["GreaterThan"]),
    "DateGreaterThanEquals": _Family(_date["GreaterThanEquals"]),
    "Bool": _Family(_bool, variables=True),
    "BinaryEquals": _Family(_string_equals),
    "IpAddress": _Family(_ip_address),
    "NotIpAddress": _Family(_ip_address, negated=True),
    "ArnEquals": _Family(_arn_like, variables=True),
    "ArnLike": _Family(_arn_like, variables=True),
    "ArnNotEquals": _Family(_arn_like, negated=True, variables=True),
    "ArnNotLike": _Family(_arn_like, negated=True, variables=True),
    "Null": _Family(_bool),
}
_BY_LOWER = {name.lower(): name for name in OPERATORS}
SET_OPERATORS = ("ForAnyValue", "ForAllValues")


@dataclass(frozen=True, slots=True)
class Operator:
    """A parsed operator name such as ``ForAllValues:StringLikeIfExists``."""

    name: str
    base: str
    set_operator: str | None
    if_exists: bool


def parse_operator(name: str) -> Operator:
    """Split an operator name into set operator, base operator and ``IfExists``; unknown ones raise."""
    set_operator = None
    rest = name
    if ":" in name:
        prefix, rest = name.split(":", 1)
        set_operator = next((s for s in SET_OPERATORS if s.lower() == prefix.lower()), None)
        if set_operator is None:
            raise PolicyError(f"Invalid Condition type : {name}")
    if_exists = rest.lower().endswith("ifexists") and rest.lower() != "ifexists"
    base = _BY_LOWER.get(rest[:-8].lower() if if_exists else rest.lower())
    if base is None or (if_exists and base == "Null"):
        raise PolicyError(f"Invalid Condition type : {name}")
    return Operator(name, base, set_operator, if_exists)


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise PolicyError("Syntax errors in policy.")


@dataclass(frozen=True, slots=True)
class Condition:
    """One (operator, key, values) triple of a ``Condition`` block, compiled."""

    operator: Operator
    key: str  # lower-cased: condition key names are case-insensitive
    values: tuple[Template, ...]
    static: Matcher | None  # the matcher, built once when no value holds a variable

    def _matcher(self, context: Context, value: str | list[str]) -> Matcher | None:
        """The matcher for this request's variable values. A value with an unresolvable variable
        matches nothing; under a negated operator it makes the condition false instead (a value
        that cannot be known cannot be "not matched"), unless, for ARNs, the request value could
        not match it whatever the variable was."""
        if self.static is not None:
            return self.static
        family = OPERATORS[self.operator.base]
        resolved = [t.resolve(context) for t in self.values]
        if family.negated:
            got = value if isinstance(value, list) else [value]
            for template, pieces in zip(self.values, resolved, strict=True):
                if pieces is None and not (self.operator.base.startswith("Arn") and not any(template.arn_could_match(v) for v in got)):
                    return None
        return family.factory([pieces for pieces in resolved if pieces is not None])

    def holds(self, context: Context) -> bool:
        """Whether this condition is true for a request context (keys lower-cased)."""
        operator = self.operator
        value = context.get(self.key)
        if operator.base == "Null":
            wants_absent = {t.text.lower() for t in self.values}
            return ("true" in wants_absent and value is None) or ("false" in wants_absent and value is not None)
        family = OPERATORS[operator.base]
        if value is None:
            # ForAnyValue is false on a missing key even with IfExists (as AWS answers it:
            # repost.aws "ForAnyValue:StringEqualsIfExists behaving unexpectedly").
            if operator.set_operator == "ForAnyValue":
                return False
            if operator.set_operator == "ForAllValues" or operator.if_exists:
                return True
            return family.negated
        positive = self._matcher(context, value)
        if positive is None:
            return False
        if operator.set_operator is None:
            if isinstance(value, list):
                return False
            return positive(value) != family.negated
        values = value if isinstance(value, list) else [value]
        if operator.set_operator == "ForAllValues":
            return all(positive(v) != family.negated for v in values)
        return any(positive(v) != family.negated for v in values)


def compile_block(block: object, *, variables: bool) -> tuple[Condition, ...]:
    """Validate and compile a ``Condition`` block ``{Operator: {Key: value | [values]}}``."""
    if not isinstance(block, dict):
        raise PolicyError("Syntax errors in policy.")
    compiled: list[Condition] = []
    for name, keys in block.items():
        operator = parse_operator(name)
        if not isinstance(keys, dict) or not keys:
            raise PolicyError("Syntax errors in policy.")
        family = OPERATORS[operator.base]
        for key, raw in keys.items():
            if not isinstance(key, str) or not key:
                raise PolicyError("Syntax errors in policy.")
            items = raw if isinstance(raw, list) else [raw]
            if not items:
                raise PolicyError("Syntax errors in policy.")
            templates = tuple(parse_template(_scalar(item), variables=variables and family.variables) for item in items)
            static = None
            if not any(t.has_variables for t in templates):
                static = family.factory([t.pieces for t in templates])  # type: ignore[misc]
            compiled.append(Condition(operator, key.lower(), templates, static))
    return tuple(compiled)
