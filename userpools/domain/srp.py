"""SRP-6a as Amazon Cognito runs it: pure maths, no Django.

Cognito's variant (the one amazon-cognito-identity-js, pycognito and the AWS SDKs implement):

* the 3072-bit group of RFC 3526 with g = 2;
* numbers are hashed in their "padded hex" form: minimal hex, with a leading 0 added to odd
  lengths and 00 before a leading digit of 8-f (Java's signed byte arrays);
* k = H(pad(N) | pad(g)), u = H(pad(A) | pad(B)), x = H(pad(salt) | H(poolName | username ":" password));
* the session key is HKDF-SHA256 of S (padded) with u (padded) as salt and the info
  "Caldera Derived Key", cut to 16 bytes;
* the client proves it with PASSWORD_CLAIM_SIGNATURE = base64(HMAC-SHA256(key, poolName |
  userIdForSrp | secretBlock | timestamp)), the timestamp written as "Tue Mar 4 09:05:07 UTC 2025".

`poolName` is the part of the pool id after "_" for users; for a remembered device the device
group key takes its place and the device key the username's.

Modular exponentiation goes through GMP (gmpy2) when it is installed, which makes a sign-in about
ten times cheaper than Python's own `pow`; both give the same numbers.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import threading
from collections.abc import Callable
from datetime import UTC, datetime

try:  # GMP, when available
    import gmpy2
except ImportError:  # pragma: no cover - exercised by the fallback test through `use_backend`
    gmpy2 = None

N_HEX = (
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
)
N = int(N_HEX, 16)
G = 2
INFO = b"Caldera Derived Key"
KEY_BYTES = 16
SALT_BYTES = 16
# The server's secret exponent: twice the group's 128-bit security strength.
EPHEMERAL_BITS = 256
# A public value is a number below N; its hex may carry leading zeros, but not pages of them.
MAX_PUBLIC_HEX = 2 * (len(N_HEX) // 2 + 1) + 16

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_TIMESTAMP = re.compile(r"([A-Za-z]{3}) ([A-Za-z]{3}) (\d{1,2}) (\d{1,2}):(\d{2}):(\d{2}) (UTC|GMT) (\d{4})")
_HEX = re.compile(r"[0-9a-fA-F]+")


class SrpError(ValueError):
    """A public value or parameter that SRP must refuse (the caller maps it to its wire error)."""


# --- big numbers -------------------------------------------------------------------------

def _gmp_powmod(base: int, exponent: int, modulus: int) -> int:
    return int(gmpy2.powmod(base, exponent, modulus))


def _python_powmod(base: int, exponent: int, modulus: int) -> int:
    return pow(base, exponent, modulus)


_powmod: Callable[[int, int, int], int] = _gmp_powmod if gmpy2 is not None else _python_powmod


class _FixedBase:
    """g^e mod N by a table made once: g^(d·2^(6i)) for every 6-bit digit d at every position i
    of a 256-bit exponent, so g^e is one modular multiplication per digit of e (at most 43)
    instead of GMP's ~300 squarings and multiplications: about four times cheaper for the
    exponents the server raises g to (its secret b, and x when a password is set). The table
    (2,752 numbers, ~1 MB) is made on first use, in ~10 ms. Like GMP's powmod, its running time
    depends on the exponent's digits; the exponents here are fresh or hashed and used once."""

    WINDOW = 6
    BITS = 256

    def __init__(self) -> None:
        self._rows: list[list] = []
        self._modulus = gmpy2.mpz(N) if gmpy2 is not None else N
        self._lock = threading.Lock()

    def _table(self) -> list[list]:
        if not self._rows:
            with self._lock:
                if not self._rows:
                    modulus, base, rows = self._modulus, gmpy2.mpz(G), []
                    for _ in range(-(-self.BITS // self.WINDOW)):
                        row = [gmpy2.mpz(1)]
                        for _ in range((1 << self.WINDOW) - 1):
                            row.append(row[-1] * base % modulus)
                        rows.append(row)
                        base = row[-1] * base % modulus
                    self._rows = rows
        return self._rows

    def power(self, exponent: int) -> int:
        rows, modulus, mask = self._table(), self._modulus, (1 << self.WINDOW) - 1
        result = gmpy2.mpz(1)
        for row in rows:
            digit = exponent & mask
            if digit:
                result = result * row[digit] % modulus
            exponent >>= self.WINDOW
        return int(result)


_fixed_base = _FixedBase()


def _g_pow(exponent: int) -> int:
    """g^exponent mod N: from the table for the server's 256-bit exponents when GMP is in use."""
    if _powmod is _gmp_powmod and 0 <= exponent < 1 << _FixedBase.BITS:
        return _fixed_base.power(exponent)
    return _powmod(G, exponent, N)


def backend() -> str:
    """"gmpy2" or "python": which big-number implementation is in use."""
    return "gmpy2" if _powmod is _gmp_powmod else "python"


def use_backend(name: str) -> None:
    """Switch the big-number implementation ("gmpy2" or "python"), for tests and benchmarks."""
    global _powmod
    if name == "gmpy2":
        if gmpy2 is None:
            raise RuntimeError("gmpy2 is not installed")
        _powmod = _gmp_powmod
    elif name == "python":
        _powmod = _python_powmod
    else:
        raise ValueError(f"unknown SRP backend {name!r}")


# --- encodings ---------------------------------------------------------------------------

def pad_hex(value: int) -> str:
    """Cognito's hashing form of a non-negative number: even-length hex, never read as negative."""
    text = f"{value:x}"
    if len(text) % 2:
        return "0" + text
    if text[0] in "89abcdef":
        return "00" + text
    return text


def _hash_hex(hex_text: str) -> str:
    return hashlib.sha256(bytes.fromhex(hex_text)).hexdigest()


def _hash_int(hex_text: str) -> int:
    return int(_hash_hex(hex_text), 16)


K = _hash_int(pad_hex(N) + pad_hex(G))


def pool_name(pool_id: str) -> str:
    """The part of a user pool id after the region and "_", which Cognito mixes into x."""
    return pool_id.split("_", 1)[1]


def parse_public(hex_text: str) -> int:
    """The client's A (or any public value) from hex, refusing what would void the protocol:
    non-hex, oversized, and anything that is 0 modulo N (0, N, 2N, ...)."""
    if not hex_text or len(hex_text) > MAX_PUBLIC_HEX or not _HEX.fullmatch(hex_text):
        raise SrpError("not a hexadecimal number of the group's size")
    value = int(hex_text, 16)
    if value % N == 0:
        raise SrpError("A mod N is zero")
    return value


# --- the protocol ------------------------------------------------------------------------

def _x(salt_hex: str, name: str, username: str, password: str) -> int:
    identity_hash = hashlib.sha256(f"{name}{username}:{password}".encode()).hexdigest()
    return _hash_int(pad_hex(int(salt_hex, 16)) + identity_hash)


def make_salt() -> str:
    """A fresh 128-bit salt in minimal hex (clients read it as a number, so leading zeros would
    be lost on one side and kept on the other)."""
    return f"{secrets.randbits(SALT_BYTES * 8) | 1 << (SALT_BYTES * 8 - 1):x}"


def verifier_for(salt_hex: str, name: str, username: str, password: str) -> str:
    """v = g^x mod N as hex, for a given salt."""
    return f"{_g_pow(_x(salt_hex, name, username, password)):x}"


def make_verifier(name: str, username: str, password: str) -> tuple[str, str]:
    """(salt_hex, verifier_hex) for storing in place of the password. `name` is the pool name
    (see `pool_name`) for users, the device group key for devices."""
    salt = make_salt()
    return salt, verifier_for(salt, name, username, password)


def server_challenge(verifier_hex: str) -> tuple[int, str]:
    """The server's secret b and its public B = k·v + g^b mod N (hex), B never 0 mod N."""
    verifier = int(verifier_hex, 16)
    while True:
        b = secrets.randbits(EPHEMERAL_BITS)
        big_b = (K * verifier + _g_pow(b)) % N
        if b and big_b:
            return b, f"{big_b:x}"


def scrambler(big_a: int, big_b: int) -> int:
    """u = H(pad(A) | pad(B))."""
    return _hash_int(pad_hex(big_a) + pad_hex(big_b))


def hkdf(ikm: bytes, salt: bytes) -> bytes:
    """Cognito's one-block HKDF-SHA256 with the info "Caldera Derived Key", 16 bytes long."""
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    return hmac.new(prk, INFO + b"\x01", hashlib.sha256).digest()[:KEY_BYTES]


def server_key(big_a: int, b: int, big_b: int, verifier_hex: str) -> bytes:
    """The session key the client must also have derived: S = (A·v^u)^b mod N, through HKDF."""
    if big_a % N == 0:
        raise SrpError("A mod N is zero")
    u = scrambler(big_a, big_b)
    if u == 0:
        raise SrpError("u is zero")
    verifier = int(verifier_hex, 16)
    s = _powmod(big_a * _powmod(verifier, u, N) % N, b, N)
    return hkdf(bytes.fromhex(pad_hex(s)), bytes.fromhex(pad_hex(u)))


def client_key(name: str, username: str, password: str, salt_hex: str, a: int, big_b: int) -> bytes:
    """The client's side of the key (what Cognito's SDKs compute), for tests and benchmarks."""
    big_a = _powmod(G, a, N)
    u = scrambler(big_a, big_b)
    if u == 0 or big_b % N == 0:
        raise SrpError("unsafe server value")
    x = _x(salt_hex, name, username, password)
    base = (big_b - K * _powmod(G, x, N)) % N
    s = _powmod(base, a + u * x, N)
    return hkdf(bytes.fromhex(pad_hex(s)), bytes.fromhex(pad_hex(u)))


def claim_signature(key: bytes, name: str, user_id: str, secret_block: bytes, timestamp: str) -> str:
    """PASSWORD_CLAIM_SIGNATURE (base64) over the pool name, USER_ID_FOR_SRP, the raw SECRET_BLOCK
    and the timestamp."""
    message = name.encode() + user_id.encode() + secret_block + timestamp.encode()
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


def verify_claim(
    *,
    name: str,
    user_id: str,
    verifier_hex: str,
    big_a: int,
    b: int,
    big_b_hex: str,
    secret_block: bytes,
    timestamp: str,
    signature: str,
) -> bool:
    """Whether the client's PASSWORD_CLAIM_SIGNATURE proves it knows the password.

    The timestamp is signed as Cognito writes it (re-formatted from the parsed value), so a
    zero-padded day or a wrong weekday fails like a wrong password. Raises SrpError for a
    timestamp that cannot be read at all, or an unsafe A or u."""
    when = parse_timestamp(timestamp)
    key = server_key(big_a, b, int(big_b_hex, 16), verifier_hex)
    expected = claim_signature(key, name, user_id, secret_block, format_timestamp(when))
    return hmac.compare_digest(expected.encode(), signature.encode())


# --- timestamps --------------------------------------------------------------------------

def format_timestamp(moment: datetime) -> str:
    """Cognito's TIMESTAMP: "Tue Mar 4 09:05:07 UTC 2025" (day not padded; always in UTC)."""
    utc = moment.astimezone(UTC)
    return (
        f"{_WEEKDAYS[utc.weekday()]} {_MONTHS[utc.month - 1]} {utc.day} "
        f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d} UTC {utc.year}"
    )


def parse_timestamp(text: str) -> datetime:
    """The instant a TIMESTAMP names (weekday ignored, as a lenient date parser would)."""
    match = _TIMESTAMP.fullmatch(text or "")
    if match is None:
        raise SrpError("TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.")
    _, month, day, hour, minute, second, _, year = match.groups()
    try:
        return datetime(
            int(year), _MONTHS.index(month.capitalize()) + 1, int(day), int(hour), int(minute), int(second), tzinfo=UTC
        )
    except ValueError:
        raise SrpError("TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.") from None


def decode_base64(text: str) -> bytes:
    """Strict standard base64 (a SECRET_BLOCK or signature), SrpError when it is not."""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise SrpError("not base64") from None
