"""Tokens: claims as Cognito's, verified with PyJWT against our JWKS; keys and rotation;
refresh; revocation (RevokeToken, global sign-out, disable/delete/password reset)."""
import threading
import time
from datetime import timedelta
from unittest import mock

import jwt
import pytest
from botocore.exceptions import ClientError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tests.conftest import error_code
from tests.userpools.token_support import get_json, issue, make_client, make_user, public_url, verify  # noqa: F401
from userpools import keys
from userpools.models import RefreshToken, SigningKey, UserPool, UserPoolClient
from userpools.services import tokens

pytestmark = pytest.mark.django_db(transaction=True)


def message(excinfo) -> str:
    return excinfo.value.response["Error"]["Message"]


@pytest.fixture
def client_id(idp, pool_id):
    return make_client(idp, pool_id)


@pytest.fixture
def alice(idp, pool_id):
    return make_user(idp, pool_id, attributes=[
        {"Name": "email", "Value": "alice@example.com"},
        {"Name": "email_verified", "Value": "true"},
        {"Name": "name", "Value": "Alice"},
    ])


# --- claims, verified as an app backend does ------------------------------------------------

def test_id_and_access_tokens_verify_against_jwks_with_cognito_claims(public_url, pool_id, client_id, alice):
    result = issue(alice, client_id)
    assert result["TokenType"] == "Bearer" and result["ExpiresIn"] == 3600 and result["RefreshToken"]

    id_claims = verify(result["IdToken"], public_url, pool_id, audience=client_id)
    assert id_claims["token_use"] == "id"
    assert id_claims["sub"] == str(alice.sub)
    assert id_claims["cognito:username"] == "alice"
    assert id_claims["email"] == "alice@example.com"
    assert id_claims["email_verified"] is True
    assert id_claims["name"] == "Alice"
    assert id_claims["aud"] == client_id
    assert id_claims["exp"] - id_claims["iat"] == 3600
    assert "cognito:groups" not in id_claims

    access = verify(result["AccessToken"], public_url, pool_id)
    assert access["token_use"] == "access"
    assert access["client_id"] == client_id
    assert access["username"] == "alice"
    assert access["scope"] == "aws.cognito.signin.user.admin"
    assert "aud" not in access and "email" not in access

    # One sign-in: same origin_jti, event_id and auth_time; distinct jti.
    for claim in ("origin_jti", "event_id", "auth_time", "iat", "sub"):
        assert id_claims[claim] == access[claim]
    assert id_claims["jti"] != access["jti"]
    header = jwt.get_unverified_header(result["AccessToken"])
    assert header == {"kid": header["kid"], "alg": "RS256"}


def test_groups_roles_and_preferred_role(idp, public_url, pool_id, client_id, alice):
    role = "arn:aws:iam::000000000000:role/{}"
    idp.create_group(UserPoolId=pool_id, GroupName="admins", RoleArn=role.format("admin"), Precedence=1)
    idp.create_group(UserPoolId=pool_id, GroupName="staff", RoleArn=role.format("staff"), Precedence=5)
    idp.create_group(UserPoolId=pool_id, GroupName="plain")
    for group in ("staff", "admins", "plain"):
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username="alice", GroupName=group)
    result = issue(alice, client_id)
    id_claims = verify(result["IdToken"], public_url, pool_id)
    assert id_claims["cognito:groups"] == ["admins", "staff", "plain"]
    assert id_claims["cognito:roles"] == [role.format("admin"), role.format("staff")]
    assert id_claims["cognito:preferred_role"] == role.format("admin")
    access = verify(result["AccessToken"], public_url, pool_id)
    assert access["cognito:groups"] == ["admins", "staff", "plain"]
    assert "cognito:roles" not in access


