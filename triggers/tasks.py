"""Celery tasks of the triggers app, routed to the "triggers" queue (CELERY_TASK_ROUTES). JSON values only."""
from __future__ import annotations

from typing import Any

from celery import Task, shared_task

from triggers import attempts, execution
from triggers.conf import trigger_settings


@shared_task(name="triggers.run_attempt")
def run_attempt(function_name: str, invoked_arn: str, event_json: str, deadline: float) -> dict[str, Any]:
    """One attempt of a synchronous trigger; the caller waits for this answer and retries itself."""
    return execution.run_attempt(function_name, invoked_arn, event_json, deadline)


@shared_task(bind=True, name="triggers.run_async", ignore_result=True)
def run_async(self: Task, call: dict[str, Any]) -> None:
    """An asynchronous trigger (custom senders): one recorded attempt, retried with backoff on failure."""
    attempt = self.request.retries + 1
    if not attempts.attempt_async(attempts.AsyncCall(**call), attempt) and attempt < trigger_settings().attempts:
        raise self.retry(countdown=2**attempt)  # 2 s, 4 s, ... like Lambda's own async retries
