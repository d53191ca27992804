"""Time one IAM decision in-process and print ops/s, p50 and p99 per row.

    python bench/policy_bench.py [--iterations 20000]

A typical principal: a user with an inline policy and two group policies (wildcards, NotAction,
conditions, a policy variable), a permissions boundary and the account's service control policies.
The baseline row parses and compiles every document on every decision (what a call would cost
without the compiled-document cache); the others read it from the cache, as iam.services will.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from iam.policy import Request, evaluate, parse_policy

ACCOUNT = "123456789012"
POOL = f"arn:aws:cognito-idp:us-east-1:{ACCOUNT}:userpool/us-east-1_Bench"


def doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


USER = doc(
    {"Sid": "ReadPools", "Effect": "Allow", "Action": ["cognito-idp:List*", "cognito-idp:Describe*", "cognito-idp:AdminGetUser"],
     "Resource": f"arn:aws:cognito-idp:us-east-1:{ACCOUNT}:userpool/*"},
    {"Sid": "OwnTable", "Effect": "Allow", "Action": "dynamodb:*", "Resource": f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/${{aws:username}}"},
)
GROUP_ADMINS = doc(
    {"Sid": "AdminWrites", "Effect": "Allow", "Action": ["cognito-idp:Admin*", "cognito-idp:Create*", "cognito-idp:Update*"],
     "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}, "IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "203.0.113.0/24"]}}},
    {"Sid": "NoDeletes", "Effect": "Deny", "Action": ["cognito-idp:Delete*", "cognito-idp:AdminDeleteUser"], "Resource": "*"},
)
GROUP_ALL = doc(
    {"Sid": "DenyNonTls", "Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    {"Sid": "DenyUntagged", "Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*",
     "Condition": {"Null": {"aws:PrincipalTag/team": "true"}}},
    {"Sid": "Keys", "Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"], "Resource": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/*",
     "Condition": {"StringEquals": {"aws:PrincipalTag/team": ["red", "blue"]}}},
)
BOUNDARY = doc({"Effect": "Allow", "Action": ["cognito-idp:*", "kms:*", "dynamodb:*"], "Resource": "*"})
SCPS = [
    doc({"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"}),
    doc({"Sid": "RegionLock", "Effect": "Deny", "NotAction": ["iam:*", "sts:*", "organizations:*"], "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}}),
]
IDENTITY = [("user", USER), ("admins", GROUP_ADMINS), ("all", GROUP_ALL)]

REQUEST = Request("cognito-idp:AdminCreateUser", POOL, {
    "aws:username": "alice", "aws:userid": "AIDAEXAMPLE", "aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:user/alice",
    "aws:PrincipalAccount": ACCOUNT, "aws:PrincipalTag/team": "red", "aws:SourceIp": "10.1.2.3", "aws:SecureTransport": "true",
    "aws:MultiFactorAuthPresent": "true", "aws:CurrentTime": "2026-11-29T12:00:00Z", "aws:EpochTime": "1795953600",
    "aws:RequestedRegion": "us-east-1",
})
DENIED = Request("cognito-idp:DeleteUserPool", POOL, REQUEST.context)


def cached() -> None:
    assert evaluate(REQUEST, identity=IDENTITY, boundaries=[BOUNDARY], scps=SCPS).allowed


def cached_deny() -> None:
    assert evaluate(DENIED, identity=IDENTITY, boundaries=[BOUNDARY], scps=SCPS).kind == "ExplicitDeny"


COMPILED = [parse_policy(text, name=name) for name, text in IDENTITY]
COMPILED_BOUNDARY = [parse_policy(BOUNDARY)]
COMPILED_SCPS = [parse_policy(text, kind="scp") for text in SCPS]


def precompiled() -> None:
    assert evaluate(REQUEST, identity=COMPILED, boundaries=COMPILED_BOUNDARY, scps=COMPILED_SCPS).allowed


def uncached() -> None:
    identity = [parse_policy(text, name=name) for name, text in IDENTITY]
    scps = [parse_policy(text, kind="scp") for text in SCPS]
    assert evaluate(REQUEST, identity=identity, boundaries=[parse_policy(BOUNDARY)], scps=scps).allowed


def measure(operation: Callable[[], None], iterations: int) -> tuple[float, float, float]:
    for _ in range(min(1000, iterations)):
        operation()  # warm caches and the interpreter
    samples = []
    started = time.perf_counter()
    for _ in range(iterations):
        before = time.perf_counter_ns()
        operation()
        samples.append(time.perf_counter_ns() - before)
    elapsed = time.perf_counter() - started
    quantiles = statistics.quantiles(samples, n=100)
    return iterations / elapsed, quantiles[49] / 1000, quantiles[98] / 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=20000)
    args = parser.parse_args()
    rows = [
        ("baseline: parse+compile every document, then decide", uncached, max(1, args.iterations // 10)),
        ("decision, documents from the cache (allow)", cached, args.iterations),
        ("decision, documents from the cache (explicit deny)", cached_deny, args.iterations),
        ("decision, precompiled Policy objects", precompiled, args.iterations),
    ]
    print(f"{'row':<56} {'ops/s':>10} {'p50 µs':>9} {'p99 µs':>9}")
    for name, operation, iterations in rows:
        ops, p50, p99 = measure(operation, iterations)
        print(f"{name:<56} {ops:>10,.0f} {p50:>9.1f} {p99:>9.1f}")


if __name__ == "__main__":
    main()