def test_client_read_attributes_and_custom_attributes(idp, public_url, pool_id):
    idp.add_custom_attributes(UserPoolId=pool_id, CustomAttributes=[
        {"Name": "tier", "AttributeDataType": "String"},
        {"Name": "secret", "AttributeDataType": "String", "DeveloperOnlyAttribute": True},
    ])
    user = make_user(idp, pool_id, "bob", [
        {"Name": "email", "Value": "bob@example.com"},
        {"Name": "custom:tier", "Value": "gold"},
        {"Name": "custom:secret", "Value": "hidden"},
    ])
    everything = verify(issue(user, make_client(idp, pool_id))["IdToken"], public_url, pool_id)
    assert everything["custom:tier"] == "gold" and everything["email"] == "bob@example.com"
    assert not any("secret" in claim for claim in everything)

    narrow = make_client(idp, pool_id, ReadAttributes=["email"])
    limited = verify(issue(user, narrow)["IdToken"], public_url, pool_id)
    assert limited["email"] == "bob@example.com"
    assert "custom:tier" not in limited and "email_verified" not in limited
    assert limited["sub"] == str(user.sub)


def test_client_token_validity_sets_lifetimes(idp, public_url, pool_id, alice):
    client = make_client(idp, pool_id, AccessTokenValidity=5, IdTokenValidity=2, RefreshTokenValidity=1,
                         TokenValidityUnits={"AccessToken": "minutes", "IdToken": "hours", "RefreshToken": "days"})
    result = issue(alice, client)
    assert result["ExpiresIn"] == 300
    access = verify(result["AccessToken"], public_url, pool_id)
    id_claims = verify(result["IdToken"], public_url, pool_id)
    assert access["exp"] - access["iat"] == 300
    assert id_claims["exp"] - id_claims["iat"] == 7200
    row = RefreshToken.objects.get(origin_jti=access["origin_jti"])
    assert abs((row.expires_at - row.created).total_seconds() - 86400) < 5


def test_without_token_revocation_there_is_no_origin_jti(idp, public_url, pool_id, alice):
    client = make_client(idp, pool_id, EnableTokenRevocation=False)
    result = issue(alice, client)
    assert "origin_jti" not in verify(result["AccessToken"], public_url, pool_id)
    assert "origin_jti" not in verify(result["IdToken"], public_url, pool_id)


# --- keys, JWKS and discovery ---------------------------------------------------------------

def test_jwks_and_openid_configuration(public_url, pool_id):
    status, configuration = get_json(f"{public_url}/{pool_id}/.well-known/openid-configuration")
    assert status == 200
    assert configuration["issuer"] == f"{public_url}/{pool_id}"
    assert configuration["jwks_uri"] == f"{public_url}/{pool_id}/.well-known/jwks.json"
    assert configuration["id_token_signing_alg_values_supported"] == ["RS256"]
    document = get_json(configuration["jwks_uri"])[1]
    assert [key["kid"] for key in document["keys"]] == [keys.active_key(UserPool.objects.get(pk=pool_id)).kid]
    assert set(document["keys"][0]) == {"alg", "e", "kid", "kty", "n", "use"}
    assert "d" not in document["keys"][0]
    stored = SigningKey.objects.get(pool_id=pool_id)
    assert "PRIVATE KEY" not in stored.private_key_encrypted and "PRIVATE KEY" in stored.private_key_pem


def test_unknown_pool_discovery_is_404(live_server):
    status, body = get_json(f"{live_server.url}/us-east-1_nothere00/.well-known/jwks.json")
    assert status == 404 and body["__type"] == "ResourceNotFoundException"
    assert get_json(f"{live_server.url}/us-east-1_nothere00/.well-known/openid-configuration")[0] == 404


def test_rotation_keeps_old_key_published_until_its_tokens_expire(public_url, pool_id, client_id, alice):
    before = issue(alice, client_id)
    old_kid = jwt.get_unverified_header(before["IdToken"])["kid"]
    call_command("rotatekeys", pool_id)
    after = issue(alice, client_id)
    new_kid = jwt.get_unverified_header(after["IdToken"])["kid"]
    assert new_kid != old_kid
    published = [key["kid"] for key in get_json(f"{public_url}/{pool_id}/.well-known/jwks.json")[1]["keys"]]
    assert published == [new_kid, old_kid]
    verify(before["IdToken"], public_url, pool_id)  # still verifiable
    verify(after["IdToken"], public_url, pool_id)
    tokens.authenticate_access_token(before["AccessToken"])  # and still accepted by our APIs

    SigningKey.objects.filter(kid=old_kid).update(retired_at=timezone.now() - keys.LONGEST_TOKEN_LIFETIME - timedelta(minutes=1))
    published = [key["kid"] for key in get_json(f"{public_url}/{pool_id}/.well-known/jwks.json")[1]["keys"]]
    assert published == [new_kid]


