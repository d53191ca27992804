"""Seeded random policy/request cases for the differential test of ``iam.policy``.

Each case is plain JSON: the request (principal, action, resource, context) and the policy sets
(identity, boundaries, session, scps). The mix covers wildcards in actions and ARNs, NotAction and
NotResource, every condition operator family with ``IfExists`` and the set operators, keys present,
missing and multivalued, policy variables with and without defaults, and allow/deny mixes.
"""
from __future__ import annotations

import random
from typing import Any

ACCOUNT = "123456789012"
POOL = f"arn:aws:cognito-idp:us-east-1:{ACCOUNT}:userpool/"
TABLE = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/"
IDPOOL = f"arn:aws:cognito-identity:us-east-1:{ACCOUNT}:identitypool/"

# action -> the resources a request for it may name ("*" for actions that take none)
ACTIONS: dict[str, list[str]] = {
    "cognito-idp:ListUsers": [POOL + "us-east-1_AAA", POOL + "us-east-1_BBB", POOL + "eu-west-1_abc"],
    "cognito-idp:AdminGetUser": [POOL + "us-east-1_AAA", POOL + "us-east-1_aaa"],
    "cognito-idp:AdminCreateUser": [POOL + "us-east-1_BBB"],
    "cognito-idp:DeleteUserPool": [POOL + "us-east-1_AAA"],
    "cognito-idp:ListUserPools": ["*"],
    "cognito-idp:CreateUserPool": ["*"],
    "cognito-identity:GetId": [IDPOOL + "us-east-1:1111"],
    "cognito-identity:DescribeIdentityPool": [IDPOOL + "us-east-1:2222"],
    "dynamodb:GetItem": [TABLE + "alice", TABLE + "bob", TABLE + "Users", TABLE + "red", TABLE + "O'Brien", TABLE + "$x", TABLE + "al?ce"],
    "dynamodb:PutItem": [TABLE + "alice", TABLE + "Alice"],
    "dynamodb:Query": [TABLE + "Users/index/byName"],
}

ACTION_PATTERNS = [
    "*", "cognito-idp:*", "cognito-idp:List*", "cognito-idp:Admin*", "cognito-idp:?istUsers", "COGNITO-IDP:listusers",
    "cognito-idp:AdminGetUser", "cognito-idp:*UserPool*", "cognito-identity:*", "dynamodb:Get*", "dynamodb:*Item",
    "dynamodb:Query", "dynamodb:*", "cognito-idp:ListUserPools", "cognito-idp:Create*",
]

RESOURCE_PATTERNS = [
    "*", POOL + "*", "arn:aws:cognito-idp:*:*:userpool/us-east-1_A*", POOL + "us-east-1_???", POOL + "US-EAST-1_AAA",
    POOL + "us-east-1_AAA", "arn:aws:cognito-idp:us-east-1:111111111111:userpool/*", "arn:aws:cognito-idp:*:*:*",
    TABLE + "${aws:username}", "arn:aws:dynamodb:*:*:table/${aws:PrincipalTag/team}", TABLE + "${aws:username, 'Users'}",
    "arn:aws:dynamodb:us-east-1:*:table/*", TABLE + "Users/*", TABLE + "?lice", IDPOOL + "*", IDPOOL + "us-east-1:1111",
    "arn:aws:*:us-east-1:123456789012:*", "arn:aws:cognito-idp:us-*-1:123456789012:userpool/*",
    TABLE + "${aws:username, 'O''Brien'}", TABLE + "${$}x", TABLE + "al${?}ce", "arn:aws:dynamodb:us-east-1:${aws:PrincipalAccount}:table/*",
]

# context key -> (type, possible values)
KEYS: dict[str, tuple[str, list[Any]]] = {
    "aws:username": ("string", ["alice", "bob", "Alice"]),
    "aws:userid": ("string", ["AIDAEXAMPLE", "AROAEXAMPLE:session"]),
    "aws:PrincipalTag/team": ("string", ["red", "blue", "Red"]),
    "aws:RequestTag/env": ("string", ["prod", "dev", "prod-eu"]),
    "aws:PrincipalAccount": ("string", [ACCOUNT, "111111111111"]),
    "cognito-identity.amazonaws.com:sub": ("string", ["us-east-1:1111", "us-east-1:2222"]),
    "aws:TagKeys": ("list", [["env"], ["env", "team"], ["owner"], ["Env", "team"], []]),
    "cognito-identity.amazonaws.com:amr": ("list", [["authenticated"], ["unauthenticated"], ["authenticated", "graph.facebook.com"]]),
    "aws:MultiFactorAuthAge": ("numeric", ["0", "300", "3600", "86400"]),
    "aws:CurrentTime": ("date", ["2026-11-29T12:00:00Z", "2020-01-01T00:00:00Z", "2030-06-30T23:59:59Z"]),
    "aws:EpochTime": ("date", ["1790000000", "1577836800", "1900000000"]),
    "aws:SecureTransport": ("bool", ["true", "false"]),
    "aws:MultiFactorAuthPresent": ("bool", ["true", "false"]),
    "aws:SourceIp": ("ip", ["10.0.0.5", "192.168.1.20", "203.0.113.9", "2001:db8::1", "2001:db9::5"]),
    "aws:PrincipalArn": ("arn", [f"arn:aws:iam::{ACCOUNT}:user/alice", f"arn:aws:iam::{ACCOUNT}:role/Admin", "arn:aws:iam::111111111111:user/bob"]),
    "aws:SourceArn": ("arn", [POOL + "us-east-1_AAA", TABLE + "alice"]),
}

