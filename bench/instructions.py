"""Instructions per call, counted by valgrind's callgrind: the same figure run after run, whatever
else the machine is doing, so a change of a few percent shows (CPU time here swings by 15-25 %
between runs of the same code). The calls are `inprocess.py`'s: each operation's request made
once by boto3, then replayed into Django's WSGI handler. The counters are read with
`callgrind_control` before and after each operation's calls.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench REDIS_URL=redis://127.0.0.1:6379/0 \\
        valgrind --tool=callgrind --callgrind-out-file=/dev/null .venv/bin/python bench/instructions.py

Run it with the venv's python itself (not a shim that execs it, which valgrind would count
instead); it takes a few minutes, most of it starting Django under valgrind. Only this process's
user-space instructions are counted: not the kernel's work for its system calls, and not
PostgreSQL's or Redis's. Compare two checkouts by running it in each.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import inprocess  # noqa: E402  (sets up Django)
from django.contrib.auth.hashers import get_hasher  # noqa: E402


def instructions() -> int:
    """Instructions this process has executed so far, over all its threads."""
    done = subprocess.run(["callgrind_control", "-e", str(os.getpid())], capture_output=True, text=True, timeout=120)
    counts = [int(value.replace(",", "")) for value in re.findall(r"^\s*Th\s+\d+\s+([\d,]+)", done.stdout, re.MULTILINE)]
    if not counts:
        sys.exit(f"No callgrind counters for this process: run it under valgrind --tool=callgrind (see the docstring).\n{done.stdout}{done.stderr}")
    return sum(counts)


def per_call(kept: dict, count: int) -> float:
    for _ in range(5):  # warm the per-process caches
        inprocess._call(kept)
    status, body = inprocess._call(kept)
    assert status == 200, body[:300]
    before = instructions()
    for _ in range(count):
        inprocess._call(kept)
    return (instructions() - before) / count


def hash_verify(count: int) -> float:
    """One Argon2id verify with the production parameters: what a password sign-in cannot go below."""
    hasher = get_hasher("default")
    encoded = hasher.encode(inprocess.PASSWORD, hasher.salt())
    before = instructions()
    for _ in range(count):
        hasher.verify(inprocess.PASSWORD, encoded)
    return (instructions() - before) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=20, help="calls per operation")
    args = parser.parse_args()
    instructions()  # fail at once outside valgrind
    rows = {name: per_call(kept, args.requests) for name, kept in inprocess.prepared_requests().items()}
    rows["Argon2id verify alone"] = hash_verify(args.requests)
    print(f"\n{args.requests} calls per row, in process, under callgrind; {inprocess.backends()}")
    print(f"{'operation':34} {'instructions per call':>22}")
    for name, count in rows.items():
        print(f"{name:34} {count / 1e6:20.2f} M")


if __name__ == "__main__":
    main()
