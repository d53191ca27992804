"""Celery tasks of the user-pool app. They take JSON values only; with no broker they run eagerly.

On a worker, a delivery that fails for a transient reason (the mail server or SMS provider
unreachable) is retried with exponential backoff; eagerly, the failure reaches the caller as before.
"""
from __future__ import annotations

import smtplib

from celery import Task, shared_task

from userpools.delivery import transport

TRANSIENT = (OSError, smtplib.SMTPException)  # socket errors, refused/timed-out connections, SMTP replies
MAX_RETRIES = 5  # 2, 4, 8, 16, 32 s: about a minute before a message is given up


# The names are the ones the tasks had as userpools/tasks.py, so queued messages survive the move.
@shared_task(bind=True, max_retries=MAX_RETRIES, name="userpools.tasks.deliver_email")
def deliver_email(self: Task, to: str, subject: str, body: str, html: bool = False) -> None:
    """Send one mail, retried with backoff on a worker when the mail server is unreachable."""
    try:
        transport.deliver_email(to, subject, body, html)
    except TRANSIENT as exc:
        _retry_with_backoff(self, exc)


@shared_task(bind=True, max_retries=MAX_RETRIES, name="userpools.tasks.deliver_sms")
def deliver_sms(self: Task, phone_number: str, message: str) -> None:
    """Send one text message, retried with backoff on a worker when the provider is unreachable."""
    try:
        transport.deliver_sms(phone_number, message)
    except TRANSIENT as exc:
        _retry_with_backoff(self, exc)


def _retry_with_backoff(task: Task, exc: Exception) -> None:
    if task.request.is_eager:
        raise exc
    raise task.retry(exc=exc, countdown=2 ** (task.request.retries + 1))
