"""The actual send of one mail or one text message, through Django's mail backend and the SMS
sender named by SMS_BACKEND. The outbox calls it for its EMAIL_KIND and SMS_KIND rows (registered
in UserpoolsConfig.ready), on a worker or, without a broker, after the request's commit."""
from __future__ import annotations

import logging
from html import unescape

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.html import strip_tags

from userpools.delivery.sms import get_sms_sender

log = logging.getLogger(__name__)

EMAIL_KIND = "userpools.email"
SMS_KIND = "userpools.sms"
MAX_ATTEMPTS = 8  # back-off 2, 4, ... 256 s: about eight minutes of outage before a message is given up


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


def email_from_outbox(message: dict, attempt: int) -> None:
    """The outbox handler of EMAIL_KIND rows; a failure (mail server unreachable) is retried."""
    deliver_email(message["to"], message["subject"], message["body"], message["html"])


def sms_from_outbox(message: dict, attempt: int) -> None:
    """The outbox handler of SMS_KIND rows."""
    deliver_sms(message["phone_number"], message["message"])
