"""`manage.py purgeexpired [--batch-size B]`: what the Celery beat schedule does, for cron."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ops import purge


class Command(BaseCommand):
    help = "Delete expired codes, refresh tokens, device keys, sessions, cache rows and old trigger records."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=purge.BATCH_SIZE)

    def handle(self, *args, batch_size: int, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        for kind, count in purge.purge_expired(batch_size).items():
            self.stdout.write(f"{kind}: {count} deleted")
