"""userpools.domain.totp against RFC 6238's test vector and the test's own TOTP: drift window, replay."""
import base64

import pytest

from tests.userpools.mfa_support import rfc6238
from userpools.domain import totp

RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()  # RFC 6238 appendix B, SHA-1


def test_rfc_6238_vectors():
    # The RFC's 8-digit codes end in these six digits.
    assert totp.code_at(RFC_SECRET, 59) == "287082"
    assert totp.code_at(RFC_SECRET, 1111111109) == "081804"
    assert totp.code_at(RFC_SECRET, 20000000000) == "353130"


def test_new_secret_is_160_bit_base32():
    secret = totp.new_secret()
    assert len(base64.b32decode(secret + "=" * (-len(secret) % 8))) == 20
    assert secret != totp.new_secret()


def test_current_step_matches():
    secret, now = totp.new_secret(), 1_700_000_000.0
    assert totp.matching_step(secret, rfc6238(secret, now), now, None) == int(now) // 30


@pytest.mark.parametrize("offset_steps", [-1, 1])
def test_one_step_of_drift_is_accepted(offset_steps):
    secret, now = totp.new_secret(), 1_700_000_000.0
    code = rfc6238(secret, now + 30 * offset_steps)
    assert totp.matching_step(secret, code, now, None) == int(now) // 30 + offset_steps


@pytest.mark.parametrize("offset_steps", [-3, -2, 2, 3])
def test_codes_outside_the_window_are_refused(offset_steps):
    secret, now = totp.new_secret(), 1_700_000_000.0
    assert totp.matching_step(secret, rfc6238(secret, now + 30 * offset_steps), now, None) is None


def test_a_used_step_and_earlier_ones_are_refused():
    secret, now = totp.new_secret(), 1_700_000_000.0
    step = int(now) // 30
    assert totp.matching_step(secret, rfc6238(secret, now), now, step) is None
    assert totp.matching_step(secret, rfc6238(secret, now - 30), now, step - 1) is None
    assert totp.matching_step(secret, rfc6238(secret, now + 30), now, step) == step + 1


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12 456"])
def test_malformed_codes_are_refused(code):
    assert totp.matching_step(totp.new_secret(), code, 1_700_000_000.0, None) is None
