"""The built-in HTTP plugin: POSTs the Cognito event as JSON to a URL, so triggers can be any language.

Registered per function name with TRIGGER_HTTP_ENDPOINTS (`name=https://host/path,...`). The endpoint
answers like a Lambda: 2xx with the event (its `response` filled in) as JSON; or an error status
with `{"errorMessage": "..."}`, which becomes "<Trigger> failed with error <errorMessage>.".

When TRIGGER_HTTP_SECRET is set, each request carries `X-Trigger-Timestamp: <unix seconds>` and
`X-Trigger-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`, so the endpoint can tell the
call came from us and was made just now: a captured call replayed later fails the age check that
`verify_signature` (or the receiver's equivalent) makes. URLs must be https except on loopback.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings

from triggers.context import LambdaContext, PluginUnavailable

USER_AGENT = "identity-triggers/1"
MAX_BODY = 1024 * 1024  # Lambda's synchronous payload limit is 6 MB; Cognito's events are small


class HttpHandler:
    """A Lambda-style handler that POSTs the event to one URL."""

    def __init__(self, url: str):
        self.url = url

    def __call__(self, event: dict, context: LambdaContext) -> Any:
        body = json.dumps(event).encode()
        request = urllib.request.Request(self.url, data=body, method="POST", headers=self._headers(body, event, context))
        timeout = max(0.1, context.get_remaining_time_in_millis() / 1000)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                return _decode(answer.read(MAX_BODY))
        except urllib.error.HTTPError as error:
            raise Exception(_error_message(error)) from None  # the handler's own error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise PluginUnavailable(f"{type(error).__name__}") from None

    def _headers(self, body: bytes, event: dict, context: LambdaContext) -> dict[str, str]:
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Trigger-Source": str(event.get("triggerSource", "")),
            "X-Request-Id": context.aws_request_id,
        }
        secret = getattr(settings, "TRIGGER_HTTP_SECRET", "")
        if secret:
            timestamp = str(int(time.time()))
            headers["X-Trigger-Timestamp"] = timestamp
            headers["X-Trigger-Signature"] = f"sha256={sign(secret, timestamp, body)}"
        return headers


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The hex HMAC-SHA256 over `<timestamp>.<body>` that X-Trigger-Signature carries."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def verify_signature(secret: str, timestamp: str, signature: str, body: bytes, *, max_age: int = 300, now: float | None = None) -> bool:
    """For receivers written in Python: whether a call is ours and at most `max_age` seconds old."""
    if not timestamp.isdigit() or abs((time.time() if now is None else now) - int(timestamp)) > max_age:
        return False
    return hmac.compare_digest(signature, f"sha256={sign(secret, timestamp, body)}")


def _decode(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None  # not JSON: the runner reports "Invalid lambda function output : Invalid JSON"


def _error_message(error: urllib.error.HTTPError) -> str:
    raw = error.read(MAX_BODY)
    payload = _decode(raw)
    if isinstance(payload, dict):
        for key in ("errorMessage", "message"):
            if isinstance(payload.get(key), str):
                return payload[key]
    text = raw.decode("utf-8", "replace").strip()
    return text[:500] or f"HTTP {error.code}"
