"""`python manage.py importusers <pool> FILE [--format jsonl|csv]`: create users from an export
(ours, or one shaped like it from another system) with their password hashes, in batches.
Users that exist already are skipped, so an interrupted import can simply be run again."""
from __future__ import annotations

import itertools
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from userpools.management.commands.exportusers import file_format
from userpools.models import UserPool
from userpools.services import user_rows, user_transfer

READERS = {"jsonl": user_transfer.read_jsonl, "csv": user_transfer.read_csv}


class Command(BaseCommand):
    help = "Import users with password hashes (JSON Lines or CSV, as exportusers writes them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("pool_id")
        parser.add_argument("file", help="file to read ('-' for standard input)")
        parser.add_argument("--format", choices=sorted(READERS), help="default: by the file's extension, else jsonl")
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        pool = UserPool.objects.filter(id=options["pool_id"]).first()
        if pool is None:
            raise CommandError(f"User pool {options['pool_id']} does not exist.")
        path = options["file"]
        source = sys.stdin if path == "-" else open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 (closed below)
        counts = {user_rows.SUCCEEDED: 0, user_rows.SKIPPED: 0, user_rows.FAILED: 0}
        try:
            rows = READERS[file_format(path, options["format"])](source)
            records = (user_transfer.user_record(pool, number, record) for number, record in rows)
            with tqdm(unit="user", file=sys.stderr, disable=options["no_progress"]) as progress:
                while batch := list(itertools.islice(records, options["batch_size"])):
                    for outcome in user_rows.create_users(pool, batch):
                        counts[outcome.result] += 1
                        if outcome.result != user_rows.SUCCEEDED:
                            self.stderr.write(f"[{outcome.result}] Line Number {outcome.line_number} - {outcome.message}")
                    progress.update(len(batch))
        except user_transfer.BadRecord as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        finally:
            if source is not sys.stdin:
                source.close()
        imported, skipped, failed = (counts[result] for result in (user_rows.SUCCEEDED, user_rows.SKIPPED, user_rows.FAILED))
        self.stdout.write(f"Imported {imported}, skipped {skipped}, failed {failed} users into {pool.id}.")
