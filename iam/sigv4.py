"""AWS Signature Version 4, framework-free: plain values in, plain values out.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, quote

ALGORITHM = "AWS4-HMAC-SHA256"
_AMZ_DATE = re.compile(r"[0-9]{8}T[0-9]{6}Z", re.ASCII)
_AUTH_PART = re.compile(r"\s*(Credential|SignedHeaders|Signature)\s*=\s*([^,\s]*)\s*")


class SignatureError(Exception):
    """A request's signature is missing, malformed, expired or wrong. `kind` says which."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind  # "missing" | "incomplete" | "expired" | "scope" | "mismatch"
        self.message = message


@dataclass(frozen=True)
class Authorization:
    access_key_id: str
    date: str  # YYYYMMDD
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str

    @property
    def scope(self) -> str:
        return f"{self.date}/{self.region}/{self.service}/aws4_request"


@functools.lru_cache(maxsize=64)  # a request's header is parsed by the audit record's reader and by authentication
def parse_authorization(header: str | None) -> Authorization:
    if not header:
        raise SignatureError("missing", "Missing Authentication Token")
    algorithm, _, rest = header.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise SignatureError("incomplete", f"Unsupported authorization algorithm: {algorithm}")
    parts: dict[str, str] = {}
    for chunk in rest.split(","):
        match = _AUTH_PART.fullmatch(chunk)
        if match:
            parts[match.group(1)] = match.group(2)
    missing = [name for name in ("Credential", "SignedHeaders", "Signature") if not parts.get(name)]
    if missing:
        names = ", ".join(f"'{name}'" for name in missing)
        raise SignatureError(
            "incomplete",
            f"Authorization header requires {names} parameter{'s' if len(missing) > 1 else ''}. "
            f"Authorization={header}",
        )
    credential = parts["Credential"].split("/")
    if len(credential) != 5 or credential[4] != "aws4_request" or not all(credential):
        raise SignatureError(
            "incomplete",
            f"Credential should be scoped to a valid region, not '{credential[2] if len(credential) > 2 else ''}'.",
        )
    signed_headers = tuple(parts["SignedHeaders"].split(";"))
    if "host" not in signed_headers:
        raise SignatureError("incomplete", "'Host' must be a 'SignedHeader' in the AWS Authorization.")
    return Authorization(
        access_key_id=credential[0],
        date=credential[1],
        region=credential[2],
        service=credential[3],
        signed_headers=signed_headers,
        signature=parts["Signature"],
    )


def check_scope(auth: Authorization, *, region: str, service: str) -> None:
    """Refuse a credential scoped to another region or service than the request is for, in AWS's
    words (a signing key derived for one service or region must not open another)."""
    if auth.region != region:
        raise SignatureError("scope", "Credential should be scoped to a valid region.")
    if auth.service != service:
        raise SignatureError("scope", f"Credential should be scoped to correct service: '{service}'.")


def check_signed(auth: Authorization, headers: dict[str, str], names: tuple[str, ...]) -> None:
    """Refuse a request that carries one of `names` (lower-case header names) unsigned: e.g.
    an unsigned X-Amz-Target would let a captured signed body be replayed as another operation."""
    for name in names:
        if name in headers and name not in auth.signed_headers:
            pretty = "-".join(part.capitalize() for part in name.split("-"))
            raise SignatureError("incomplete", f"'{pretty}' must be a 'SignedHeader' in the AWS Authorization.")


def _uri_encode(value: str, safe: str = "-_.~") -> str:
    return quote(value, safe=safe)


def canonical_query(query_string: str) -> str:
    pairs = parse_qsl(query_string, keep_blank_values=True)
    encoded = sorted((_uri_encode(k), _uri_encode(v)) for k, v in pairs)
    return "&".join(f"{k}={v}" for k, v in encoded)


# Characters a path segment may carry unescaped (RFC 3986 pchar); clients differ in which of
# them they escape, and the server only sees the decoded path.
_PCHAR_SAFE = "/-._~!$&'()*+,;=:@"


def normalize_path(path: str) -> str:
    """Remove empty and '.' segments and resolve '..', keeping a trailing '/', as botocore's
    `normalize_url_path` does for every service but S3."""
    if not path:
        return "/"
    segments: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment and segment != ".":
            segments.append(segment)
    normalized = "/" + "/".join(segments)
    return normalized + "/" if path.endswith("/") and normalized != "/" else normalized


def canonical_uri(path_as_sent: str) -> str:
    """The canonical URI exactly as AWS's signers compute it (botocore's SigV4Auth): the path as
    sent on the wire, normalized, then URI-encoded once more with `quote(safe='/~')`."""
    return quote(normalize_path(path_as_sent), safe="/~")


