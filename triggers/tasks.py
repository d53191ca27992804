"""Celery tasks of the triggers app, routed to the "triggers" queue (CELERY_TASK_ROUTES). JSON values only."""
from __future__ import annotations

from typing import Any

from celery import shared_task

from triggers import execution


@shared_task(name="triggers.run_attempt")
def run_attempt(function_name: str, invoked_arn: str, event_json: str, deadline: float) -> dict[str, Any]:
    """One attempt of a synchronous trigger; the caller waits for this answer and retries itself."""
    return execution.run_attempt(function_name, invoked_arn, event_json, deadline)
