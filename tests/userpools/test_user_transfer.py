"""exportusers / importusers: users move between pools and instances with their passwords, and
hashes from Django, Keycloak and Auth0 sign users in and are upgraded to ours at first sign-in."""
from __future__ import annotations

import base64
import hashlib
import json
import time

import bcrypt
import pytest
from botocore.exceptions import ClientError
from django.contrib.auth.hashers import (
    Argon2PasswordHasher,
    BCryptPasswordHasher,
    BCryptSHA256PasswordHasher,
    PBKDF2PasswordHasher,
    make_password,
)
from django.core.management import call_command
from pycognito.aws_srp import AWSSRP

from config import settings as production_settings
from tests.conftest import error_code
from tests.userpools.signin_support import _fresh_throttle_counters, make_client, make_user, sign_in  # noqa: F401
from userpools.domain import imported_hashes
from userpools.models import Group, GroupMembership, User, UserAttribute
from userpools.services import passwords

pytestmark = pytest.mark.django_db(transaction=True)
COUNT = 10_000


def password_of(index: int) -> str:
    return f"Old-password-{index}!"


def seed_users(pool_id: str, count: int) -> None:
    """`count` users with their own passwords, made in bulk (the export is under test, not AdminCreateUser)."""
    group = Group.objects.create(pool_id=pool_id, name="staff", description="imported")
    for start in range(0, count, 2000):
        users = [User(pool_id=pool_id, username=f"member{index:05d}", username_key=f"member{index:05d}", status=User.CONFIRMED,
                      password=make_password(password_of(index)), email_mfa_enabled=index == 7, preferred_mfa="EMAIL_OTP" if index == 7 else "")
                 for index in range(start, min(start + 2000, count))]
        User.objects.bulk_create(users)
        UserAttribute.objects.bulk_create([UserAttribute(user=user, pool_id=pool_id, name="email", value=f"{user.username}@example.com")
                                           for user in users])
        GroupMembership.objects.bulk_create([GroupMembership(group=group, user=user) for user in users if int(user.username[6:]) % 3 == 0])


def test_round_trip_of_ten_thousand_users_keeps_every_password(idp, tmp_path, capsys):
    source = idp.create_user_pool(PoolName="old")["UserPool"]["Id"]
    seed_users(source, COUNT)
    export = tmp_path / "users.jsonl"
    call_command("exportusers", source, output=str(export), no_progress=True)
    lines = export.read_text().splitlines()
    assert len(lines) == COUNT
    first = json.loads(lines[0])
    assert first["password_hash"].startswith("md5$") and first["attributes"]["email"] == "member00000@example.com"
    assert first["groups"] == ["staff"] and first["status"] == "CONFIRMED"

    target = idp.create_user_pool(PoolName="new")["UserPool"]["Id"]
    began = time.monotonic()
    call_command("importusers", target, str(export), no_progress=True)
    elapsed = time.monotonic() - began
    assert f"Imported {COUNT}, skipped 0, failed 0 users into {target}." in capsys.readouterr().out
    with capsys.disabled():
        print(f"\nimportusers: {COUNT} users in {elapsed:.1f} s ({COUNT / elapsed:.0f} users/s)")
    assert User.objects.filter(pool_id=target).count() == COUNT
    assert GroupMembership.objects.filter(group__pool_id=target).count() == len(range(0, COUNT, 3))
    # Every one of them keeps their password: each stored hash passes the check sign-in makes (a
    # sample of them then signs in over the wire, below).
    imported = User.objects.filter(pool_id=target).values_list("username", "password")
    refused = [name for name, encoded in imported.iterator() if not passwords.verify_password(password_of(int(name[6:])), encoded)]
    assert refused == []

    client_id = make_client(idp, target)["ClientId"]
    for index in range(1, COUNT, 97):  # 104 users across the whole file sign in with their old password
        if index == 7:
            continue  # has email MFA: checked below
        result = sign_in(idp, client_id, f"member{index:05d}", password_of(index))
        assert result["AuthenticationResult"]["AccessToken"]
    with pytest.raises(ClientError) as excinfo:
        sign_in(idp, client_id, "member00001", password_of(2))
    assert error_code(excinfo) == "NotAuthorizedException"
    described = idp.admin_get_user(UserPoolId=target, Username="member00007")
    assert described["PreferredMfaSetting"] == "EMAIL_OTP" and described["UserStatus"] == "CONFIRMED"
    assert [group["GroupName"] for group in idp.admin_list_groups_for_user(UserPoolId=target, Username="member00003")["Groups"]] == ["staff"]

    # Running the import again creates nobody twice.
    call_command("importusers", target, str(export), no_progress=True, stderr=open("/dev/null", "w"))  # noqa: SIM115
    assert f"Imported 0, skipped {COUNT}, failed 0" in capsys.readouterr().out
    assert User.objects.filter(pool_id=target).count() == COUNT


