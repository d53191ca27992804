"""Differential test: ``iam.policy.evaluate`` against an independent implementation of AWS's policy
evaluation, ``@cloud-copilot/iam-simulate`` (npm), over seeded random cases (tests/iam/policy_cases.py).

LICENSE: iam-simulate is AGPL-3.0. It runs only here, as a separate Node process
(tests/iam/differential/oracle.mjs, fed JSON on stdin); it is never imported into, linked with or
shipped with our code, and its node_modules is not committed. `make test` installs it with `npm ci`
from the committed package-lock.json.

Without node (or without npm to install the package) the test skips, except under CI=true, where it
fails.

Every disagreement must be explained by one of DOCUMENTED_EXCEPTIONS: a rewrite of the case that,
by the AWS documentation quoted with it, does not change AWS's answer (or, for the legacy version,
shows the oracle read the case differently) and after which both sides agree.
"""
from __future__ import annotations

import copy
import datetime
import ipaddress
import json
import os
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from iam.policy import Request, evaluate
from tests.iam.policy_cases import KEYS, generate

CASES = 600
ORACLE_DIR = Path(__file__).parent / "differential"
OURS_TO_ORACLE = {"Allow": "Allowed", "ExplicitDeny": "ExplicitlyDenied", "ImplicitDeny": "ImplicitlyDenied"}


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}: the IAM differential test needs it in CI")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def node() -> str:
    """The node binary, with the oracle's packages installed (``npm ci`` when they are missing)."""
    binary = shutil.which("node")
    if binary is None:
        _unavailable("node is not installed")
    if not (ORACLE_DIR / "node_modules" / "@cloud-copilot" / "iam-simulate").is_dir():
        npm = shutil.which("npm")
        if npm is None:
            _unavailable("npm is needed to install tests/iam/differential")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=ORACLE_DIR, check=True, capture_output=True, timeout=300)
    return binary


def oracle(node: str, cases: list[dict]) -> dict[int, str]:
    """iam-simulate's decision per case id, in one Node process for the whole batch."""
    finished = subprocess.run([node, "oracle.mjs"], cwd=ORACLE_DIR, input=json.dumps(cases), capture_output=True, text=True, timeout=300, check=False)
    assert finished.returncode == 0, finished.stderr
    results = json.loads(finished.stdout)
    errors = [r for r in results if "error" in r]
    assert not errors, errors[:3]
    return {r["id"]: r["result"] for r in results}


def ours(case: dict) -> str:
    """Our decision for a case, in the oracle's words."""
    def texts(policies: list[dict] | None) -> list[tuple[str, str]] | None:
        return None if policies is None else [(f"p{i}", json.dumps(p)) for i, p in enumerate(policies)]
    decision = evaluate(
        Request(case["action"], case["resource"], case["context"], case["principal"]),
        identity=texts(case["identity"]) or [],
        boundaries=texts(case["boundaries"]),
        session=texts([case["session"]] if case["session"] else None),
        scps=texts(case["scps"]),
    )
    return OURS_TO_ORACLE[decision.kind]


# --- documented exceptions -----------------------------------------------------------------------

def _policies(case: dict) -> list[dict]:
    return case["identity"] + (case["boundaries"] or []) + (case["scps"] or []) + ([case["session"]] if case["session"] else [])


def _rewrite_condition_values(case: dict, operator_part: str, rewrite: Callable[[object], object]) -> dict:
    case = copy.deepcopy(case)
    for policy in _policies(case):
        statements = policy["Statement"] if isinstance(policy["Statement"], list) else [policy["Statement"]]
        for statement in statements:
            for operator, keys in statement.get("Condition", {}).items():
                if operator_part in operator:
                    for key, value in keys.items():
                        rewritten = [rewrite(v) for v in (value if isinstance(value, list) else [value])]
                        flat = [item for v in rewritten for item in (v if isinstance(v, list) else [v])]
                        keys[key] = flat if isinstance(value, list) or len(flat) > 1 else flat[0]
    return case


