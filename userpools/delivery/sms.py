"""Pluggable SMS delivery, chosen by the SMS_BACKEND setting (an import string) and reached through
the cached `get_sms_sender()`: a console and a file sender for development, and two real providers,
Amazon SNS (as Cognito itself sends) and Twilio. A sender raises when a message was not accepted, so
the outbox sends it again later."""
from __future__ import annotations

import base64
import functools
import json
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string


class SmsSender:
    """Delivers one text message. Subclass it for a real provider and name it in SMS_BACKEND."""

    def send(self, phone_number: str, message: str) -> None:
        raise NotImplementedError


class ConsoleSmsSender(SmsSender):
    """Prints messages to standard output, like Django's console mail backend."""

    def send(self, phone_number: str, message: str) -> None:
        sys.stdout.write(f"SMS to {phone_number}: {message}\n")
        sys.stdout.flush()


class FileSmsSender(SmsSender):
    """Appends one JSON line per message to SMS_FILE_PATH."""

    _lock = threading.Lock()

    def __init__(self, path: str | None = None):
        self.path = Path(path or settings.SMS_FILE_PATH)

    def send(self, phone_number: str, message: str) -> None:
        record = {"to": phone_number, "message": message, "sent": datetime.now(UTC).isoformat()}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")


class SmsDeliveryError(Exception):
    """The provider did not accept a message (the outbox sends it again later)."""


class SnsSmsSender(SmsSender):
    """Amazon SNS `Publish` to a phone number, as Cognito sends its texts: transactional, from the
    SMS_SNS_SENDER_ID if set. Credentials come from boto3's usual chain (environment, instance
    role, ...); SMS_SNS_REGION and SMS_SNS_ENDPOINT_URL pick the region and, for a local SNS, the URL."""

    def __init__(self) -> None:
        import boto3
        from botocore.config import Config

        # A session of its own: boto3's module-level default session is shared by everything in the
        # process (and is not thread-safe), and it keeps the first credentials it resolved.
        self.client = boto3.session.Session().client(
            "sns", region_name=settings.SMS_SNS_REGION, endpoint_url=settings.SMS_SNS_ENDPOINT_URL or None,
            config=Config(connect_timeout=5, read_timeout=10, retries={"max_attempts": 2}),
        )

    def send(self, phone_number: str, message: str) -> None:
        attributes = {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}}
        if settings.SMS_SNS_SENDER_ID:
            attributes["AWS.SNS.SMS.SenderID"] = {"DataType": "String", "StringValue": settings.SMS_SNS_SENDER_ID}
        try:
            self.client.publish(PhoneNumber=phone_number, Message=message, MessageAttributes=attributes)
        except Exception as error:  # botocore's ClientError or a connection failure: retry later
            raise SmsDeliveryError(f"SNS refused the message: {type(error).__name__}") from None


class TwilioSmsSender(SmsSender):
    """Twilio's Messages REST resource: TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, and either
    TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID. One form POST needs no SDK."""

    def __init__(self) -> None:
        if not settings.TWILIO_ACCOUNT_SID or not settings.TWILIO_AUTH_TOKEN:
            raise ValueError("TwilioSmsSender needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN.")
        if not settings.TWILIO_FROM_NUMBER and not settings.TWILIO_MESSAGING_SERVICE_SID:
            raise ValueError("TwilioSmsSender needs TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID.")
        sid = settings.TWILIO_ACCOUNT_SID
        self.url = f"{settings.TWILIO_API_BASE.rstrip('/')}/2010-04-01/Accounts/{urllib.parse.quote(sid)}/Messages.json"
        self.authorization = "Basic " + base64.b64encode(f"{sid}:{settings.TWILIO_AUTH_TOKEN}".encode()).decode()

    def send(self, phone_number: str, message: str) -> None:
        form = {"To": phone_number, "Body": message}
        if settings.TWILIO_MESSAGING_SERVICE_SID:
            form["MessagingServiceSid"] = settings.TWILIO_MESSAGING_SERVICE_SID
        else:
            form["From"] = settings.TWILIO_FROM_NUMBER
        request = urllib.request.Request(
            self.url, data=urllib.parse.urlencode(form).encode(), method="POST",
            headers={"Authorization": self.authorization, "Content-Type": "application/x-www-form-urlencoded"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                answer.read(65536)
        except urllib.error.HTTPError as error:
            raise SmsDeliveryError(f"Twilio answered HTTP {error.code}") from None
        except (urllib.error.URLError, OSError) as error:
            raise SmsDeliveryError(f"Twilio unreachable: {type(error).__name__}") from None


@functools.cache
def get_sms_sender() -> SmsSender:
    """The sender named by SMS_BACKEND, made once."""
    return import_string(settings.SMS_BACKEND)()
