"""Our server and moto's, side by side in one run: per operation ops/s, p50/p99 and server CPU
milliseconds per request, and the ratio of the CPU figures.

    .venv/bin/python bench/compare.py                         # SQLite, no broker
    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/compare.py

Both servers are started here: ours with config/serve.py (`--workers`, default 2) as in production,
moto with `moto_server` (requirements-dev.txt). Server CPU is utime + stime of the server's
processes (the server's main process and workers) from /proc, read before and after each operation, so
it leaves out the client, and for us PostgreSQL's and Redis's own CPU, which moto does not spend.
CPU per request is much less sensitive to other load on the machine than ops/s and latency.
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

    cpu_before, began = servers.cpu_seconds(pid), time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(one, range(count)))
    wall, cpu = time.perf_counter() - began, servers.cpu_seconds(pid) - cpu_before
    ordered = sorted(latencies)
    return {
        "ops": count / wall,
        "p50": statistics.median(ordered) * 1000,
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
        "cpu": cpu / count * 1000,
    }


def run_all(endpoint: str, key: tuple[str, str], pid: int, count: int, threads: int) -> dict[str, dict | None]:
    admin, public = clients(endpoint, key)
    pool_id = admin.create_user_pool(PoolName=f"bench-{uuid.uuid4().hex[:8]}")["UserPool"]["Id"]
    client_id = admin.create_user_pool_client(UserPoolId=pool_id, ClientName="bench", ExplicitAuthFlows=FLOWS)["UserPoolClient"]["ClientId"]
    names = [f"user-{i}-{uuid.uuid4().hex[:6]}" for i in range(count)]
    tokens: list[dict] = [{} for _ in names]
    for _ in range(20):  # warm every worker (imports, connections, caches) before timing
        admin.describe_user_pool(UserPoolId=pool_id)
        admin.list_users(UserPoolId=pool_id, Limit=1)

    def sign_up(i: int) -> None:
        public.sign_up(ClientId=client_id, Username=names[i], Password=PASSWORD)

    def sign_in(i: int) -> None:
        tokens[i] = public.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                         AuthParameters={"USERNAME": names[i], "PASSWORD": PASSWORD})["AuthenticationResult"]

    def refresh(i: int) -> None:
        public.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": tokens[i]["RefreshToken"]})

    def srp_sign_in(i: int) -> float:
        return srp_timing.timed_srp_sign_in(public, pool_id, client_id, names[i], PASSWORD)

    rows: dict[str, dict | None] = {}
    rows["SignUp"] = measure(pid, count, threads, sign_up)
    for name in names:  # confirmation is not under test
        admin.admin_confirm_sign_up(UserPoolId=pool_id, Username=name)
    rows["InitiateAuth USER_PASSWORD_AUTH"] = measure(pid, count, threads, sign_in)
    rows["InitiateAuth REFRESH_TOKEN_AUTH"] = measure(pid, count, threads, refresh)
    rows["GetUser"] = measure(pid, count, threads, lambda i: public.get_user(AccessToken=tokens[i]["AccessToken"]))
    rows["AdminGetUser"] = measure(pid, count, threads, lambda i: admin.admin_get_user(UserPoolId=pool_id, Username=names[i]))
    rows["ListUsers (60)"] = measure(pid, count, threads, lambda i: admin.list_users(UserPoolId=pool_id, Limit=60))
    rows["USER_SRP_AUTH (both calls)"] = None
    if srp_timing.available:
        try:
            srp_sign_in(0)
        except Exception as exc:  # moto fakes SRP; a real client may not get through it
            print(f"  (SRP row skipped at {endpoint}: {type(exc).__name__}: {str(exc)[:120]})")
        else:
            rows["USER_SRP_AUTH (both calls)"] = measure(pid, count, threads, srp_sign_in)
    admin.delete_user_pool(UserPoolId=pool_id)
    return rows


def hash_cpu_ms() -> float:
    """CPU ms of one Argon2id verify with our production parameters (the floor of a sign-in)."""
    from argon2 import PasswordHasher

    from core.hashers import TunedArgon2PasswordHasher as tuned

    hasher = PasswordHasher(time_cost=tuned.time_cost, memory_cost=tuned.memory_cost, parallelism=tuned.parallelism)
    encoded = hasher.hash(PASSWORD)
    started = time.process_time()
    for _ in range(20):
        hasher.verify(encoded, PASSWORD)
    return (time.process_time() - started) / 20 * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300, help="calls per operation")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="web workers for our server")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "9610")), help="ours; moto gets the next port")
    args = parser.parse_args()
    sys.path.insert(0, str(servers.ROOT))

    with servers.ours(args.port, args.workers) as process:
        env = servers.our_env(args.port)
        ours = run_all(f"http://127.0.0.1:{args.port}", (env["ROOT_ACCESS_KEY_ID"], env["ROOT_SECRET_ACCESS_KEY"]), process.pid, args.requests, args.threads)
    with servers.moto(args.port + 1) as process:
        theirs = run_all(f"http://127.0.0.1:{args.port + 1}", ("testing", "testing"), process.pid, args.requests, args.threads)

    backend = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    print(f"\n{args.requests} calls per operation, {args.threads} client threads, {os.cpu_count()} cores; ours: granian -w {args.workers}, "
          f"{backend}{' + Redis' if os.environ.get('REDIS_URL') else ''}; moto_server")
    print(f"Argon2id verify (our parameters): {hash_cpu_ms():.1f} ms CPU")
    columns = f"{'p50':>7} {'p99':>7} {'CPU ms':>7}"
    header = f"{'operation':32} {'ours ops/s':>10} {columns} | {'moto ops/s':>10} {columns} | {'CPU ours/moto':>13}"
    print(header)
    print("-" * len(header))
    for name, mine in ours.items():
        other = theirs.get(name)
        left = f"{mine['ops']:10.1f} {mine['p50']:7.1f} {mine['p99']:7.1f} {mine['cpu']:7.2f}" if mine else f"{'n/a':>10} {'':7} {'':7} {'':7}"
        right = f"{other['ops']:10.1f} {other['p50']:7.1f} {other['p99']:7.1f} {other['cpu']:7.2f}" if other else f"{'n/a':>10} {'':7} {'':7} {'':7}"
        ratio = f"{mine['cpu'] / other['cpu']:13.2f}" if mine and other and other["cpu"] else f"{'n/a':>13}"
        print(f"{name:32} {left} | {right} | {ratio}")


if __name__ == "__main__":
    main()