def test_rotatekeys_rejects_unknown_pool(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="does not exist"):
        call_command("rotatekeys", "us-east-1_nothere00")


def test_concurrent_first_use_creates_one_key(idp, pool_id):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has no row locks; PostgreSQL shows the race is handled")
    pool = UserPool.objects.get(pk=pool_id)
    barrier = threading.Barrier(6)
    kids, problems = [], []

    def first_use():
        try:
            barrier.wait()
            kids.append(keys.active_key(pool).kid)
        except Exception as exc:  # noqa: BLE001 (reported below)
            problems.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first_use) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not problems
    assert len(set(kids)) == 1
    assert SigningKey.objects.filter(pool_id=pool_id).count() == 1


# --- verifying access tokens through our APIs ------------------------------------------------

def test_get_user_accepts_our_access_token(unsigned_idp, public_url, client_id, alice):
    result = issue(alice, client_id)
    assert unsigned_idp.get_user(AccessToken=result["AccessToken"])["Username"] == "alice"


@pytest.mark.parametrize("mangle", [
    lambda result: result["IdToken"],  # an ID token is not an access token
    lambda result: "not-a-token",
    lambda result: result["AccessToken"][:-4] + ("AAAA" if not result["AccessToken"].endswith("AAAA") else "BBBB"),
    lambda result: result["AccessToken"].split(".")[0] + "." + result["IdToken"].split(".")[1] + "." + result["AccessToken"].split(".")[2],
])
def test_invalid_access_tokens(unsigned_idp, client_id, alice, mangle):
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.get_user(AccessToken=mangle(issue(alice, client_id)))
    assert error_code(excinfo) == "NotAuthorizedException"
    assert message(excinfo) == "Invalid Access Token"


def test_token_signed_by_a_foreign_key_with_our_kid_is_rejected(unsigned_idp, pool_id, client_id, alice):
    from joserfc import jwt as jose_jwt
    from joserfc.jwk import RSAKey

    genuine = issue(alice, client_id)["AccessToken"]
    claims = jwt.decode(genuine, options={"verify_signature": False})
    forged = jose_jwt.encode(jwt.get_unverified_header(genuine), claims, RSAKey.generate_key(2048), algorithms=["RS256"])
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.get_user(AccessToken=forged)
    assert message(excinfo) == "Invalid Access Token"


def test_expired_access_token(unsigned_idp, client_id, alice):
    with mock.patch.object(tokens.timezone, "now", return_value=timezone.now() - timedelta(hours=2)):
        old = issue(alice, client_id)
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.get_user(AccessToken=old["AccessToken"])
    assert error_code(excinfo) == "NotAuthorizedException"
    assert message(excinfo) == "Access Token has expired"


def test_a_token_verified_before_is_still_checked_at_every_use(unsigned_idp, client_id, alice):
    """Its signature is verified once (tokens._signature_verified); its expiry every time."""
    token = issue(alice, client_id)["AccessToken"]
    assert unsigned_idp.get_user(AccessToken=token)["Username"] == "alice"
    assert token in tokens._signature_verified
    with mock.patch.object(tokens.timezone, "now", return_value=timezone.now() + timedelta(hours=2)):
        with pytest.raises(ClientError) as excinfo:
            unsigned_idp.get_user(AccessToken=token)
    assert message(excinfo) == "Access Token has expired"
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")  # same header and claims, another signature
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.get_user(AccessToken=tampered)
    assert message(excinfo) == "Invalid Access Token"


# --- refresh --------------------------------------------------------------------------------

