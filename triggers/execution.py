"""One attempt at running a plugin, the same on a Celery worker and in-process.

It takes and returns JSON values only: the event goes in as JSON text (so every attempt, local or
remote, hands the plugin a fresh copy), and the answer comes back as a small dict with a `status`
the caller turns into Cognito's result or error.
"""
from __future__ import annotations

import json
import logging
from typing import Any

from triggers import registry
from triggers.context import LambdaContext, PluginUnavailable

log = logging.getLogger(__name__)

# Answer statuses.
OK = "OK"
HANDLER_ERROR = "HANDLER_ERROR"  # the plugin raised
INVALID_JSON = "INVALID_JSON"  # the plugin returned something JSON cannot carry
NOT_FOUND = "NOT_FOUND"  # no plugin under that function name
CRASHED = "CRASHED"  # the plugin could not be loaded, or the worker failed around it
TIMEOUT = "TIMEOUT"  # no answer in time (set by the caller, never by an attempt)


def run_attempt(function_name: str, invoked_arn: str, event_json: str, deadline: float) -> dict[str, Any]:
    """Load the plugin registered as `function_name` and run it once on a copy of the event."""
    try:
        handler = registry.handler_for(function_name)
    except Exception as exc:  # a plugin that cannot be imported is the Lambda that cannot start
        log.exception("trigger plugin %s could not be loaded", function_name)
        return {"status": CRASHED, "error": f"{type(exc).__name__}: {exc}"}
    if handler is None:
        return {"status": NOT_FOUND, "error": "ResourceNotFoundException"}
    context = LambdaContext(function_name, invoked_arn, deadline)
    try:
        result = handler(json.loads(event_json), context)
    except PluginUnavailable as exc:
        return {"status": CRASHED, "error": str(exc)}
    except Exception as exc:
        log.info("trigger plugin %s raised %s", function_name, type(exc).__name__, exc_info=True)
        return {"status": HANDLER_ERROR, "error": str(exc)}
    try:
        return {"status": OK, "result": json.loads(json.dumps(result))}
    except (TypeError, ValueError):
        return {"status": INVALID_JSON, "error": f"unserialisable {type(result).__name__}"}
