"""Trigger plugins for the federation tests: PreSignUp handlers that record or refuse."""
from __future__ import annotations

SEEN: list[dict] = []


def record(event, context):
    """Keeps the event and lets the sign-up through, verifying the email it maps."""
    SEEN.append(event)
    event["response"]["autoVerifyEmail"] = True
    return event


def refuse(event, context):
    raise Exception("External sign-ups are closed")