def _epoch_to_iso(value: object) -> object:
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        return datetime.datetime.fromtimestamp(int(value), datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value


def dates_as_iso(case: dict) -> dict:
    """Every epoch-seconds date, in the request and in Date* conditions, written as ISO 8601."""
    case = _rewrite_condition_values(case, "Date", _epoch_to_iso)
    date_keys = {key.lower() for key, (kind, _) in KEYS.items() if kind == "date"}
    case["context"] = {k: _epoch_to_iso(v) if k.lower() in date_keys else v for k, v in case["context"].items()}
    return case


def _address_as_cidr(value: object) -> object:
    if isinstance(value, str) and "/" not in value:
        return str(ipaddress.ip_network(value))  # 203.0.113.9 -> 203.0.113.9/32
    return value


def addresses_as_cidr(case: dict) -> dict:
    """Every bare address in IpAddress/NotIpAddress written as a /32 (IPv4) or /128 (IPv6) block."""
    return _rewrite_condition_values(case, "IpAddress", _address_as_cidr)


def _split_everything(value: object) -> object:
    halves = {"0.0.0.0/0": ["0.0.0.0/1", "128.0.0.0/1"], "::/0": ["::/1", "8000::/1"]}
    return halves.get(value, value) if isinstance(value, str) else value


def everything_as_halves(case: dict) -> dict:
    """Every ``0.0.0.0/0`` (``::/0``) in IpAddress/NotIpAddress written as its two /1 halves."""
    return _rewrite_condition_values(case, "IpAddress", _split_everything)


def legacy_as_current(case: dict) -> dict:
    """Every 2008-10-17 policy read as 2012-10-17 (policy variables resolved)."""
    return json.loads(json.dumps(case).replace('"2008-10-17"', '"2012-10-17"'))


@dataclass(frozen=True)
class Exception_:
    name: str
    aws_doc: str
    rewrite: Callable[[dict], dict]
    same_meaning: bool  # True: the rewrite keeps AWS's answer; False: it models the oracle's misreading


DOCUMENTED_EXCEPTIONS = [
    Exception_(
        "epoch dates are seconds",
        # iam-simulate parses epoch values as seconds but ISO 8601 ones as milliseconds, so it
        # compares the two forms wrongly.
        "IAM User Guide, Date condition operators: \"you must use one of the supported W3C "
        "implementations of the ISO 8601 date formats ... or epoch (UNIX) time\"; global condition keys, "
        "aws:EpochTime: \"the date in epoch or Unix time\" (seconds since January 1, 1970).",
        dates_as_iso,
        True,
    ),
    Exception_(
        "a bare address is a one-address range",
        # iam-simulate's NotIpAddress treats a bare IPv4 value as not excluding an IPv6 request.
        "IAM User Guide, IP address condition operators: \"IpAddress: The specified IP address or "
        "range\"; a single address is the range of that one address (/32 for IPv4, /128 for IPv6).",
        addresses_as_cidr,
        True,
    ),
    Exception_(
        "a /0 block holds every address",
        # iam-simulate masks IPv4 with `-1 << (32 - prefix)`, and JavaScript shifts by 32 as by 0,
        # so its 0.0.0.0/0 matches only 0.0.0.0.
        "IAM User Guide, IP address condition operators: the value is \"in the standard CIDR format "
        "(for example, 203.0.113.0/24 or 2001:DB8:1234:5678::/64)\"; in CIDR (RFC 4632) a /0 prefix "
        "is the whole address space, the union of its two /1 halves.",
        everything_as_halves,
        True,
    ),
    Exception_(
        "no policy variables under 2008-10-17",
        # iam-simulate resolves ${...} whatever the Version; IAM reads it as literal text.
        "IAM User Guide, Variables and tags: \"If you don't include the Version element and set it to "
        "the appropriate version date, variables like ${aws:username} are treated as literal strings "
        "in the policy.\"",
        legacy_as_current,
        False,
    ),
]


def explain(node: str, disagreements: list[tuple[dict, str, str]]) -> tuple[Counter, list]:
    """Sort disagreements into documented exceptions; return the counts and the unexplained ones."""
    explained: Counter = Counter()
    unexplained = []
    rewritten = {e.name: [e.rewrite(case) for case, _, _ in disagreements] for e in DOCUMENTED_EXCEPTIONS}
    answers = {name: oracle(node, cases) for name, cases in rewritten.items() if cases}
    for index, (case, mine, theirs) in enumerate(disagreements):
        for exception in DOCUMENTED_EXCEPTIONS:
            variant = rewritten[exception.name][index]
            if variant == case:
                continue
            if exception.same_meaning:
                ok = ours(variant) == mine and answers[exception.name][case["id"]] == mine
            else:
                ok = ours(variant) == theirs
            if ok:
                explained[exception.name] += 1
                break
        else:
            unexplained.append({"case": case, "ours": mine, "iam-simulate": theirs})
    return explained, unexplained


def test_evaluator_agrees_with_iam_simulate(node):
    cases = generate(CASES)
    theirs = oracle(node, cases)
    mine = {case["id"]: ours(case) for case in cases}
    outcomes = Counter(mine.values())
    # the mix must exercise all three outcomes, not mostly implicit denies
    assert all(outcomes[kind] >= CASES // 20 for kind in OURS_TO_ORACLE.values()), outcomes
    disagreements = [(case, mine[case["id"]], theirs[case["id"]]) for case in cases if mine[case["id"]] != theirs[case["id"]]]
    explained, unexplained = explain(node, disagreements)
    assert not unexplained, json.dumps(unexplained[:3], indent=1)
    assert sum(explained.values()) <= CASES // 20, explained  # exceptions stay exceptional
