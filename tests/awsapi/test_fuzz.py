"""Property-based fuzzing of every registered operation through the real HTTP stack: no input is a 500.

Request members are generated from botocore's input shapes (valid-looking values, and hostile
ones: wrong types, NUL bytes, lone surrogates, huge integers, missing required and unknown
members), sent to `POST /` signed with the root key (authorization passes, so the handlers run)
and unsigned. Bounded for CI: a few derandomized examples per operation (`FUZZ_EXAMPLES`, 8 by
default, about 25 s on two cores). Resources the members may name (a user pool, its client, a
signed-in user and their tokens, a group, an identity pool) are created first, so generated calls
get past "not found" into the handlers.
"""
from __future__ import annotations

import base64
import os
import re

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from awsapi import registry
from tests.awsapi import wire

pytestmark = pytest.mark.django_db

INT32 = 2**31
HOSTILE_STRINGS = ["", "\x00", "a\x00b", "\ud800", "x\udfffy", "\u202e", "%s%n", "' OR 1=1 --", "../../etc/passwd", "a" * 2049]
HOSTILE_INTS = [2**40, -(2**40), 2**63, -(2**63) - 1, 2**31, -1, 0, "9" * 5000]  # digits beyond int()'s 4,300 (query)
DEEP: list = []
for _ in range(40):  # deeper than AWS_MAX_JSON_DEPTH
    DEEP = [DEEP]
HOSTILE_ANY = st.sampled_from([None, True, 1.5, "x", 7, [], {}, [None], {"a": None}, 2**70, DEEP, {"a": {"b": DEEP}}])


def _operations() -> list[registry.Operation]:
    ops = registry.REGISTRY.operations()
    return sorted(ops, key=lambda op: (op.service.model_name, op.name))


class World:
    """Real resources the generated members may name, so calls get past "not found" into the handlers."""

    def __init__(self) -> None:
        self.values: dict[str, list] = {}

    def add(self, **values) -> None:
        for name, value in values.items():
            if value is not None:
                self.values.setdefault(name, []).append(value)

    def around(self, name: str, generated: st.SearchStrategy) -> st.SearchStrategy:
        known = self.values.get(name)
        return st.one_of(st.sampled_from(known), generated) if known else generated


def _seed(model_name: str) -> World:
    """A user pool with a client, a group and a signed-in user (cognito-idp), an identity pool, IAM names."""
    world = World()
    world.add(KeyId="1234abcd-12ab-34cd-56ef-1234567890ab", Name="email", AttributeName="email", AuthFlow="ADMIN_USER_PASSWORD_AUTH")
    if model_name == "cognito-idp":
        pool = wire.ok("cognito-idp", "CreateUserPool", {"PoolName": "fuzz", "UsernameAttributes": ["email"]})["UserPool"]["Id"]
        client = wire.ok("cognito-idp", "CreateUserPoolClient", {
            "UserPoolId": pool, "ClientName": "fuzz", "ExplicitAuthFlows": ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        })["UserPoolClient"]["ClientId"]
        user = "fuzz@example.com"
        wire.ok("cognito-idp", "AdminCreateUser", {"UserPoolId": pool, "Username": user, "MessageAction": "SUPPRESS"})
        wire.ok("cognito-idp", "AdminSetUserPassword", {"UserPoolId": pool, "Username": user, "Password": "Fuzz-Passw0rd!", "Permanent": True})
        wire.ok("cognito-idp", "CreateGroup", {"UserPoolId": pool, "GroupName": "fuzzers"})
        auth = wire.ok("cognito-idp", "AdminInitiateAuth", {
            "UserPoolId": pool, "ClientId": client, "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": user, "PASSWORD": "Fuzz-Passw0rd!"},
        })["AuthenticationResult"]
        world.add(UserPoolId=pool, ClientId=client, Username=user, GroupName="fuzzers", AccessToken=auth["AccessToken"],
                  RefreshToken=auth.get("RefreshToken"), Token=auth.get("RefreshToken"))
    if model_name == "cognito-identity":
        identity_pool = wire.ok("cognito-identity", "CreateIdentityPool", {"IdentityPoolName": "fuzz", "AllowUnauthenticatedIdentities": True})
        world.add(IdentityPoolId=identity_pool["IdentityPoolId"])
    if model_name == "iam":
        world.add(UserName="fuzz-user", GroupName="fuzz-group", RoleName="fuzz-role")
    return world


