"""The actual send of one mail or one text message, through Django's mail backend and the SMS
sender named by SMS_BACKEND. Called by the Celery tasks in `userpools.delivery.tasks`."""
from __future__ import annotations

import logging
from html import unescape

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.html import strip_tags

from userpools.delivery.sms import get_sms_sender

log = logging.getLogger(__name__)


def deliver_email(to: str, subject: str, body: str, html: bool = False) -> None:
    """Send one mail; an HTML body (its values already escaped) goes as an HTML alternative
    beside its text, so the text part shows codes and passwords exactly as they are."""
    mail = EmailMultiAlternatives(subject, unescape(strip_tags(body)) if html else body, settings.DEFAULT_FROM_EMAIL, [to])
    if html:
        mail.attach_alternative(body, "text/html")
    mail.send()
    log.info("Sent an email to a user")  # never the address or the text: they carry secrets


def deliver_sms(phone_number: str, message: str) -> None:
    """Send one text message through the configured SMS sender."""
    get_sms_sender().send(phone_number, message)
    log.info("Sent a text message to a user")