def test_refresh_keeps_origin_jti_and_auth_time(idp, public_url, pool_id, client_id, alice):
    signed_in_at = timezone.now() - timedelta(minutes=30)
    first = issue(alice, client_id, auth_time=signed_in_at)
    client = UserPoolClient.objects.get(client_id=client_id)
    refreshed = tokens.refresh(client, first["RefreshToken"])
    assert "RefreshToken" not in refreshed and refreshed["ExpiresIn"] == 3600
    old_access = verify(first["AccessToken"], public_url, pool_id)
    new_access = verify(refreshed["AccessToken"], public_url, pool_id)
    new_id = verify(refreshed["IdToken"], public_url, pool_id)
    assert new_access["origin_jti"] == old_access["origin_jti"] == new_id["origin_jti"]
    assert new_access["auth_time"] == new_id["auth_time"] == int(signed_in_at.timestamp())
    assert new_access["jti"] != old_access["jti"]


def test_refresh_errors(idp, pool_id, client_id, alice):
    client = UserPoolClient.objects.get(client_id=client_id)
    other = UserPoolClient.objects.get(client_id=make_client(idp, pool_id))
    result = issue(alice, client_id)

    def refresh_error(which_client, token) -> str:
        with pytest.raises(tokens.NotAuthorizedException) as excinfo:
            tokens.refresh(which_client, token)
        return excinfo.value.message

    assert refresh_error(client, "unknown-token") == "Invalid Refresh Token"
    assert refresh_error(other, result["RefreshToken"]) == "Invalid Refresh Token"
    idp.admin_disable_user(UserPoolId=pool_id, Username="alice")
    assert refresh_error(client, result["RefreshToken"]) == "Refresh Token has been revoked"
    idp.admin_enable_user(UserPoolId=pool_id, Username="alice")
    fresh = issue(alice, client_id)
    RefreshToken.objects.filter(origin_jti=verify_unchecked(fresh["AccessToken"])["origin_jti"]).update(expires_at=timezone.now())
    assert refresh_error(client, fresh["RefreshToken"]) == "Invalid Refresh Token"


def test_refresh_for_a_disabled_user(idp, pool_id, client_id, alice):
    result = issue(alice, client_id)
    alice.enabled = False
    alice.save(update_fields=["enabled"])  # disabled without ending sessions (as by a direct change)
    with pytest.raises(tokens.NotAuthorizedException, match="User is disabled."):
        tokens.refresh(UserPoolClient.objects.get(client_id=client_id), result["RefreshToken"])


def verify_unchecked(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


# --- RevokeToken ----------------------------------------------------------------------------

def test_revoke_token_revokes_that_session_only(unsigned_idp, client_id, alice):
    session, other_session = issue(alice, client_id), issue(alice, client_id)
    unsigned_idp.revoke_token(Token=session["RefreshToken"], ClientId=client_id)
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.get_user(AccessToken=session["AccessToken"])
    assert message(excinfo) == "Access Token has been revoked"
    with pytest.raises(tokens.NotAuthorizedException, match="Refresh Token has been revoked"):
        tokens.refresh(UserPoolClient.objects.get(client_id=client_id), session["RefreshToken"])
    assert unsigned_idp.get_user(AccessToken=other_session["AccessToken"])["Username"] == "alice"
    unsigned_idp.revoke_token(Token=session["RefreshToken"], ClientId=client_id)  # again: still fine
    unsigned_idp.revoke_token(Token="never-issued", ClientId=client_id)  # unknown: fine (RFC 7009)


def test_revoke_token_errors(idp, unsigned_idp, pool_id, client_id, alice):
    result = issue(alice, client_id)
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.revoke_token(Token=result["AccessToken"], ClientId=client_id)
    assert error_code(excinfo) == "UnsupportedTokenTypeException"

    other = make_client(idp, pool_id)
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.revoke_token(Token=result["RefreshToken"], ClientId=other)
    assert error_code(excinfo) == "UnauthorizedException"

    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.revoke_token(Token=result["RefreshToken"], ClientId="nosuchclient")
    assert error_code(excinfo) == "UnauthorizedException"

    no_revocation = make_client(idp, pool_id, EnableTokenRevocation=False)
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.revoke_token(Token=issue(alice, no_revocation)["RefreshToken"], ClientId=no_revocation)
    assert error_code(excinfo) == "UnsupportedOperationException"
    assert unsigned_idp.get_user(AccessToken=result["AccessToken"])["Username"] == "alice"


def test_revoke_token_with_client_secret(idp, unsigned_idp, pool_id, alice):
    created = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="confidential", GenerateSecret=True)["UserPoolClient"]
    result = issue(alice, created["ClientId"])
    for wrong in ({}, {"ClientSecret": "x" * 30}):
        with pytest.raises(ClientError) as excinfo:
            unsigned_idp.revoke_token(Token=result["RefreshToken"], ClientId=created["ClientId"], **wrong)
        assert error_code(excinfo) == "UnauthorizedException"
    unsigned_idp.revoke_token(Token=result["RefreshToken"], ClientId=created["ClientId"], ClientSecret=created["ClientSecret"])
    assert RefreshToken.objects.get(user=alice).revoked_at is not None


