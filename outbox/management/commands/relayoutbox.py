"""`manage.py relayoutbox`: send the outbox rows that are due (mail, SMS, asynchronous triggers).

Once by default (at start, after an outage); with --loop it keeps relaying, for deployments that
run no Celery worker (whose own relay thread does this)."""
from __future__ import annotations

import threading

from django.core.management.base import BaseCommand

from outbox import relay_loop, store


class Command(BaseCommand):
    help = "Deliver due outbox rows: once, or with --loop until interrupted."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep relaying every OUTBOX_RELAY_INTERVAL_SECONDS")

    def handle(self, *args, **options) -> None:
        if options["loop"]:
            try:
                relay_loop.run(threading.Event())
            except KeyboardInterrupt:
                return
            return
        sent = 0
        while batch := store.relay():
            sent += batch
        backlog = store.backlog()
        self.stdout.write(f"sent {sent}; pending {backlog.pending}; failed {backlog.failed}")
