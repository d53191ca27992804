"""What our APIs accept as a user-pool token beyond a good signature (issue 13, part 5).

Only keys in the pool's published JWKS verify; `exp` may lie no further from `iat` than the
client's configured validity; `nbf` and `iat` are honoured with a small clock skew; tokens of a
deleted app client are refused; and revocation is precise below the second, so a token minted in
the same second after a sign-out is valid while one minted before it is refused. Each test failed
before the fix.
"""
from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from unittest import mock

import jwt
import pytest
from botocore.exceptions import ClientError
from django.core.management import call_command
from django.utils import timezone

from tests.conftest import error_code
from tests.userpools.token_support import issue, make_client, make_user
from userpools import keys
from userpools.domain import token_ids
from userpools.models import SigningKey, User
from userpools.services import tokens

pytestmark = pytest.mark.django_db(transaction=True)


def refusal(unsigned_idp, access_token: str) -> str:
    """GetUser's error message for a token it must refuse."""
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.get_user(AccessToken=access_token)
    assert error_code(excinfo) == "NotAuthorizedException"
    return excinfo.value.response["Error"]["Message"]


def resigned(token: str, **changes) -> str:
    """The token with some claims changed, signed again with the pool key that signed it."""
    kid = jwt.get_unverified_header(token)["kid"]
    claims = {**jwt.decode(token, options={"verify_signature": False}), **changes}
    private = keys.private_key(SigningKey.objects.get(kid=kid)).as_pem(private=True)
    return jwt.encode(claims, private, algorithm="RS256", headers={"kid": kid})


@pytest.fixture
def client_id(idp, pool_id):
    return make_client(idp, pool_id)


@pytest.fixture
def alice(idp, pool_id):
    return make_user(idp, pool_id)


# --- keys ------------------------------------------------------------------------------------

def test_a_key_no_longer_published_no_longer_verifies(unsigned_idp, pool_id, client_id, alice):
    before = issue(alice, client_id)
    old_kid = jwt.get_unverified_header(before["AccessToken"])["kid"]
    call_command("rotatekeys", pool_id)
    assert unsigned_idp.get_user(AccessToken=before["AccessToken"])["Username"] == "alice"  # retired, still published

    SigningKey.objects.filter(kid=old_kid).update(retired_at=timezone.now() - keys.LONGEST_TOKEN_LIFETIME - timedelta(minutes=1))
    keys.forget_cached_keys()  # as if the cache's short lifetime had passed
    assert old_kid not in [key.kid for key in keys.published_keys(alice.pool)]
    assert refusal(unsigned_idp, before["AccessToken"]) == "Invalid Access Token"
    with pytest.raises(Exception, match="Invalid Id Token"):
        tokens.authenticate_id_token(before["IdToken"])
    after = issue(alice, client_id)  # the new key still verifies
    assert unsigned_idp.get_user(AccessToken=after["AccessToken"])["Username"] == "alice"


def test_verification_uses_exactly_the_published_set(pool_id, client_id, alice):
    """Every published kid verifies and no other kid of the pool does."""
    first = jwt.get_unverified_header(issue(alice, client_id)["AccessToken"])["kid"]
    call_command("rotatekeys", pool_id)
    second = jwt.get_unverified_header(issue(alice, client_id)["AccessToken"])["kid"]
    call_command("rotatekeys", pool_id)
    SigningKey.objects.filter(kid=first).update(retired_at=timezone.now() - keys.LONGEST_TOKEN_LIFETIME - timedelta(seconds=1))
    keys.forget_cached_keys()
    published = {key.kid for key in keys.published_keys(alice.pool)}
    assert second in published and first not in published
    for key in SigningKey.objects.filter(pool_id=pool_id):
        assert (keys.verification_key(key.kid) is not None) == (key.kid in published)


# --- exp, iat and nbf ------------------------------------------------------------------------

def test_exp_a_billion_seconds_ahead_is_refused(unsigned_idp, client_id, alice):
    token = issue(alice, client_id)["AccessToken"]
    iat = jwt.decode(token, options={"verify_signature": False})["iat"]
    assert refusal(unsigned_idp, resigned(token, exp=iat + 1_000_000_000)) == "Invalid Access Token"


def test_exp_may_not_exceed_the_clients_validity(idp, unsigned_idp, pool_id, alice):
    client_id = make_client(idp, pool_id, AccessTokenValidity=5, IdTokenValidity=10,
                            TokenValidityUnits={"AccessToken": "minutes", "IdToken": "minutes"})
    result = issue(alice, client_id)
    access = jwt.decode(result["AccessToken"], options={"verify_signature": False})
    assert access["exp"] - access["iat"] == 300
    assert unsigned_idp.get_user(AccessToken=resigned(result["AccessToken"], exp=access["iat"] + 300))["Username"] == "alice"
    assert refusal(unsigned_idp, resigned(result["AccessToken"], exp=access["iat"] + 3600)) == "Invalid Access Token"
    id_claims = jwt.decode(result["IdToken"], options={"verify_signature": False})
    tokens.authenticate_id_token(resigned(result["IdToken"], exp=id_claims["iat"] + 600))
    with pytest.raises(Exception, match="Invalid Id Token"):
        tokens.authenticate_id_token(resigned(result["IdToken"], exp=id_claims["iat"] + 3600))


