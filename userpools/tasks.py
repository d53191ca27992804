"""Celery tasks of the user-pool app. They take JSON values only; with no broker they run eagerly."""
from __future__ import annotations

from celery import shared_task

from userpools import messaging


@shared_task
def deliver_email(to: str, subject: str, body: str) -> None:
    messaging.deliver_email(to, subject, body)


@shared_task
def deliver_sms(phone_number: str, message: str) -> None:
    messaging.deliver_sms(phone_number, message)
