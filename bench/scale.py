"""A pool of 1,000,000 users against a pool of 10, on one server in one run.

    make manage ARGS="createusers <big pool id> --count 1000000"     # once: see bench/README.md
    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/scale.py --big <big pool id>

Starts our server (config/serve.py, as bench/compare.py does), makes a 10-user pool with createusers,
and measures in both pools: USER_PASSWORD_AUTH and USER_SRP_AUTH for users spread over the pool,
GetUser, AdminGetUser, ListUsers without a filter, with a username prefix and with an exact
email, and keyset paging (`--pages` pages from the start; 0 pages to the end), pages of 10 users
in both pools (the small pool's whole), so that rows compare like for like. Prints
ops/s, p50/p99 and server CPU ms per request per pool, and big/small ratios of p50 and CPU.
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import servers  # noqa: E402
import srp_timing  # noqa: E402
from compare import FLOWS, clients, measure  # noqa: E402

PASSWORD = "Passw0rd!"  # createusers' default
PAGE = 10  # users per ListUsers page: a full page in both pools, so the rows compare like for like


def pool_rows(endpoint: str, key: tuple[str, str], pid: int, pool_id: str, size: int, srp_every: int, args) -> dict[str, dict]:
    admin, public = clients(endpoint, key)
    client_id = admin.create_user_pool_client(UserPoolId=pool_id, ClientName=f"scale-{uuid.uuid4().hex[:6]}",
                                              ExplicitAuthFlows=FLOWS)["UserPoolClient"]["ClientId"]
    rng = random.Random(7)
    picks = [f"user{rng.randrange(size):07d}" for _ in range(args.requests)]
    srp_users = [f"user{index:07d}" for index in range(0, size, srp_every)]
    tokens: list[dict] = [{} for _ in picks]
    for _ in range(10):
        admin.list_users(UserPoolId=pool_id, Limit=1)

    def sign_in(i: int) -> None:
        tokens[i] = public.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                         AuthParameters={"USERNAME": picks[i], "PASSWORD": PASSWORD})["AuthenticationResult"]

    def srp_sign_in(i: int) -> float:
        return srp_timing.timed_srp_sign_in(public, pool_id, client_id, srp_users[i % len(srp_users)], PASSWORD)

    prefix = picks[0][:-3]  # ~1,000 users in the big pool, the whole small pool
    rows = {
        "USER_PASSWORD_AUTH": measure(pid, args.requests, args.threads, sign_in),
        "GetUser": measure(pid, args.requests, args.threads, lambda i: public.get_user(AccessToken=tokens[i]["AccessToken"])),
        "AdminGetUser": measure(pid, args.requests, args.threads, lambda i: admin.admin_get_user(UserPoolId=pool_id, Username=picks[i])),
        f"ListUsers ({PAGE})": measure(pid, args.requests, args.threads, lambda i: admin.list_users(UserPoolId=pool_id, Limit=PAGE)),
        f"ListUsers username ^= ({PAGE})": measure(pid, args.requests, args.threads, lambda i: admin.list_users(
            UserPoolId=pool_id, Limit=PAGE, Filter=f'username ^= "{prefix}"')),
        "ListUsers email = ": measure(pid, args.requests, args.threads, lambda i: admin.list_users(
            UserPoolId=pool_id, Filter=f'email = "{picks[i]}@example.com"')),
    }
    if srp_timing.available:
        rows["USER_SRP_AUTH (both calls)"] = measure(pid, args.requests, args.threads, srp_sign_in)
    token: list[str | None] = [None]
    pages = args.pages or (size + PAGE - 1) // PAGE  # past the last page, paging starts again (the small pool has one)

    def next_page(i: int) -> None:
        extra = {"PaginationToken": token[0]} if token[0] else {}
        token[0] = admin.list_users(UserPoolId=pool_id, Limit=PAGE, **extra).get("PaginationToken")

    rows[f"ListUsers paging ({'to the end' if not args.pages else f'{pages} pages'})"] = measure(pid, pages, 1, next_page)
    admin.delete_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--big", required=True, help="id of a pool filled by createusers (e.g. 1,000,000 users)")
    parser.add_argument("--big-srp-every", type=int, default=10_000, help="the --srp-every it was filled with")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pages", type=int, default=200, help="ListUsers pages to walk (0: to the end)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "9620")))
    args = parser.parse_args()
    python = str(servers.BIN / "python")
    with servers.ours(args.port, args.workers) as process:
        env = servers.our_env(args.port)
        endpoint, key = f"http://127.0.0.1:{args.port}", (env["ROOT_ACCESS_KEY_ID"], env["ROOT_SECRET_ACCESS_KEY"])
        admin, _ = clients(endpoint, key)
        small = admin.create_user_pool(PoolName=f"scale-10-{uuid.uuid4().hex[:6]}")["UserPool"]["Id"]
        subprocess.run([python, "manage.py", "createusers", small, "--count", "10", "--srp-every", "1", "-v", "0"],
                       cwd=servers.ROOT, env=env, check=True)
        size = admin.describe_user_pool(UserPoolId=args.big)["UserPool"].get("EstimatedNumberOfUsers", 0)
        big_rows = pool_rows(endpoint, key, process.pid, args.big, size, args.big_srp_every, args)
        small_rows = pool_rows(endpoint, key, process.pid, small, 10, 1, args)
        admin.delete_user_pool(UserPoolId=small)
    print(f"\n{args.requests} calls per operation, {args.threads} client threads, {os.cpu_count()} cores; granian -w {args.workers}; "
          f"big pool {args.big}: {size} users")
    columns = f"{'ops/s':>8} {'p50':>7} {'p99':>7} {'CPU ms':>7} {'busy':>4}"
    header = f"{'operation':36} {'big ' + columns} | {'10 users ' + columns} | {'p50 big/small':>13} {'CPU big/small':>13}"
    print(header)
    print("-" * len(header))
    for name, big in big_rows.items():
        small_row = small_rows[name]
        cells = [f"{row['ops']:8.1f} {row['p50']:7.1f} {row['p99']:7.1f} {row['cpu']:7.2f} {row['busy']:4}" for row in (big, small_row)]
        ratio_cpu = big["cpu"] / small_row["cpu"] if small_row["cpu"] else float("nan")
        print(f"{name:36} {cells[0]:>{len('big ' + columns)}} | {cells[1]:>{len('10 users ' + columns)}} | "
              f"{big['p50'] / small_row['p50']:13.2f} {ratio_cpu:13.2f}")
    print("busy: our workers that spent at least a fifth of our CPU in a row (one busy worker of two serves\n"
          "every connection: about half the throughput and twice the p50 at the same CPU per call)")


if __name__ == "__main__":
    main()
