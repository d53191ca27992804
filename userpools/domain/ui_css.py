"""The CSS a pool may set for its hosted UI (SetUICustomization): only Cognito's customizable
classes, plain declarations, nothing that loads or runs anything. Pure."""
from __future__ import annotations

import re

ALLOWED_CLASSES = frozenset({
    ".logo-customizable", ".banner-customizable", ".label-customizable", ".textDescription-customizable",
    ".idpDescription-customizable", ".legalText-customizable", ".submitButton-customizable",
    ".submitButton-customizable:hover", ".errorMessage-customizable", ".background-customizable",
    ".inputField-customizable", ".inputField-customizable:focus", ".idpButton-customizable",
    ".idpButton-customizable:hover", ".socialButton-customizable", ".redirect-customizable",
    ".passwordCheck-notValid-customizable", ".passwordCheck-valid-customizable",
})
MAX_CSS_LENGTH = 131072
_RULE = re.compile(r"([^{}]*)\{([^{}]*)\}")
_FORBIDDEN = re.compile(r"@|<|>|\\|url\s*\(|expression\s*\(|javascript:|/\*", re.IGNORECASE)


def css_problem(css: str) -> str | None:
    """Why this CSS is refused (Cognito's message), or None when it may be used as is."""
    if len(css) > MAX_CSS_LENGTH:
        return "CSS is too large."
    if _FORBIDDEN.search(css):
        return "css contains unsupported content"
    rest = _RULE.sub("", css)
    if rest.strip():
        return "css is not valid"
    for selectors, _ in _RULE.findall(css):
        for selector in selectors.split(","):
            if selector.strip() not in ALLOWED_CLASSES:
                return f"css has unsupported class {selector.strip()}"
    return None
