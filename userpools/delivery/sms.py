"""Pluggable SMS delivery: a small base class, a console and a file sender, chosen by the
SMS_BACKEND setting (an import string) and reached through the cached `get_sms_sender()`."""
from __future__ import annotations

import functools
import json
import sys
import threading
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


@functools.cache
def get_sms_sender() -> SmsSender:
    """The sender named by SMS_BACKEND, made once."""
    return import_string(settings.SMS_BACKEND)()
