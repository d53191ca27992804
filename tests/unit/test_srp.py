"""The SRP maths against an independent client (pycognito's AWSSRP, which follows Cognito's SDKs).
No database."""
from __future__ import annotations

import base64
import hashlib
import hmac
import time
from datetime import UTC, datetime, timezone

import pytest
from pycognito.aws_srp import AWSSRP

from userpools.domain import srp

POOL_ID = "us-east-1_AbCdEf123"
USER = "alice"
PASSWORD = "Correct#Horse1"


@pytest.fixture(params=["gmpy2", "python"])
def each_backend(request):
    previous = srp.backend()
    srp.use_backend(request.param)
    yield request.param
    srp.use_backend(previous)


def sdk_client(username: str = USER, password: str = PASSWORD) -> AWSSRP:
    return AWSSRP(username=username, password=password, pool_id=POOL_ID, client_id="client", pool_region="us-east-1")


def sdk_signature(client: AWSSRP, challenge: dict[str, str], timestamp: str) -> str:
    """The PASSWORD_CLAIM_SIGNATURE the SDK sends (pycognito's own key derivation and HMAC)."""
    key = client.get_password_authentication_key(challenge["USER_ID_FOR_SRP"], client.password, int(challenge["SRP_B"], 16), challenge["SALT"])
    message = POOL_ID.split("_")[1].encode() + challenge["USER_ID_FOR_SRP"].encode() + base64.b64decode(challenge["SECRET_BLOCK"]) + timestamp.encode()
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


def server_round(client: AWSSRP, username: str = USER, password: str = PASSWORD, timestamp: str | None = None, secret_block: bytes = b"opaque block"):
    salt, verifier = srp.make_verifier(srp.pool_name(POOL_ID), username, password)
    b, big_b = srp.server_challenge(verifier)
    challenge = {"USER_ID_FOR_SRP": username, "SRP_B": big_b, "SALT": salt, "SECRET_BLOCK": base64.b64encode(secret_block).decode()}
    stamp = timestamp or srp.format_timestamp(datetime.now(UTC))
    signature = sdk_signature(client, challenge, stamp)
    return dict(name=srp.pool_name(POOL_ID), user_id=username, verifier_hex=verifier, big_a=client.large_a_value, b=b,
                big_b_hex=big_b, secret_block=secret_block, timestamp=stamp, signature=signature)


def test_group_constants_match_cognito():
    assert srp.N.bit_length() == 3072 and srp.G == 2
    assert srp.K == int(hashlib.sha256(bytes.fromhex("00" + srp.N_HEX + "02")).hexdigest(), 16)


@pytest.mark.parametrize("value, expected", [(0x1, "01"), (0x7f, "7f"), (0x80, "0080"), (0xabc, "0abc"), (0x1234, "1234"), (0xff00, "00ff00")])
def test_pad_hex_is_cognitos_signed_form(value, expected):
    assert srp.pad_hex(value) == expected


def test_sdk_proof_verifies_on_every_backend(each_backend):
    assert srp.verify_claim(**server_round(sdk_client()))


def test_backends_agree():
    salt = srp.make_salt()
    srp.use_backend("python")
    python = srp.verifier_for(salt, "pool", USER, PASSWORD)
    srp.use_backend("gmpy2")
    assert srp.verifier_for(salt, "pool", USER, PASSWORD) == python
    assert srp.backend() == "gmpy2"


@pytest.mark.parametrize("exponent", [0, 1, 2, 63, 64, 2**255, 2**256 - 1, 2**256, 2**300 + 12345, "random"])
def test_table_powers_of_g_match_pow(exponent):
    """g^e from the fixed-base table (256-bit exponents) or GMP beyond it: Python's pow's numbers."""
    exponent = int.from_bytes(hashlib.sha256(b"e").digest(), "big") if exponent == "random" else exponent
    assert srp._g_pow(exponent) == pow(srp.G, exponent, srp.N)


def test_wrong_password_fails():
    claim = server_round(sdk_client(password="Wrong#Horse1"))
    assert srp.verify_claim(**{**claim, "verifier_hex": srp.make_verifier(claim["name"], USER, PASSWORD)[1]}) is False


def test_proof_is_bound_to_block_user_and_timestamp():
    claim = server_round(sdk_client())
    assert srp.verify_claim(**{**claim, "secret_block": b"another block"}) is False
    assert srp.verify_claim(**{**claim, "user_id": "bob"}) is False
    later = srp.format_timestamp(srp.parse_timestamp(claim["timestamp"]).replace(year=2031))
    assert srp.verify_claim(**{**claim, "timestamp": later}) is False