def test_csv_round_trip(idp, tmp_path, capsys):
    source = idp.create_user_pool(PoolName="old")["UserPool"]["Id"]
    seed_users(source, 50)
    export = tmp_path / "users.csv"
    call_command("exportusers", source, output=str(export), no_progress=True)
    assert export.read_text().startswith("username,sub,status,enabled,attributes,groups,password_hash,srp,mfa\n")
    target = idp.create_user_pool(PoolName="new")["UserPool"]["Id"]
    call_command("importusers", target, str(export), no_progress=True)
    assert "Imported 50, skipped 0, failed 0" in capsys.readouterr().out
    client_id = make_client(idp, target)["ClientId"]
    assert sign_in(idp, client_id, "member00042", password_of(42))["AuthenticationResult"]
    assert str(User.objects.get(pool_id=target, username="member00042").sub) == str(User.objects.get(pool_id=source, username="member00042").sub)


def srp_sign_in(idp, pool_id: str, client_id: str, username: str, password: str) -> dict:
    return AWSSRP(username=username, password=password, pool_id=pool_id, client_id=client_id, client=idp).authenticate_user()


def test_srp_verifiers_travel_within_one_pool_id_and_are_derived_elsewhere(idp, tmp_path, capsys):
    pool_id = idp.create_user_pool(PoolName="srp")["UserPool"]["Id"]
    client_id = make_client(idp, pool_id, ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["ClientId"]
    make_user(idp, pool_id, "alice", "Alice-password-1")
    export = tmp_path / "users.jsonl"
    call_command("exportusers", pool_id, output=str(export), no_progress=True)
    assert json.loads(export.read_text())["srp"]["pool_id"] == pool_id

    # The same instance after the users were lost (a flushed database): SRP works at once.
    idp.admin_delete_user(UserPoolId=pool_id, Username="alice")
    call_command("importusers", pool_id, str(export), no_progress=True)
    assert srp_sign_in(idp, pool_id, client_id, "alice", "Alice-password-1")["AuthenticationResult"]

    # Another pool: the verifier cannot fit its id, so the first sign-in is by password, then SRP works.
    other = idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    other_client = make_client(idp, other, ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["ClientId"]
    call_command("importusers", other, str(export), no_progress=True)
    with pytest.raises(ClientError):
        srp_sign_in(idp, other, other_client, "alice", "Alice-password-1")
    assert sign_in(idp, other_client, "alice", "Alice-password-1")["AuthenticationResult"]
    assert srp_sign_in(idp, other, other_client, "alice", "Alice-password-1")["AuthenticationResult"]


def keycloak_credential(password: str, algorithm: str = "pbkdf2-sha256", iterations: int = 27_500) -> dict:
    """A credential as Keycloak's realm export writes it."""
    salt = b"keycloak-salt-16"
    digest = {"pbkdf2-sha256": "sha256", "pbkdf2-sha512": "sha512", "pbkdf2": "sha1"}[algorithm]
    value = hashlib.pbkdf2_hmac(digest, password.encode(), salt, iterations, 64)
    return {
        "type": "password",
        "secretData": json.dumps({"value": base64.b64encode(value).decode(), "salt": base64.b64encode(salt).decode()}),
        "credentialData": json.dumps({"hashIterations": iterations, "algorithm": algorithm}),
    }


def faster(hasher, **costs):
    for name, value in costs.items():
        setattr(hasher, name, value)
    return hasher


FOREIGN_HASHES = {
    "django_pbkdf2": lambda pw: PBKDF2PasswordHasher().encode(pw, "djangosalt123", iterations=20_000),
    "django_argon2": lambda pw: Argon2PasswordHasher().encode(pw, "argon2saltvalue"),
    "django_bcrypt_sha256": lambda pw: faster(BCryptSHA256PasswordHasher(), rounds=5).encode(pw, faster(BCryptSHA256PasswordHasher(), rounds=5).salt()),
    "django_bcrypt": lambda pw: faster(BCryptPasswordHasher(), rounds=5).encode(pw, faster(BCryptPasswordHasher(), rounds=5).salt()),
    "keycloak_sha256": lambda pw: keycloak_credential(pw),
    "keycloak_sha512_flat": lambda pw: {"algorithm": "pbkdf2-sha512", "iterations": 30_000, "salt": base64.b64encode(b"s" * 16).decode(),
                                        "value": base64.b64encode(hashlib.pbkdf2_hmac("sha512", pw.encode(), b"s" * 16, 30_000, 64)).decode()},
    "auth0_2a": lambda pw: bcrypt.hashpw(pw.encode(), bcrypt.gensalt(rounds=6, prefix=b"2a")).decode(),
    "auth0_2b": lambda pw: bcrypt.hashpw(pw.encode(), bcrypt.gensalt(rounds=6)).decode(),
}


def test_foreign_hashes_sign_in_and_are_upgraded_to_argon2id(idp, tmp_path, settings, capsys):
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS  # real Argon2 first, as deployed
    pool_id = idp.create_user_pool(PoolName="migrated")["UserPool"]["Id"]
    client_id = make_client(idp, pool_id)["ClientId"]
    source = tmp_path / "legacy.jsonl"
    with source.open("w") as out:
        for name, make in FOREIGN_HASHES.items():
            out.write(json.dumps({"username": name, "attributes": {"email": f"{name}@example.com"}, "password_hash": make(f"pw-{name}-1")}) + "\n")
        out.write(json.dumps({"username": "garbage", "password_hash": "sha1$nope"}) + "\n")
    call_command("importusers", pool_id, str(source), no_progress=True)
    assert f"Imported {len(FOREIGN_HASHES)}, skipped 0, failed 1" in capsys.readouterr().out

    for name in FOREIGN_HASHES:
        before = User.objects.get(pool_id=pool_id, username=name)
        assert before.status == "CONFIRMED" and not before.srp_verifier
        with pytest.raises(ClientError) as excinfo:
            sign_in(idp, client_id, name, "wrong-password")
        assert error_code(excinfo) == "NotAuthorizedException"
        assert User.objects.get(pk=before.pk).password == before.password  # a wrong password changes nothing
        assert sign_in(idp, client_id, name, f"pw-{name}-1")["AuthenticationResult"]["AccessToken"], name
        after = User.objects.get(pk=before.pk)
        assert after.password.startswith("argon2$argon2id$"), (name, after.password[:20])
        assert after.srp_verifier and after.srp_salt
        assert sign_in(idp, client_id, name, f"pw-{name}-1")["AuthenticationResult"]  # and the new hash works


def test_unknown_hash_formats_are_refused():
    known = {"pbkdf2_sha256", "argon2", "bcrypt", "keycloak_pbkdf2_sha256"}
    for value in ("plaintext", "sha1$abc$def", "$2x$10$" + "a" * 53, {"algorithm": "md5", "iterations": 1, "salt": "", "value": ""},
                  {"algorithm": "pbkdf2-sha256", "iterations": 0, "salt": "YQ==", "value": "YQ=="}, "{not json"):
        with pytest.raises(imported_hashes.UnknownHashFormat):
            imported_hashes.normalize(value, known)
    assert imported_hashes.normalize("$2y$10$" + "a" * 53, known) == "bcrypt$$2b$10$" + "a" * 53
