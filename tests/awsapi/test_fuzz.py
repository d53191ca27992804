"""Property-based fuzzing of every registered operation through the real HTTP stack: no input is a 500.

Request members are generated from botocore's input shapes (valid-looking values, and hostile
ones: wrong types, NUL bytes, lone surrogates, huge integers, missing required and unknown
members), sent to `POST /` signed with the root key (authorization passes, so the handlers run)
and unsigned. Bounded for CI: a few derandomized examples per operation.
"""
from __future__ import annotations

import base64
import json
import re
from urllib.parse import urlencode

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.serialize import create_serializer
from django.conf import settings
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from awsapi import registry

pytestmark = pytest.mark.django_db

REGION = "us-east-1"
INT32 = 2**31
HOSTILE_STRINGS = ["", "\x00", "a\x00b", "\ud800", "x\udfffy", "\u202e", "%s%n", "' OR 1=1 --", "../../etc/passwd", "a" * 2049]
HOSTILE_INTS = [2**40, -(2**40), 2**63, -(2**63) - 1, 2**31, -1, 0]
HOSTILE_ANY = st.sampled_from([None, True, 1.5, "x", 7, [], {}, [None], {"a": None}, 2**70])


def _operations() -> list[registry.Operation]:
    ops = list(registry.REGISTRY._operations.values())
    return sorted(ops, key=lambda op: (op.service.model_name, op.name))


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


def _valid(shape, depth: int = 0) -> st.SearchStrategy:
    """Values of the shape's type (often invalid for its constraints, which is the point)."""
    kind = shape.type_name
    if depth > 4:
        return st.none()
    if kind == "structure":
        members = {name: _member(member, depth + 1) for name, member in shape.members.items()}
        required = {name: members.pop(name) for name in shape.required_members if name in members}
        return st.fixed_dictionaries(required, optional=members)
    if kind == "list":
        return st.lists(_member(shape.member, depth + 1), max_size=3)
    if kind == "map":
        return st.dictionaries(_text(shape.key), _member(shape.value, depth + 1), max_size=3)
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
    if kind == "blob":
        return st.sampled_from(["", "!!not base64!!", "\x00", base64.b64encode(b"\x00" * 10).decode()])
    return HOSTILE_ANY


def _member(shape, depth: int) -> st.SearchStrategy:
    return st.one_of(_valid(shape, depth), _hostile(shape))


def _body(op: registry.Operation) -> st.SearchStrategy:
    shape = op.model.input_shape
    base = _valid(shape) if shape is not None else st.just({})
    unknown = st.dictionaries(st.sampled_from(["Bogus", "__proto__", "\x00"]), HOSTILE_ANY, max_size=1)
    return st.tuples(base, unknown).map(lambda pair: {**pair[0], **pair[1]})


def _signed_headers(service: str, url: str, body: bytes, headers: dict) -> dict:
    request = AWSRequest(method="POST", url=url, data=body, headers=headers)
    SigV4Auth(Credentials(settings.ROOT_ACCESS_KEY_ID, settings.ROOT_SECRET_ACCESS_KEY), service, REGION).add_auth(request)
    return dict(request.headers)


def _send(op: registry.Operation, params: dict, signed: bool):
    client = Client()
    url = "http://testserver/"
    if op.service.protocol == "query":
        try:
            form = create_serializer("query").serialize_to_request(params, op.model)["body"]
        except Exception:  # wrong types botocore cannot serialize: send them as flat strings
            form = {"Action": op.name, "Version": op.service.model.api_version, **{k: str(v) for k, v in params.items()}}
        body = urlencode(form, errors="surrogatepass").encode()  # a lone surrogate travels as invalid UTF-8
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    else:
        body = json.dumps(params).encode()  # ensure_ascii: lone surrogates travel as \ud800 escapes
        headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": f"{op.service.target_prefix}.{op.name}"}
    if signed:
        headers = _signed_headers(op.service.signing_name, url, body, headers)
    extra = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items() if name.lower() != "content-type"}
    return client.post("/", data=body, content_type=headers["Content-Type"], **extra)


def _assert_no_5xx(op: registry.Operation, params: dict, response) -> None:
    assert response.status_code < 500, f"{op.service.model_name}.{op.name} {params!r} -> {response.status_code} {response.content[:300]!r}"


FUZZ = hsettings(max_examples=4, derandomize=True, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.mark.parametrize("op", _operations(), ids=lambda op: f"{op.service.model_name}.{op.name}")
def test_no_operation_answers_5xx(op):
    @FUZZ
    @given(params=_body(op), signed=st.booleans())
    def check(params, signed):
        _assert_no_5xx(op, params, _send(op, params, signed))

    check()


def test_registry_covers_every_service():
    names = {op.service.model_name for op in _operations()}
    assert {"cognito-idp", "cognito-identity", "kms", "organizations", "cloudtrail", "iam", "sts"} <= names