@functools.lru_cache(maxsize=256)  # a pure function of a path, and "/" serves every JSON and query call
def canonical_uris(decoded_path: str) -> tuple[str, ...]:
    """Every canonical URI a correct signer may have used for a request whose decoded path is
    `decoded_path`. The server cannot tell `dave@x` from `dave%40x` on the wire, so it tries the
    path as sent with pchars unescaped and as sent fully escaped, each canonicalized as AWS's
    signers do (SDKs) and as sent (signers that skip the second encoding, e.g. curl 7.x).
    All of them name the same decoded path, so none lets a signature cover another resource.
    """
    candidates: list[str] = []
    for as_sent in (quote(decoded_path or "/", safe=_PCHAR_SAFE), quote(decoded_path or "/", safe="/-_.~")):
        for uri in (canonical_uri(as_sent), as_sent):
            if uri not in candidates:
                candidates.append(uri)
    return tuple(candidates)


def canonical_headers(headers: dict[str, str], signed: tuple[str, ...]) -> str:
    lines = []
    for name in signed:
        if name not in headers:
            raise SignatureError("mismatch", "A signed header is missing from the request.")
        lines.append(f"{name}:{' '.join(headers[name].split())}\n")
    return "".join(lines)


def canonical_request(
    method: str, uri: str, query_string: str, headers: dict[str, str], signed: tuple[str, ...], payload_hash: str
) -> str:
    """The canonical request for `uri`, an already canonical URI (see `canonical_uris`)."""
    return "\n".join(
        [
            method.upper(),
            uri,
            canonical_query(query_string),
            canonical_headers(headers, signed),
            ";".join(signed),
            payload_hash,
        ]
    )


@functools.lru_cache(maxsize=256)
def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    """Memoized: a key signs with the same derived key all day (four HMACs saved per call)."""
    key = _hmac(f"AWS4{secret}".encode(), date)
    key = _hmac(key, region)
    key = _hmac(key, service)
    return _hmac(key, "aws4_request")


def string_to_sign(amz_date: str, scope: str, canonical: str) -> str:
    return "\n".join([ALGORITHM, amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])


def signature(secret: str, auth: Authorization, amz_date: str, canonical: str) -> str:
    key = signing_key(secret, auth.date, auth.region, auth.service)
    return hmac.new(key, string_to_sign(amz_date, auth.scope, canonical).encode(), hashlib.sha256).hexdigest()


def parse_amz_date(value: str | None) -> datetime:
    if not value:
        raise SignatureError("incomplete", "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
    try:
        if not _AMZ_DATE.fullmatch(value):
            raise ValueError(value)
        return datetime(int(value[:4]), int(value[4:6]), int(value[6:8]),  # strptime costs ~5x this
                        int(value[9:11]), int(value[11:13]), int(value[13:15]), tzinfo=UTC)
    except ValueError:
        raise SignatureError("incomplete", f"X-Amz-Date must be in ISO 8601 basic format, got '{value}'.") from None


def check_freshness(signed_at: datetime, now: datetime, max_skew_seconds: int) -> None:
    skew = (now - signed_at).total_seconds()
    fmt = "%Y%m%dT%H%M%SZ"
    minutes = max_skew_seconds // 60
    if skew > max_skew_seconds:
        raise SignatureError(
            "expired",
            f"Signature expired: {signed_at.strftime(fmt)} is now earlier than "
            f"{_shift(now, -max_skew_seconds).strftime(fmt)} ({now.strftime(fmt)} - {minutes} min.)",
        )
    if -skew > max_skew_seconds:
        raise SignatureError(
            "expired",
            f"Signature not yet current: {signed_at.strftime(fmt)} is still later than "
            f"{_shift(now, max_skew_seconds).strftime(fmt)} ({now.strftime(fmt)} + {minutes} min.)",
        )


def verify(
    *,
    secret: str,
    auth: Authorization,
    method: str,
    path: str,
    query_string: str,
    headers: dict[str, str],
    body: bytes,
    now: datetime,
    max_skew_seconds: int = 900,
    payload_hash: str | None = None,
) -> None:
    """Raise SignatureError unless the request is signed by `secret` and fresh.

    `path` is the decoded request path (as Django's `request.path`); `headers` maps lower-cased
    header names to values. `payload_hash` (the body's SHA-256, hex) stands in for `body` when
    the verifier never saw the body (the authorizer: an app backend sends only its hash).
    """
    amz_date = headers.get("x-amz-date") or ""
    signed_at = parse_amz_date(amz_date)
    if amz_date[:8] != auth.date:
        raise SignatureError("mismatch", "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP.")
    check_freshness(signed_at, now, max_skew_seconds)
    payload_hash = payload_hash.lower() if payload_hash is not None else hashlib.sha256(body).hexdigest()
    declared = headers.get("x-amz-content-sha256")
    if declared and declared != payload_hash:  # these APIs take no unsigned payloads
        raise SignatureError("mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.")
    for uri in canonical_uris(path):
        canonical = canonical_request(method, uri, query_string, headers, auth.signed_headers, payload_hash)
        if hmac.compare_digest(signature(secret, auth, amz_date, canonical), auth.signature):
            return
    raise SignatureError("mismatch", "signature mismatch")


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def _shift(moment: datetime, seconds: int) -> datetime:
    return moment + timedelta(seconds=seconds)
