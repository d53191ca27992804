"""Two checkouts of ours, served side by side, for a before/after of one change on a machine whose
speed drifts: each operation runs on one server and then at once on the other, the order swapped
every round, so a drift touches both sides of each round's ratio alike.

    git worktree add /tmp/before <rev> && ln -s "$PWD/.venv" /tmp/before/.venv
    .venv/bin/python bench/ab.py /tmp/before --requests 400 --rounds 3

Each server runs as in production (config/serve.py, `--workers`) on a PostgreSQL database of its
own (`ab_before`, `ab_after`, made if missing on the server DATABASE_URL names) and Redis database
11 or 12 on the server REDIS_URL names. Printed: server CPU ms per request of every round, and the
median ratio after/before.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare  # noqa: E402
import servers  # noqa: E402

SECRET_KEY = "ab-bench-secret-key-not-for-production-0000000000"
OPERATIONS = [
    ("USER_PASSWORD_AUTH", compare.Side.sign_in),  # first: the later rows use its tokens
    ("REFRESH_TOKEN_AUTH", compare.Side.refresh),
    ("GetUser", compare.Side.get_user),
    ("AdminGetUser", compare.Side.admin_get_user),
    ("ListUsers (60)", compare.Side.list_users),
    ("USER_SRP_AUTH (both)", compare.Side.srp),
]


def _own_urls(name: str, redis_db: int) -> tuple[str, str]:
    """A database of its own on DATABASE_URL's server (made if missing), and a Redis database number."""
    parts = urlsplit(os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres")
    with psycopg.connect(urlunsplit((parts.scheme, parts.netloc, "/postgres", "", "")), autocommit=True) as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            admin.execute(f'CREATE DATABASE "{name}"')
    redis = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, "", "")), urlunsplit((redis.scheme, redis.netloc, f"/{redis_db}", "", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", type=Path, help="the other checkout (its .venv may be a link to this one's)")
    parser.add_argument("--requests", type=int, default=400, help="calls per operation and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=9710, help="before's; after gets the next one")
    args = parser.parse_args()

    cpu: dict[str, dict[str, list[float]]] = {name: {"before": [], "after": []} for name, _ in OPERATIONS}
    with ExitStack() as stack:
        sides = []
        for offset, (label, checkout) in enumerate((("before", args.before.resolve()), ("after", servers.ROOT))):
            port = args.port + offset
            database, redis = _own_urls(f"ab_{label}", 11 + offset)
            # One SECRET_KEY for both: each checkout's var/ has its own, and a database kept from an
            # earlier run with another checkout holds secrets only the key of that run decrypts.
            process = stack.enter_context(servers.ours(port, args.workers, checkout, DATABASE_URL=database, REDIS_URL=redis, SECRET_KEY=SECRET_KEY))
            env = servers.our_env(port)
            key = (env["ROOT_ACCESS_KEY_ID"], env["ROOT_SECRET_ACCESS_KEY"])
            sides.append((label, compare.Side(f"http://127.0.0.1:{port}", key, process.pid, args.requests, args.threads)))
        for _, side in sides:
            side.sign_up()
        for round_number in range(args.rounds):
            for name, step in OPERATIONS:
                for label, side in sides if round_number % 2 == 0 else sides[::-1]:
                    row = step(side)
                    if row is not None:
                        cpu[name][label].append(row["cpu"])
            print(f"round {round_number + 1} of {args.rounds} done", flush=True)

    print(f"\n{args.requests} calls a row, {args.rounds} rounds, {args.threads} client threads, granian -w {args.workers} each")
    print(f"{'operation':22} {'before CPU ms':>24} {'after CPU ms':>24} {'after/before':>13}")
    for name, runs in cpu.items():
        if runs["before"] and runs["after"]:
            ratio = statistics.median(after / before for after, before in zip(runs["after"], runs["before"], strict=True))
            before, after = (", ".join(f"{value:.2f}" for value in runs[label]) for label in ("before", "after"))
            print(f"{name:22} {before:>24} {after:>24} {ratio:13.2f}")


if __name__ == "__main__":
    main()
