"""Celery tasks of the triggers app, routed to the "triggers" queue (CELERY_TASK_ROUTES). JSON values only."""
from __future__ import annotations

import json

from celery import shared_task

from core import crypto
from triggers import execution


@shared_task(name="triggers.run_attempt")
def run_attempt(function_name: str, invoked_arn: str, sealed_event: str, deadline: float) -> str:
    """One attempt of a synchronous trigger; the caller waits for this answer and retries itself.

    The event and the answer travel sealed (core.crypto): challenge answers, private challenge
    parameters and claims must not sit readable in the broker's queue or the result backend."""
    answer = execution.run_attempt(function_name, invoked_arn, crypto.decrypt(sealed_event), deadline)
    return crypto.encrypt(json.dumps(answer))
