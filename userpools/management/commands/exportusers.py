"""`python manage.py exportusers <pool> [--output FILE] [--format jsonl|csv]`: every user of a pool
with attributes, status, groups, MFA settings and password hash (see userpools.services.user_transfer).
The file holds password hashes and TOTP secrets: keep it as secret as the database."""
from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from userpools.models import User, UserPool
from userpools.services import user_transfer

WRITERS = {"jsonl": user_transfer.write_jsonl, "csv": user_transfer.write_csv}


def file_format(path: str, given: str | None) -> str:
    """The format asked for, else the file's extension (.csv), else JSON Lines."""
    return given or ("csv" if path.lower().endswith(".csv") else "jsonl")


class Command(BaseCommand):
    help = "Export a user pool's users, with password hashes, as JSON Lines or CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("pool_id")
        parser.add_argument("--output", "-o", default="-", help="file to write ('-' for standard output)")
        parser.add_argument("--format", choices=sorted(WRITERS), help="default: by the file's extension, else jsonl")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        pool = UserPool.objects.filter(id=options["pool_id"]).first()
        if pool is None:
            raise CommandError(f"User pool {options['pool_id']} does not exist.")
        path = options["output"]
        out = self.stdout if path == "-" else open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 (closed below)
        try:
            written = WRITERS[file_format(path, options["format"])](user_transfer.export_records(pool), out)
            total = User.objects.filter(pool=pool).count()
            count = sum(1 for _ in tqdm(written, total=total, unit="user", file=sys.stderr, disable=options["no_progress"]))
        finally:
            if out is not self.stdout:
                out.close()
        self.stderr.write(f"Exported {count} users of {pool.id}.")
