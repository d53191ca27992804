"""IAM's two wildcard dialects compiled to regular expressions.

* plain globs (``Action``, ``StringLike``): ``*`` is any run of characters, ``?`` any one;
* ARN globs (``Resource``, ``ArnLike``): the same, except that in the first five colon-separated
  components (``arn``, partition, service, region, account) a wildcard never crosses a ``:``, because
  AWS matches "each of the six colon-delimited components of the ARN separately".
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

#: One piece of a pattern: (is_wildcard_text, text). Wildcard text is where ``*``/``?`` are special;
#: literal text (a resolved policy variable, an escape such as ``${*}``) matches only itself.
Piece = tuple[bool, str]

ARN_PREFIX_COLONS = 5


def glob_source(pieces: Iterable[Piece], *, arn: bool = False) -> str:
    """The regex source (unanchored) for a pattern made of pieces."""
    out: list[str] = []
    colons = 0
    for wild, text in pieces:
        for char in text:
            if char == ":":
                colons += 1
                out.append(":")
            elif wild and char == "*":
                out.append("[^:]*" if arn and colons < ARN_PREFIX_COLONS else ".*")
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
