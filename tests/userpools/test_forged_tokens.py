"""Forged access tokens are refused: the classic JWT forgeries against our verification.

Each forgery carries the claims of a genuine, live access token, so only the signature (or the
key it names) is at fault; the genuine token is accepted, so a refusal is not for another reason.
Refused at the token service (unit) and through the wire (GetUser via boto3).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc.jwk import RSAKey

from core.errors import NotAuthorizedException
from tests.conftest import error_code
from tests.userpools.token_support import issue, make_client, make_user
from userpools import keys
from userpools.models import SigningKey
from userpools.services import tokens

pytestmark = pytest.mark.django_db(transaction=True)

INVALID = "Invalid Access Token"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(header: dict, claims: dict, sign: Callable[[bytes], bytes] | None) -> str:
    """A compact JWS with the given header and claims; `sign` maps the signing input to the signature."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}".encode()
    return f"{signing_input.decode()}.{b64(sign(signing_input)) if sign else ''}"


def hs256_with(secret: bytes) -> Callable[[bytes], bytes]:
    return lambda signing_input: hmac.new(secret, signing_input, hashlib.sha256).digest()


class Genuine:
    """A live access token of the pool, its header and claims, and the pool's public key."""

    def __init__(self, token: str, signing_key: SigningKey):
        self.token = token
        self.header = jwt.get_unverified_header(token)
        self.claims = jwt.decode(token, options={"verify_signature": False})
        self.jwk = signing_key.public_jwk
        self.public_key = RSAKey.import_key(self.jwk).as_pem(private=False)  # SubjectPublicKeyInfo PEM
        self.private_key = keys.private_key(signing_key)

    @property
    def kid(self) -> str:
        return self.header["kid"]


@pytest.fixture
def genuine(idp, pool_id) -> Genuine:
    client_id = make_client(idp, pool_id)
    result = issue(make_user(idp, pool_id), client_id)
    return Genuine(result["AccessToken"], SigningKey.objects.get(pool_id=pool_id, kid=jwt.get_unverified_header(result["AccessToken"])["kid"]))


def pkcs1_pem(genuine: Genuine) -> bytes:
    public = serialization.load_pem_public_key(genuine.public_key)
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1)


def another_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


# Each forgery, built from the genuine token: name -> token.
FORGERIES: dict[str, Callable[[Genuine], str]] = {
    "alg none": lambda g: forge({**g.header, "alg": "none"}, g.claims, None),
    "alg None, no kid": lambda g: forge({"alg": "None", "typ": "JWT"}, g.claims, None),
    "alg none with the genuine signature": lambda g: forge({**g.header, "alg": "none"}, g.claims, None) + g.token.rsplit(".", 1)[1],
    "HS256 keyed with the public key PEM": lambda g: forge({**g.header, "alg": "HS256"}, g.claims, hs256_with(g.public_key)),
    "HS256 keyed with the PEM without its last newline": lambda g: forge(
        {**g.header, "alg": "HS256"}, g.claims, hs256_with(g.public_key.rstrip(b"\n"))),
    "HS256 keyed with the PKCS#1 PEM": lambda g: forge({**g.header, "alg": "HS256"}, g.claims, hs256_with(pkcs1_pem(g))),
    "HS256 keyed with the JWK": lambda g: forge({**g.header, "alg": "HS256"}, g.claims, hs256_with(json.dumps(g.jwk).encode())),
    "HS256 keyed with the compact JWK": lambda g: forge(
        {**g.header, "alg": "HS256"}, g.claims, hs256_with(json.dumps(g.jwk, separators=(",", ":"), sort_keys=True).encode())),
    "HS256 keyed with the JWK's modulus": lambda g: forge({**g.header, "alg": "HS256"}, g.claims, hs256_with(g.jwk["n"].encode())),
    "unknown kid, signed by the pool's own key": lambda g: jwt.encode(
        g.claims, g.private_key.as_pem(private=True), algorithm="RS256", headers={"kid": "not-a-kid-of-ours"}),
    "no kid, signed by the pool's own key": lambda g: jwt.encode(g.claims, g.private_key.as_pem(private=True), algorithm="RS256"),
    "another RSA key with the right kid": lambda g: jwt.encode(g.claims, another_rsa_key(), algorithm="RS256", headers={"kid": g.kid}),
    "another RSA key with the right kid, as PS256": lambda g: jwt.encode(
        g.claims, another_rsa_key(), algorithm="PS256", headers={"kid": g.kid}),
    "the pool's own key, as PS256": lambda g: jwt.encode(
        g.claims, g.private_key.as_pem(private=True), algorithm="PS256", headers={"kid": g.kid}),
    "the genuine token with its signature cut off": lambda g: g.token.rsplit(".", 1)[0] + ".",
    "a kid holding NUL and a lone surrogate": lambda g: forge({**g.header, "kid": "\u0000\ud800"}, g.claims, lambda _: b"x"),
    "a kid longer than any of ours": lambda g: forge({**g.header, "kid": "k" * 300}, g.claims, lambda _: b"x"),
}


def test_the_genuine_token_is_accepted(genuine):
    user, claims, _ = tokens.authenticate_access_token(genuine.token)
    assert user.username == "alice" and claims == genuine.claims


@pytest.mark.parametrize("forgery", FORGERIES, ids=list(FORGERIES))
def test_a_forged_token_is_refused(genuine, forgery):
    forged = FORGERIES[forgery](genuine)
    assert forged != genuine.token
    with pytest.raises(NotAuthorizedException) as refused:
        tokens.authenticate_access_token(forged)
    assert str(refused.value) == INVALID


@pytest.mark.parametrize("forgery", ["alg none", "HS256 keyed with the public key PEM", "HS256 keyed with the JWK",
                                     "unknown kid, signed by the pool's own key", "another RSA key with the right kid",
                                     "a kid holding NUL and a lone surrogate"])
def test_get_user_refuses_a_forged_token(genuine, unsigned_idp, forgery):
    assert unsigned_idp.get_user(AccessToken=genuine.token)["Username"] == "alice"
    with pytest.raises(unsigned_idp.exceptions.NotAuthorizedException) as refused:
        unsigned_idp.get_user(AccessToken=FORGERIES[forgery](genuine))
    assert error_code(refused) == "NotAuthorizedException"
    assert refused.value.response["Error"]["Message"] == INVALID
