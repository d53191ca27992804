"""Fill a user pool with many confirmed users quickly, for load and scale tests.

    make manage ARGS="createusers us-east-1_AbC123xyZ --count 1000000"

Users are `<prefix><index>` (zero-padded to seven digits) with an `email` attribute
`<username>@example.com` (verified). They share ONE password hash, computed once: hashing a
million passwords with Argon2 would take hours, and these are test accounts, not people. Only
every `--srp-every`-th user also gets an SRP verifier (one modular exponentiation each); the
others sign in with USER_PASSWORD_AUTH only.

Rows go in with COPY on PostgreSQL and in batched multi-row INSERTs elsewhere, attributes with
one INSERT ... SELECT per batch; the tables' statistics are refreshed (ANALYZE) at the end so the
planner sees the pool's real size.
"""
from __future__ import annotations

import time
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from core import crypto
from userpools.domain import srp
from userpools.models import User, UserAttribute, UserPool
from userpools.services import passwords

_USER_COLUMNS = (
    "pool_id", "username", "username_key", "sub", "status", "enabled", "password", "password_set_at",
    "failed_sign_ins", "srp_salt", "srp_verifier_sealed", "sms_mfa_enabled", "software_token_mfa_enabled",
    "email_mfa_enabled", "preferred_mfa", "created", "modified",
)


class Command(BaseCommand):
    help = "Create many confirmed users in a pool at once (bulk insert; COPY on PostgreSQL), for scale tests."

    def add_arguments(self, parser):
        parser.add_argument("pool_id", help="the user pool id, e.g. us-east-1_AbC123xyZ")
        parser.add_argument("--count", type=int, required=True, help="how many users to create")
        parser.add_argument("--prefix", default="user", help="username prefix (default: user)")
        parser.add_argument("--start", type=int, default=0, help="index of the first user (default: 0)")
        parser.add_argument("--password", default="Passw0rd!", help="every user's password (default: Passw0rd!)")
        parser.add_argument("--srp-every", type=int, default=10_000, help="give every Nth user an SRP verifier (default: 10000)")
        parser.add_argument("--batch", type=int, default=20_000, help="users per transaction (default: 20000)")

    def handle(self, *args, **options):
        pool = UserPool.objects.filter(pk=options["pool_id"]).first()
        if pool is None:
            raise CommandError(f"User pool {options['pool_id']} does not exist.")
        count, batch = options["count"], max(1, options["batch"])
        if count < 1:
            raise CommandError("--count must be at least 1.")
        started = time.monotonic()
        shared_hash = passwords.hash_password(options["password"])
        first, last = options["start"], options["start"] + count
        with tqdm(total=count, unit="user", disable=options["verbosity"] < 1) as progress:
            for low in range(first, last, batch):
                high = min(last, low + batch)
                rows = [self._row(pool, options, index, shared_hash) for index in range(low, high)]
                with transaction.atomic():
                    self._insert(rows)
                progress.update(high - low)
        # Fresh statistics for the planner; on PostgreSQL also the visibility map and hint bits, so
        # the first reads after a bulk load (a benchmark's) do not pay for autovacuum's pass over it.
        analyze = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
        with connection.cursor() as cursor:
            for model in (User, UserAttribute):
                cursor.execute(f"{analyze} {model._meta.db_table}")
        seconds = time.monotonic() - started
        self.stdout.write(f"Created {count} users in {pool.pk} in {seconds:.1f} s ({count / seconds:.0f} users/s).")

    def _row(self, pool: UserPool, options: dict, index: int, shared_hash: str) -> tuple:
        username = f"{options['prefix']}{index:07d}"
        salt = verifier = ""
        if options["srp_every"] > 0 and index % options["srp_every"] == 0:
            salt, verifier = srp.make_verifier(srp.pool_name(pool.pk), username, options["password"])
            verifier = crypto.encrypt(verifier)  # kept sealed, as every verifier is
        now = timezone.now()
        key = username if pool.case_sensitive else username.lower()
        return (pool.pk, username, key, uuid.uuid4(), User.CONFIRMED, True, shared_hash, now, 0, salt, verifier, False, False, False, "", now, now)

    def _insert(self, rows: list[tuple]) -> None:
        user_table, attribute_table = User._meta.db_table, UserAttribute._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {user_table}")
            before = cursor.fetchone()[0]
            columns = ", ".join(_USER_COLUMNS)
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {user_table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(_USER_COLUMNS))
                # The backend's own adaptation (uuid -> its column form) through Django's cursor.
                fields = [User._meta.get_field(name.removesuffix("_id") if name == "pool_id" else name) for name in _USER_COLUMNS]
                prepared = [tuple(field.get_db_prep_value(value, connection) for field, value in zip(fields, row, strict=True)) for row in rows]
                cursor.executemany(f"INSERT INTO {user_table} ({columns}) VALUES ({marks})", prepared)
            pool_id = rows[0][0]
            for name, value in (("email", "username || '@example.com'"), ("email_verified", "'true'")):
                cursor.execute(
                    f"INSERT INTO {attribute_table} (user_id, pool_id, name, value) "
                    f"SELECT id, pool_id, %s, {value} FROM {user_table} WHERE pool_id = %s AND id > %s ORDER BY id",
                    [name, pool_id, before],
                )