POLICY_VALUES: dict[str, list[Any]] = {
    "string": ["alice", "bob", "ALICE", "red", "Red", "prod", "prod-*", "a*", "?ob", "AIDA*", "us-east-1:1111", ACCOUNT,
               "${aws:username}", "${aws:PrincipalTag/team, 'red'}", "${aws:username}-*", "AROAEXAMPLE:${aws:username}", "${*}",
               "${aws:PrincipalTag/team}", "${AWS:UserName}", "p${?}od"],
    "list": ["env", "team", "owner", "Env", "t*", "authenticated", "graph.facebook.com"],
    "numeric": ["0", "300", "3600", 3600, "86400", "1800"],
    "date": ["2026-01-01T00:00:00Z", "2025-12-31", "2026-11-29T12:00:00Z", "2030-01-01T00:00:00+02:00", "1790000000", "1577836800"],
    "bool": ["true", "false", True],
    "ip": ["10.0.0.0/8", "192.168.1.0/24", "203.0.113.9/32", "2001:db8::/32", "203.0.113.9", "2001:db9::/48", "0.0.0.0/0"],
    "arn": [f"arn:aws:iam::{ACCOUNT}:user/*", f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}", "arn:aws:iam::*:role/Admin",
            f"arn:aws:iam::{ACCOUNT}:role/Admin", POOL + "us-east-1_*", "arn:aws:dynamodb:*:*:table/alice"],
}

OPERATORS: dict[str, list[str]] = {
    "string": ["StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike"],
    "list": ["StringEquals", "StringLike", "StringNotEquals", "StringNotLike", "StringEqualsIgnoreCase"],
    "numeric": ["NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals"],
    "date": ["DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals"],
    "bool": ["Bool"],
    "ip": ["IpAddress", "NotIpAddress"],
    "arn": ["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"],
}


def _one_or_many(rng: random.Random, pool: list[Any], most: int = 3) -> Any:
    picked = rng.sample(pool, rng.randint(1, min(most, len(pool))))
    return picked[0] if len(picked) == 1 and rng.random() < 0.6 else picked


def _condition(rng: random.Random) -> dict:
    block: dict[str, dict] = {}
    for _ in range(rng.choice([1, 1, 1, 2])):
        key = rng.choice(list(KEYS))
        kind = KEYS[key][0]
        if rng.random() < 0.1:  # condition key names are case-insensitive
            key = key.upper() if rng.random() < 0.5 else key.lower()
        if rng.random() < 0.08:
            block.setdefault("Null", {})[key] = rng.choice(["true", "false", True])
            continue
        operator = rng.choice(OPERATORS[kind])
        if kind == "list" or rng.random() < 0.12:
            operator = rng.choice(["ForAnyValue:", "ForAllValues:"]) + operator
        if rng.random() < 0.2:
            operator += "IfExists"
        block.setdefault(operator, {})[key] = _one_or_many(rng, POLICY_VALUES[kind])
    return block


def _statement(rng: random.Random, *, allow_bias: float) -> dict:
    statement: dict[str, Any] = {"Effect": "Allow" if rng.random() < allow_bias else "Deny"}
    statement["NotAction" if rng.random() < 0.15 else "Action"] = _one_or_many(rng, ACTION_PATTERNS)
    statement["NotResource" if rng.random() < 0.15 else "Resource"] = _one_or_many(rng, RESOURCE_PATTERNS)
    if rng.random() < 0.55:
        statement["Condition"] = _condition(rng)
    if rng.random() < 0.3:
        statement["Sid"] = f"S{rng.randint(0, 9999)}"
    return statement


def _policy(rng: random.Random, *, allow_bias: float = 0.8, most: int = 3) -> dict:
    statements = [_statement(rng, allow_bias=allow_bias) for _ in range(rng.randint(1, most))]
    sids = set()
    for statement in statements:  # Sids must be unique within a policy
        if "Sid" in statement and statement["Sid"] in sids:
            del statement["Sid"]
        sids.add(statement.get("Sid"))
    version = "2012-10-17" if rng.random() < 0.92 else "2008-10-17"
    return {"Version": version, "Statement": statements if len(statements) > 1 or rng.random() < 0.5 else statements[0]}


def _context(rng: random.Random) -> dict[str, Any]:
    return {key: rng.choice(values) for key, (_, values) in KEYS.items() if rng.random() < 0.6}


def generate(count: int, seed: int = 20261129) -> list[dict]:
    """``count`` cases, the same ones for the same seed."""
    rng = random.Random(seed)
    cases = []
    for index in range(count):
        action = rng.choice(list(ACTIONS))
        session = _policy(rng, allow_bias=0.85, most=2) if rng.random() < 0.2 else None
        principal = f"arn:aws:iam::{ACCOUNT}:role/Admin" if session else f"arn:aws:iam::{ACCOUNT}:user/alice"
        scps = None
        if rng.random() < 0.25:
            scps = [_policy(rng, allow_bias=0.7, most=2)]
            if rng.random() < 0.5:
                scps.insert(0, {"Version": "2012-10-17", "Statement": [{"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"}]})
        cases.append({
            "id": index,
            "principal": principal,
            "action": action if rng.random() < 0.9 else action.upper() if rng.random() < 0.5 else action.lower(),
            "resource": rng.choice(ACTIONS[action]),
            "context": _context(rng),
            "identity": [_policy(rng) for _ in range(rng.randint(1, 3))],
            "boundaries": [_policy(rng, allow_bias=0.85, most=2)] if rng.random() < 0.3 else None,
            "session": session,
            "scps": scps,
        })
    return cases
