"""sigv4.verify with only the body's SHA-256 (the authorizer never sees an app backend's body)."""
from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from iam import sigv4
from tests.unit.test_sigv4 import _botocore_signed

BODY = b'{"x": 1}'


def _verify(headers, payload_hash):
    sigv4.verify(
        secret="secret/key", auth=sigv4.parse_authorization(headers["authorization"]), method="POST", path="/",
        query_string="", headers=headers, body=b"", now=datetime.now(UTC), payload_hash=payload_hash,
    )


def test_the_bodys_hash_stands_in_for_the_body():
    _verify(_botocore_signed(BODY), hashlib.sha256(BODY).hexdigest())
    _verify(_botocore_signed(BODY), hashlib.sha256(BODY).hexdigest().upper())


def test_another_bodys_hash_is_a_mismatch():
    with pytest.raises(sigv4.SignatureError) as excinfo:
        _verify(_botocore_signed(BODY), hashlib.sha256(b'{"x": 2}').hexdigest())
    assert excinfo.value.kind == "mismatch"