# --- sessions ended by sign-out and by administrators -----------------------------------------

def _revoked(unsigned_idp, access_token: str) -> str:
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.get_user(AccessToken=access_token)
    assert error_code(excinfo) == "NotAuthorizedException"
    return message(excinfo)


def test_global_sign_out_ends_every_session_and_a_new_sign_in_works(unsigned_idp, client_id, alice):
    first, second = issue(alice, client_id), issue(alice, client_id)
    unsigned_idp.global_sign_out(AccessToken=first["AccessToken"])
    assert _revoked(unsigned_idp, first["AccessToken"]) == "Access Token has been revoked"
    assert _revoked(unsigned_idp, second["AccessToken"]) == "Access Token has been revoked"
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.global_sign_out(AccessToken=second["AccessToken"])
    assert message(excinfo) == "Access Token has been revoked"
    assert not RefreshToken.objects.filter(user=alice, revoked_at__isnull=True).exists()
    again = issue(alice, client_id)  # within the same second as the sign-out
    assert unsigned_idp.get_user(AccessToken=again["AccessToken"])["Username"] == "alice"


def test_sign_out_also_ends_sessions_without_refresh_rows(unsigned_idp, idp, pool_id, client_id, alice):
    without_refresh = issue(alice, client_id, with_refresh=False)
    no_origin = issue(alice, make_client(idp, pool_id, EnableTokenRevocation=False))
    time.sleep(0.01)
    idp.admin_user_global_sign_out(UserPoolId=pool_id, Username="alice")
    assert _revoked(unsigned_idp, without_refresh["AccessToken"]) == "Access Token has been revoked"
    assert _revoked(unsigned_idp, no_origin["AccessToken"]) == "Access Token has been revoked"


def test_admin_user_global_sign_out_unknown_user(idp, pool_id):
    with pytest.raises(ClientError) as excinfo:
        idp.admin_user_global_sign_out(UserPoolId=pool_id, Username="nobody")
    assert error_code(excinfo) == "UserNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        idp.admin_user_global_sign_out(UserPoolId="us-east-1_nothere00", Username="nobody")
    assert error_code(excinfo) == "ResourceNotFoundException"


def test_admin_user_global_sign_out_needs_a_signature(unsigned_idp, pool_id, alice):
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.admin_user_global_sign_out(UserPoolId=pool_id, Username="alice")
    assert error_code(excinfo) == "MissingAuthenticationTokenException"


def test_disable_delete_and_password_reset_end_sessions(idp, unsigned_idp, pool_id, client_id, alice):
    result = issue(alice, client_id)
    idp.admin_disable_user(UserPoolId=pool_id, Username="alice")
    assert _revoked(unsigned_idp, result["AccessToken"]) == "User is disabled."
    idp.admin_enable_user(UserPoolId=pool_id, Username="alice")
    assert _revoked(unsigned_idp, result["AccessToken"]) == "Access Token has been revoked"

    fresh = issue(alice, client_id)
    idp.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password="Another-pass-2", Permanent=True)
    assert _revoked(unsigned_idp, fresh["AccessToken"]) == "Access Token has been revoked"

    last = issue(alice, client_id)
    idp.admin_delete_user(UserPoolId=pool_id, Username="alice")
    assert _revoked(unsigned_idp, last["AccessToken"]) == "User does not exist."
    assert not RefreshToken.objects.filter(user_id=alice.pk).exists()