def _text(shape) -> st.SearchStrategy:
    meta = shape.metadata
    enum = meta.get("enum") or getattr(shape, "enum", None)
    if enum:
        return st.sampled_from(list(enum))
    low, high = meta.get("min", 0), min(meta.get("max", 40), 40)
    plain = st.text(alphabet=st.characters(codec="utf-8"), min_size=min(low, high), max_size=high)
    pattern = meta.get("pattern")
    if pattern:
        try:
            re.compile(pattern)
            return st.one_of(st.from_regex(pattern, fullmatch=True).map(lambda s: s[:high]), plain)
        except re.error:
            pass
    return plain


def _valid(shape, world: World, depth: int = 0, hostile: bool = False) -> st.SearchStrategy:
    """Values of the shape's type, as valid as a strategy can make them; with `hostile`, any
    member may instead be a hostile value."""
    kind = shape.type_name
    if depth > 4:
        return st.none()
    if kind == "structure":
        members = {name: world.around(name, _member(member, world, depth + 1, hostile)) for name, member in shape.members.items()}
        # hostile: required members may be missing too
        required = {} if hostile else {name: members.pop(name) for name in shape.required_members if name in members}
        return st.fixed_dictionaries(required, optional=members)
    if kind == "list":
        return st.lists(_member(shape.member, world, depth + 1, hostile), max_size=3)
    if kind == "map":
        return st.dictionaries(_text(shape.key), _member(shape.value, world, depth + 1, hostile), max_size=3)
    if kind == "string":
        return _text(shape)
    if kind in ("integer", "long"):
        meta = shape.metadata
        return st.integers(min_value=meta.get("min", -INT32), max_value=meta.get("max", INT32 - 1))
    if kind == "boolean":
        return st.booleans()
    if kind in ("double", "float"):
        return st.floats(allow_nan=False, allow_infinity=False, width=32)
    if kind == "timestamp":
        return st.integers(min_value=0, max_value=4_000_000_000)
    if kind == "blob":
        return st.binary(max_size=64).map(lambda b: base64.b64encode(b).decode())
    return st.none()


def _hostile(shape) -> st.SearchStrategy:
    kind = shape.type_name
    if kind == "string":
        return st.sampled_from(HOSTILE_STRINGS)
    if kind in ("integer", "long"):
        return st.sampled_from(HOSTILE_INTS)
    if kind in ("timestamp", "double", "float"):
        return st.sampled_from([1e300, -1e300, 2**70, 10**400, float(2**62), -1, 0.5])
    if kind == "blob":
        return st.sampled_from(["", "!!not base64!!", "\x00", base64.b64encode(b"\x00" * 10).decode()])
    return HOSTILE_ANY


def _member(shape, world: World, depth: int, hostile: bool) -> st.SearchStrategy:
    valid = _valid(shape, world, depth, hostile)
    return st.one_of(valid, _hostile(shape)) if hostile else valid


def _body(op: registry.Operation, world: World) -> st.SearchStrategy:
    """Request members: all well-typed, or each possibly hostile; plus maybe an unknown member."""
    shape = op.model.input_shape
    base = st.one_of(_valid(shape, world), _valid(shape, world, hostile=True)) if shape is not None else st.just({})
    unknown = st.dictionaries(st.sampled_from(["Bogus", "__proto__", "\x00"]), HOSTILE_ANY, max_size=1)
    return st.tuples(base, unknown).map(lambda pair: {**pair[0], **pair[1]})


def _assert_no_5xx(op: registry.Operation, params: dict, response) -> None:
    assert response.status_code < 500, f"{op.service.model_name}.{op.name} {params!r} -> {response.status_code} {response.content[:300]!r}"


# FUZZ_EXAMPLES raises the bound for a longer local hunt (30 per operation found nothing more).
FUZZ = hsettings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "8")), derandomize=True, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.mark.parametrize("op", _operations(), ids=lambda op: f"{op.service.model_name}.{op.name}")
def test_no_operation_answers_5xx(op):
    world = _seed(op.service.model_name)

    @FUZZ
    @given(params=_body(op, world), signed=st.booleans())
    def check(params, signed):
        _assert_no_5xx(op, params, wire.call(op, params, signed))

    check()


def test_registry_covers_every_service():
    names = {op.service.model_name for op in _operations()}
    assert {"cognito-idp", "cognito-identity", "kms", "organizations", "cloudtrail", "iam", "sts"} <= names