def test_client_key_matches_server_key():
    salt, verifier = srp.make_verifier("pool", USER, PASSWORD)
    a = 123456789123456789
    b, big_b = srp.server_challenge(verifier)
    big_a = pow(2, a, srp.N)
    assert srp.client_key("pool", USER, PASSWORD, salt, a, int(big_b, 16)) == srp.server_key(big_a, b, int(big_b, 16), verifier)


def test_salts_are_fresh_128_bit_minimal_hex():
    salts = {srp.make_salt() for _ in range(50)}
    assert len(salts) == 50
    assert all(len(salt) == 32 and salt[0] in "89abcdef" for salt in salts)


def test_server_b_is_a_group_element_and_fresh():
    _, verifier = srp.make_verifier("pool", USER, PASSWORD)
    (b1, big_b1), (b2, big_b2) = srp.server_challenge(verifier), srp.server_challenge(verifier)
    assert b1 != b2 and big_b1 != big_b2
    assert 0 < int(big_b1, 16) < srp.N


@pytest.mark.parametrize("text", ["", "0", "00", srp.N_HEX, f"{2 * srp.N:x}", f"{5 * srp.N:x}", "xyz", "12g4", "-5", "0x1f", "f" * 2000])
def test_unsafe_or_malformed_public_values_are_refused(text):
    with pytest.raises(srp.SrpError):
        srp.parse_public(text)


def test_public_value_with_leading_zeros_is_read_as_a_number():
    assert srp.parse_public("000abc") == 0xabc


def test_server_refuses_a_zero_mod_n_and_zero_u(monkeypatch):
    _, verifier = srp.make_verifier("pool", USER, PASSWORD)
    b, big_b = srp.server_challenge(verifier)
    with pytest.raises(srp.SrpError):
        srp.server_key(srp.N, b, int(big_b, 16), verifier)
    monkeypatch.setattr(srp, "scrambler", lambda big_a, big_b: 0)
    with pytest.raises(srp.SrpError, match="u is zero"):
        srp.server_key(12345, b, int(big_b, 16), verifier)


@pytest.mark.parametrize("moment, text", [
    (datetime(2025, 3, 4, 9, 5, 7, tzinfo=UTC), "Tue Mar 4 09:05:07 UTC 2025"),
    (datetime(2024, 12, 25, 23, 59, 0, tzinfo=UTC), "Wed Dec 25 23:59:00 UTC 2024"),
])
def test_timestamp_is_cognitos_format(moment, text):
    assert srp.format_timestamp(moment) == text
    assert srp.parse_timestamp(text) == moment


def test_timestamp_matches_the_sdk_format():
    now = datetime(2025, 9, 5, 1, 2, 3)
    assert srp.format_timestamp(now.replace(tzinfo=UTC)) == AWSSRP.get_cognito_formatted_timestamp(now)


@pytest.mark.parametrize("text", ["", "2025-03-04T09:05:07Z", "Tue Mar 4 09:05:07 +05:30 2025", "Tue Foo 4 09:05:07 UTC 2025", "Tue Feb 30 09:05:07 UTC 2025"])
def test_unreadable_timestamps_are_refused(text):
    with pytest.raises(srp.SrpError, match="TIMESTAMP format"):
        srp.parse_timestamp(text)


@pytest.mark.parametrize("variant", ["Tue Mar 04 09:05:07 UTC 2025", "Mon Mar 4 09:05:07 UTC 2025"])
def test_padded_day_or_wrong_weekday_fails_like_a_wrong_password(variant):
    """Cognito signs the timestamp as it writes it, so a client that signed another spelling fails."""
    assert srp.verify_claim(**server_round(sdk_client(), timestamp=variant)) is False


def test_strict_base64():
    assert srp.decode_base64(base64.b64encode(b"\xfb\xff").decode()) == b"\xfb\xff"
    with pytest.raises(srp.SrpError):
        srp.decode_base64("-_-_")


def test_native_backend_is_several_times_cheaper():
    """What a sign-in costs the server (B, then the key) on each backend."""
    _, verifier = srp.make_verifier("pool", USER, PASSWORD)
    big_a = sdk_client().large_a_value

    def cost(name: str) -> float:
        srp.use_backend(name)
        started = time.perf_counter()
        for _ in range(10):
            b, big_b = srp.server_challenge(verifier)
            srp.server_key(big_a, b, int(big_b, 16), verifier)
        return (time.perf_counter() - started) / 10

    try:
        native, plain = cost("gmpy2"), cost("python")
    finally:
        srp.use_backend("gmpy2")
    assert native * 2 < plain
