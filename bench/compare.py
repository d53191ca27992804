"""Our server and moto's, side by side in one run: per operation ops/s, p50/p99 and server CPU
milliseconds per request, and the ratio of the CPU figures.

    .venv/bin/python bench/compare.py                         # SQLite, no broker
    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/compare.py

Both servers are started here: ours with config/serve.py (`--workers`, default 2) as in production,
moto with `moto_server` (requirements-dev.txt); each operation runs on ours, then at once on moto. Server CPU is utime + stime of the server's
processes (the server's main process and workers) from /proc, read before and after each operation, so
it leaves out the client, and for us PostgreSQL's and Redis's own CPU, which moto does not spend.
CPU per request is much less sensitive to other load on the machine than ops/s and latency, but
it still swings from one minute to the next here, so every figure is the median of `--rounds`
interleaved rounds. The floor of SignUp and a password sign-in is one Argon2id run, measured right
after each of their rows: alone, and with as many at once as there are busy workers (the workers'
runs share the memory bandwidth).
The SRP row's latency is the two server round trips only (the client's SRP maths left out).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
from botocore import UNSIGNED
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent))
import servers  # noqa: E402
import srp_timing  # noqa: E402

PASSWORD = "Bench-Passw0rd!"
FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def clients(endpoint: str, key: tuple[str, str]):
    config = Config(retries={"max_attempts": 1}, max_pool_connections=64)
    admin = boto3.client("cognito-idp", endpoint_url=endpoint, region_name="us-east-1",
                         aws_access_key_id=key[0], aws_secret_access_key=key[1], config=config)
    public = boto3.client("cognito-idp", endpoint_url=endpoint, region_name="us-east-1",
                          config=config.merge(Config(signature_version=UNSIGNED)))
    return admin, public


def measure(pid: int, count: int, threads: int, call: Callable[[int], float | None]) -> dict:
    """Run call(0..count-1) from `threads` threads; latency is what a call returns, else its wall time."""
    latencies: list[float] = []
    lock = threading.Lock()

    def one(index: int) -> None:
        started = time.perf_counter()
        reported = call(index)
        elapsed = reported if isinstance(reported, float) else time.perf_counter() - started
        with lock:
            latencies.append(elapsed)

    cpu_before, began = servers.cpu_seconds_by_process(pid), time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(one, range(count)))
    wall, spent = time.perf_counter() - began, servers.spent_by_process(cpu_before, servers.cpu_seconds_by_process(pid))
    ordered = sorted(latencies)
    return {
        "ops": count / wall,
        "p50": statistics.median(ordered) * 1000,
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
        "cpu": sum(spent.values()) / count * 1000,
        # Which workers take the client's keep-alive connections is up to the kernel: one busy
        # worker of two halves hashing throughput, and makes cheap reads cheaper (bench/README.md).
        "busy": servers.busy_processes(spent),
    }


class Side:
    """One server under test: a fresh pool with `count` users, and each operation as a step."""

    def __init__(self, endpoint: str, key: tuple[str, str], pid: int, count: int, threads: int):
        self.endpoint, self.pid, self.count, self.threads = endpoint, pid, count, threads
        self.admin, self.public = clients(endpoint, key)
        self.pool_id = self.admin.create_user_pool(PoolName=f"bench-{uuid.uuid4().hex[:8]}")["UserPool"]["Id"]
        self.client_id = self.admin.create_user_pool_client(UserPoolId=self.pool_id, ClientName="bench", ExplicitAuthFlows=FLOWS)["UserPoolClient"]["ClientId"]
        self.names = [f"user-{i}-{uuid.uuid4().hex[:6]}" for i in range(count)]
        self.tokens: list[dict] = [{} for _ in self.names]
        for _ in range(20):  # warm every worker (imports, connections, caches) before timing
            self.admin.describe_user_pool(UserPoolId=self.pool_id)
            self.admin.list_users(UserPoolId=self.pool_id, Limit=1)

    def _measure(self, call: Callable[[int], float | None]) -> dict:
        return measure(self.pid, self.count, self.threads, call)

    def sign_up(self) -> dict:
        self.names = [f"user-{i}-{uuid.uuid4().hex[:6]}" for i in range(self.count)]  # new users each round
        row = self._measure(lambda i: self.public.sign_up(ClientId=self.client_id, Username=self.names[i], Password=PASSWORD))
        for name in self.names:  # confirmation is not under test
            self.admin.admin_confirm_sign_up(UserPoolId=self.pool_id, Username=name)
        return row

    def sign_in(self) -> dict:
        def one(i: int) -> None:
            self.tokens[i] = self.public.initiate_auth(ClientId=self.client_id, AuthFlow="USER_PASSWORD_AUTH",
                                                       AuthParameters={"USERNAME": self.names[i], "PASSWORD": PASSWORD})["AuthenticationResult"]
        return self._measure(one)

    def refresh(self) -> dict:
        return self._measure(lambda i: self.public.initiate_auth(ClientId=self.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                                                                 AuthParameters={"REFRESH_TOKEN": self.tokens[i]["RefreshToken"]}))

    def get_user(self) -> dict:
        return self._measure(lambda i: self.public.get_user(AccessToken=self.tokens[i]["AccessToken"]))

    def admin_get_user(self) -> dict:
        return self._measure(lambda i: self.admin.admin_get_user(UserPoolId=self.pool_id, Username=self.names[i]))

    def list_users(self) -> dict:
        return self._measure(lambda i: self.admin.list_users(UserPoolId=self.pool_id, Limit=60))

    def srp(self) -> dict | None:
        def one(i: int) -> float:
            return srp_timing.timed_srp_sign_in(self.public, self.pool_id, self.client_id, self.names[i], PASSWORD)
        if not srp_timing.available:
            return None
        try:
            one(0)
        except Exception as exc:  # moto fakes SRP; a real client may not get through it
            print(f"  (SRP row skipped at {self.endpoint}: {type(exc).__name__}: {str(exc)[:120]})")
            return None
        return self._measure(one)


STEPS: list[tuple[str, Callable[[Side], dict | None]]] = [
    ("SignUp", Side.sign_up),
    ("InitiateAuth USER_PASSWORD_AUTH", Side.sign_in),
    ("InitiateAuth REFRESH_TOKEN_AUTH", Side.refresh),
    ("GetUser", Side.get_user),
    ("AdminGetUser", Side.admin_get_user),
    ("ListUsers (60)", Side.list_users),
    ("USER_SRP_AUTH (both calls)", Side.srp),
]


HASHED = ("SignUp", "InitiateAuth USER_PASSWORD_AUTH")  # each hashes once: what is left over the hash is ours


def run_interleaved(sides: list[Side], rounds: int, at_once: int) -> dict[str, list[dict | None]]:
    """Each operation on every side, one side right after the other, so that a change in the
    machine's speed during the run (seen here: 20 % within minutes) touches both sides of a ratio
    alike; all of it `rounds` times, each figure the median of its rounds (one round's CPU per
    call swung by up to 30 % on this machine's virtual CPUs). Right after our side of a hashing
    row, the hash's own CPU is measured too (alone, and `at_once` together), so the figure over the
    hash compares two measurements made a second apart, not minutes."""
    runs: dict[str, list[list[dict | None]]] = {name: [[] for _ in sides] for name, _ in STEPS}
    for _ in range(rounds):
        for name, step in STEPS:
            for position, side in enumerate(sides):
                row = step(side)
                if position == 0 and name in HASHED and row is not None:
                    row["hash alone"], row["hash together"] = hash_cpu_ms(), hash_cpu_ms(at_once)
                runs[name][position].append(row)
    return {name: [_median_row(rows) for rows in per_side] for name, per_side in runs.items()}


def _median_row(rows: list[dict | None]) -> dict | None:
    measured = [row for row in rows if row is not None]
    return {key: statistics.median(row[key] for row in measured) for key in measured[0]} if measured else None


HASH_RUNS = 40  # verifies a measurement of the hash: ~0.8 s of CPU


def hash_cpu_ms(at_once: int = 1) -> float:
    """CPU ms of one Argon2id verify with our production parameters (the floor of a sign-in), with
    `at_once` verifies running together, as that many busy workers run them: they share the
    memory bandwidth and caches, and each costs more CPU than one alone (~15 % here for two)."""
    from argon2 import PasswordHasher

    from core.hashers import TunedArgon2PasswordHasher as tuned

    hasher = PasswordHasher(time_cost=tuned.time_cost, memory_cost=tuned.memory_cost, parallelism=tuned.parallelism)
    encoded = hasher.hash(PASSWORD)

    def verify(count: int) -> None:
        for _ in range(count):
            hasher.verify(encoded, PASSWORD)  # argon2-cffi lets go of the GIL: threads verify in parallel

    verify(2)  # warm
    threads = [threading.Thread(target=verify, args=(HASH_RUNS,)) for _ in range(at_once)]
    started = time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return (time.process_time() - started) / (HASH_RUNS * at_once) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300, help="calls per operation")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="web workers for our server")
    parser.add_argument("--rounds", type=int, default=3, help="each figure is the median of this many interleaved rounds")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "9610")), help="ours; moto gets the next port")
    args = parser.parse_args()
    sys.path.insert(0, str(servers.ROOT))

    at_once = min(args.workers, os.cpu_count() or 1)
    with servers.ours(args.port, args.workers) as ours, servers.moto(args.port + 1) as moto:
        env = servers.our_env(args.port)
        our_key = (env["ROOT_ACCESS_KEY_ID"], env["ROOT_SECRET_ACCESS_KEY"])
        sides = [Side(f"http://127.0.0.1:{args.port}", our_key, ours.pid, args.requests, args.threads),
                 Side(f"http://127.0.0.1:{args.port + 1}", ("testing", "testing"), moto.pid, args.requests, args.threads)]
        rows = run_interleaved(sides, args.rounds, at_once)

    backend = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    print(f"\n{args.requests} calls per operation, {args.threads} client threads, {os.cpu_count()} cores; ours: granian -w {args.workers}, "
          f"{backend}{' + Redis' if os.environ.get('REDIS_URL') else ''}; moto_server")
    print(f"median of {args.rounds} rounds")
    columns = f"{'p50':>7} {'p99':>7} {'CPU ms':>7}"
    header = f"{'operation':32} {'ours ops/s':>10} {columns} {'busy':>4} | {'moto ops/s':>10} {columns} | {'CPU ours/moto':>13}"
    print(header)
    print("-" * len(header))
    for name, (mine, other) in rows.items():
        left = (f"{mine['ops']:10.1f} {mine['p50']:7.1f} {mine['p99']:7.1f} {mine['cpu']:7.2f} {mine['busy']:4g}" if mine
                else f"{'n/a':>10} {'':7} {'':7} {'':7} {'':4}")
        right = f"{other['ops']:10.1f} {other['p50']:7.1f} {other['p99']:7.1f} {other['cpu']:7.2f}" if other else f"{'n/a':>10} {'':7} {'':7} {'':7}"
        ratio = f"{mine['cpu'] / other['cpu']:13.2f}" if mine and other and other["cpu"] else f"{'n/a':>13}"
        print(f"{name:32} {left} | {right} | {ratio}")
    print("busy: our workers that spent at least a fifth of our CPU in a row (the median of the rounds)")
    for name in HASHED:
        mine = rows[name][0]
        if mine:
            spent, alone, together = mine["cpu"], mine["hash alone"], mine["hash together"]
            print(f"{name}: {spent - together:+.2f} ms of CPU over the hash as the busy workers run it ({together:.1f} ms each, "
                  f"{at_once} at once), {spent - alone:+.2f} over one alone ({alone:.1f} ms); the hash measured right after the row")


if __name__ == "__main__":
    main()
