"""IAM's two wildcard dialects compiled to regular expressions.

* plain globs (``Action``, ``StringLike``): ``*`` is any run of characters, ``?`` any one;
* ARN globs (``Resource``, ``ArnLike``): the same, except that in the first five colon-separated
  components (``arn``, partition, service, region, account) a wildcard stays inside its component:
  "Each of the six colon-delimited components of the ARN is checked separately" (ArnLike). In the
  ``Resource`` element a ``*`` that ends a component may run on: "If the * wildcard is the last
  character of a resource ARN segment, it can expand to match beyond colon boundaries", which is
  also what makes a short ARN such as ``arn:aws:kms:*`` cover every KMS ARN.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

#: One piece of a pattern: (is_wildcard_text, text). Wildcard text is where ``*``/``?`` are special;
#: literal text (a resolved policy variable, an escape such as ``${*}``) matches only itself.
Piece = tuple[bool, str]

ARN_PREFIX_COLONS = 5


def glob_source(pieces: Iterable[Piece], *, arn: bool = False, trailing_star_spans: bool = False) -> str:
    """The regex source (unanchored) for a pattern made of pieces.

    ``arn`` keeps wildcards of the first five ARN components inside their component;
    ``trailing_star_spans`` lets a ``*`` that ends a component run past colons (``Resource``).
    """
    flat = [(wild, char) for wild, text in pieces for char in text]
    out: list[str] = []
    colons = 0
    for index, (wild, char) in enumerate(flat):
        if char == ":":
            colons += 1
            out.append(":")
        elif wild and char == "*":
            ends_component = index + 1 == len(flat) or flat[index + 1][1] == ":"
            spans = not arn or colons >= ARN_PREFIX_COLONS or (trailing_star_spans and ends_component)
            out.append(".*" if spans else "[^:]*")
        elif wild and char == "?":
            out.append("[^:]" if arn and colons < ARN_PREFIX_COLONS else ".")
        else:
            out.append(re.escape(char))
    return "".join(out)


@lru_cache(maxsize=8192)
def compile_glob(source: str, ignore_case: bool = False) -> re.Pattern[str]:
    """A compiled, fully anchored pattern for a glob source (cached: sources repeat across requests)."""
    return re.compile(source, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def glob(text: str, *, arn: bool = False, ignore_case: bool = False) -> re.Pattern[str]:
    """Compile a pattern in which every ``*`` and ``?`` is a wildcard."""
    return compile_glob(glob_source([(True, text)], arn=arn), ignore_case)


def arn_has_six_parts(value: str) -> bool:
    """Whether a string has the ARN shape ``arn:partition:service:region:account:resource``."""
    return value.startswith("arn:") and value.count(":") >= ARN_PREFIX_COLONS