def test_iat_and_nbf_in_the_future_beyond_the_skew_are_refused(unsigned_idp, client_id, alice, settings):
    settings.TOKEN_CLOCK_SKEW_SECONDS = 60
    token = issue(alice, client_id)["AccessToken"]
    now = int(time.time())
    # Within the skew: accepted.
    assert unsigned_idp.get_user(AccessToken=resigned(token, iat=now + 30, exp=now + 1800))["Username"] == "alice"
    assert unsigned_idp.get_user(AccessToken=resigned(token, nbf=now + 30))["Username"] == "alice"
    # Beyond it: refused.
    assert refusal(unsigned_idp, resigned(token, iat=now + 600, exp=now + 1800)) == "Invalid Access Token"
    assert refusal(unsigned_idp, resigned(token, nbf=now + 600)) == "Invalid Access Token"
    assert refusal(unsigned_idp, resigned(token, nbf="soon")) == "Invalid Access Token"
    assert refusal(unsigned_idp, resigned(token, iat="now")) == "Invalid Access Token"


# --- deleted clients -------------------------------------------------------------------------

def test_tokens_of_a_deleted_client_are_refused(idp, unsigned_idp, pool_id, alice):
    client_id = make_client(idp, pool_id)
    result = issue(alice, client_id)
    assert unsigned_idp.get_user(AccessToken=result["AccessToken"])["Username"] == "alice"
    idp.delete_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    assert refusal(unsigned_idp, result["AccessToken"]) == "Invalid Access Token"
    with pytest.raises(Exception, match="Invalid Id Token"):
        tokens.authenticate_id_token(result["IdToken"])


def test_a_client_id_of_another_pool_is_refused(idp, unsigned_idp, pool_id, alice):
    other_pool = idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    foreign_client = make_client(idp, other_pool)
    token = issue(alice, make_client(idp, pool_id))["AccessToken"]
    assert refusal(unsigned_idp, resigned(token, client_id=foreign_client)) == "Invalid Access Token"


# --- revocation below the second -------------------------------------------------------------

def _clock(at: datetime):
    return mock.patch.object(tokens.timezone, "now", return_value=at)


@pytest.mark.parametrize("with_refresh_rows", [False, True])
def test_sign_out_is_precise_below_the_second(idp, unsigned_idp, pool_id, alice, with_refresh_rows):
    """Minted before the sign-out: refused; minted after it in the very same second: valid.
    Without refresh rows (revocation off, or no refresh token) only the times can tell."""
    client_id = make_client(idp, pool_id, EnableTokenRevocation=with_refresh_rows)
    second = datetime.fromtimestamp(int(time.time()) - 1, tz=UTC)
    with _clock(second + timedelta(microseconds=100_000)):
        before = issue(alice, client_id, with_refresh=with_refresh_rows)
    with _clock(second + timedelta(microseconds=400_000)):
        tokens.end_sessions(User.objects.get(pk=alice.pk))
    with _clock(second + timedelta(microseconds=400_001)):
        after = issue(alice, client_id, with_refresh=with_refresh_rows)
    assert refusal(unsigned_idp, before["AccessToken"]) == "Access Token has been revoked"
    assert unsigned_idp.get_user(AccessToken=after["AccessToken"])["Username"] == "alice"
    with pytest.raises(Exception, match="Id Token has been revoked"):
        tokens.authenticate_id_token(before["IdToken"])
    assert tokens.authenticate_id_token(after["IdToken"])[0].username == "alice"


def test_password_change_in_the_same_second_keeps_the_new_sign_in(idp, unsigned_idp, pool_id, alice):
    client_id = make_client(idp, pool_id, EnableTokenRevocation=False)
    old = issue(alice, client_id)
    idp.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password="Another-horse-2", Permanent=True)
    new = issue(User.objects.get(pk=alice.pk), client_id)
    assert refusal(unsigned_idp, old["AccessToken"]) == "Access Token has been revoked"
    assert unsigned_idp.get_user(AccessToken=new["AccessToken"])["Username"] == "alice"


def test_token_ids_carry_the_issue_time_to_the_microsecond():
    at = datetime(2026, 11, 29, 19, 41, 7, 123456, tzinfo=UTC)
    jti = token_ids.new_token_id(at)
    assert token_ids.issued_at(jti) == at
    assert token_ids.issued_at("0f3c55c5-5f4e-4b35-9b5b-3f1c2fd2b3a4") is None  # a version-4 id tells nothing
    assert token_ids.issued_at("not a uuid") is None
    assert len({token_ids.new_token_id(at) for _ in range(100)}) == 100
