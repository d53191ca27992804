"""`manage.py pruneaudit [--older-than-days N] [--batch-size B]`: the trail's retention, by age."""
from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from audit import services


class Command(BaseCommand):
    help = "Delete audit events older than N days (default AUDIT_RETENTION_DAYS), in batches."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--older-than-days", type=int, default=None, help="default: AUDIT_RETENTION_DAYS (90)")
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, older_than_days: int | None, batch_size: int, **options) -> None:
        days = settings.AUDIT_RETENTION_DAYS if older_than_days is None else older_than_days
        if days < 1:
            raise CommandError("--older-than-days must be at least 1.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        deleted = services.prune(days, batch_size)
        self.stdout.write(f"Deleted {deleted} audit event(s) older than {days} day(s).")
