"""Reading the codes users receive: mail from Django's file backend, texts from the file SMS sender."""
from __future__ import annotations

import email
import json
import re
from pathlib import Path

import pytest

CODE = re.compile(r"\b(\d{6})\b")
_SEPARATOR = "\n" + "-" * 79 + "\n"


class Mailbox:
    def __init__(self, mail_dir: Path, sms_file: Path):
        self.mail_dir = mail_dir
        self.sms_file = sms_file

    def mails(self, to: str | None = None) -> list[email.message.Message]:
        found = []
        for path in sorted(self.mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime_ns):
            for chunk in path.read_text().split(_SEPARATOR):
                if chunk.strip():
                    found.append(email.message_from_string(chunk))
        return [m for m in found if to is None or m["To"] == to]

    def texts(self, to: str | None = None) -> list[dict]:
        if not self.sms_file.exists():
            return []
        records = [json.loads(line) for line in self.sms_file.read_text().splitlines()]
        return [r for r in records if to is None or r["to"] == to]

    def last_code(self, to: str) -> str:
        """The code in the newest mail or text message to `to`."""
        bodies = [m.get_payload(decode=True).decode() for m in self.mails(to)] if "@" in to else [t["message"] for t in self.texts(to)]
        assert bodies, f"nothing was sent to {to}"
        return CODE.search(bodies[-1]).group(1)


@pytest.fixture
def mailbox(settings, tmp_path):
    from userpools.delivery.sms import get_sms_sender

    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.SMS_BACKEND = "userpools.delivery.sms.FileSmsSender"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    (tmp_path / "mail").mkdir()
    get_sms_sender.cache_clear()
    yield Mailbox(tmp_path / "mail", tmp_path / "sms.jsonl")
    get_sms_sender.cache_clear()
