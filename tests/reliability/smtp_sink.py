"""A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it accepts and can hold senders
mid-conversation: while stalled, every RCPT TO waits unanswered, so a sender is caught in the
middle of a delivery and no mail can have been accepted from it."""
from __future__ import annotations

import asyncio
import threading
from collections import Counter

from aiosmtpd.controller import Controller

from .processes import free_port


class StallingSink:
    def __init__(self) -> None:
        self.port = free_port()
        self.recipients: list[str] = []
        self.waiting = 0  # senders held at RCPT TO so far
        self._released = threading.Event()
        self._released.set()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._released.set()
        self._controller.stop()

    def stall(self) -> None:
        self._released.clear()

    def release(self) -> None:
        self._released.set()

    def counts(self) -> Counter:
        return Counter(self.recipients)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # aiosmtpd's hook
        if not self._released.is_set():
            self.waiting += 1
            while not self._released.is_set():
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook: the mail is accepted here
        self.recipients.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"
