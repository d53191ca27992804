"""STS through boto3: AssumeRole (trust, ExternalId, durations, session policies and tags),
GetSessionToken, AssumeRoleWithWebIdentity with our own user pools, and session tokens that are
tampered, expired or outlive their role."""
from __future__ import annotations

import base64
import json

import pytest
from botocore.exceptions import ClientError
from django.conf import settings

from iam.models import Principal
from iam.services import sts as sts_service
from tests.conftest import error_code, make_client
from tests.iam.support import ACCOUNT, allow, client_for, clients, doc, trust, unvalidated, user_with_key


@pytest.fixture
def root(live_server):
    return {name: make_client(live_server.url, name) for name in ("iam", "sts", "cognito-idp")}


def _role(iam, name="app", principal=None, **extra):
    principal = principal or {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    return iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust(principal, **extra), MaxSessionDuration=7200)["Role"]["Arn"]


def _caller(live_server, iam, name="caller"):
    key = user_with_key(iam, name, doc(allow("sts:AssumeRole")))
    return clients(live_server.url, *key)


def _session_clients(live_server, credentials):
    return clients(live_server.url, credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"])


def test_assume_role_gives_exactly_the_roles_permissions_narrowed_by_the_session_policy(live_server, root):
    iam, idp = root["iam"], root["cognito-idp"]
    pool = idp.create_user_pool(PoolName="p")["UserPool"]["Id"]
    role_arn = _role(iam)
    iam.put_role_policy(RoleName="app", PolicyName="p", PolicyDocument=doc(allow(["cognito-idp:ListUsers", "cognito-idp:DescribeUserPool"])))
    caller = _caller(live_server, iam)
    out = caller["sts"].assume_role(RoleArn=role_arn, RoleSessionName="build-42")
    creds = out["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and creds["SessionToken"] and creds["Expiration"]
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/app/build-42"
    assert out["AssumedRoleUser"]["AssumedRoleId"].startswith("AROA") and out["AssumedRoleUser"]["AssumedRoleId"].endswith(":build-42")
    session = _session_clients(live_server, creds)
    who = session["sts"].get_caller_identity()
    assert who["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/app/build-42" and who["UserId"] == out["AssumedRoleUser"]["AssumedRoleId"]
    session["cognito-idp"].list_users(UserPoolId=pool)
    session["cognito-idp"].describe_user_pool(UserPoolId=pool)
    with pytest.raises(ClientError) as excinfo:
        session["cognito-idp"].admin_create_user(UserPoolId=pool, Username="x")  # not the role's
    assert error_code(excinfo) == "AccessDeniedException"
    assert excinfo.value.response["Error"]["Message"].startswith(
        f"User: arn:aws:sts::{ACCOUNT}:assumed-role/app/build-42 is not authorized to perform: cognito-idp:AdminCreateUser"
    )
    with pytest.raises(ClientError):
        session["iam"].list_users()  # the caller's own user permissions do not carry over

    narrowed = caller["sts"].assume_role(
        RoleArn=role_arn, RoleSessionName="narrow", Policy=doc(allow(["cognito-idp:ListUsers", "cognito-idp:AdminCreateUser"]))
    )
    assert 0 <= narrowed["PackedPolicySize"] <= 100
    narrow = _session_clients(live_server, narrowed["Credentials"])
    narrow["cognito-idp"].list_users(UserPoolId=pool)  # role and session policy both allow
    with pytest.raises(ClientError) as excinfo:
        narrow["cognito-idp"].describe_user_pool(UserPoolId=pool)  # role yes, session policy no
    assert excinfo.value.response["Error"]["Message"].endswith("because no session policy allows the cognito-idp:DescribeUserPool action")
    with pytest.raises(ClientError):
        narrow["cognito-idp"].admin_create_user(UserPoolId=pool, Username="x")  # session yes, role no

    managed = iam.create_policy(PolicyName="describe-only", PolicyDocument=doc(allow("cognito-idp:DescribeUserPool")))["Policy"]["Arn"]
    by_arn = _session_clients(live_server, caller["sts"].assume_role(RoleArn=role_arn, RoleSessionName="arns", PolicyArns=[{"arn": managed}])["Credentials"])
    by_arn["cognito-idp"].describe_user_pool(UserPoolId=pool)
    with pytest.raises(ClientError):
        by_arn["cognito-idp"].list_users(UserPoolId=pool)


def test_trust_policy_decides_who_may_assume(live_server, root):
    iam = root["iam"]
    caller = _caller(live_server, iam, "trusted")
    _caller(live_server, iam, "stranger")
    only = _role(iam, "only-trusted", {"AWS": f"arn:aws:iam::{ACCOUNT}:user/trusted"})
    assert caller["sts"].assume_role(RoleArn=only, RoleSessionName="ok")["Credentials"]
    key = iam.create_access_key(UserName="stranger")["AccessKey"]
    stranger = client_for(live_server.url, "sts", key["AccessKeyId"], key["SecretAccessKey"])
    with pytest.raises(ClientError) as excinfo:
        stranger.assume_role(RoleArn=only, RoleSessionName="no")
    assert error_code(excinfo) == "AccessDenied"
    assert excinfo.value.response["Error"]["Message"] == (
        f"User: arn:aws:iam::{ACCOUNT}:user/stranger is not authorized to perform: sts:AssumeRole on resource: {only}"
    )
    with pytest.raises(ClientError) as excinfo:
        caller["sts"].assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/missing", RoleSessionName="no")
    assert error_code(excinfo) == "AccessDenied"
    with pytest.raises(ClientError) as excinfo:
        root["sts"].assume_role(RoleArn=only, RoleSessionName="root")
    assert error_code(excinfo) == "AccessDenied"


def test_external_id_condition(live_server, root):
    iam = root["iam"]
    arn = _role(iam, "partner", Condition={"StringEquals": {"sts:ExternalId": "s3cret-42"}})
    caller = _caller(live_server, iam)
    with pytest.raises(ClientError) as excinfo:
        caller["sts"].assume_role(RoleArn=arn, RoleSessionName="sess")
    assert error_code(excinfo) == "AccessDenied"
    with pytest.raises(ClientError):
        caller["sts"].assume_role(RoleArn=arn, RoleSessionName="sess", ExternalId="wrong-id")
    assert caller["sts"].assume_role(RoleArn=arn, RoleSessionName="sess", ExternalId="s3cret-42")["Credentials"]


def test_durations_and_session_names(live_server, root):
    iam = root["iam"]
    arn = _role(iam)  # MaxSessionDuration 7200
    caller = _caller(live_server, iam)
    assert caller["sts"].assume_role(RoleArn=arn, RoleSessionName="sess", DurationSeconds=7200)["Credentials"]
    with pytest.raises(ClientError) as excinfo:
        caller["sts"].assume_role(RoleArn=arn, RoleSessionName="sess", DurationSeconds=7201)
    assert error_code(excinfo) == "ValidationError"
    assert excinfo.value.response["Error"]["Message"] == "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
    key = iam.list_access_keys(UserName="caller")["AccessKeyMetadata"][0]["AccessKeyId"]
    assert key
    raw = unvalidated(live_server.url, "sts")
    iam.create_role(RoleName="root-trust", AssumeRolePolicyDocument=trust({"AWS": "*"}))
    for bad in ({"DurationSeconds": 899}, {"RoleSessionName": "has space"}, {"RoleSessionName": "x"}):
        params = {"RoleArn": arn, "RoleSessionName": "ok", **bad}
        with pytest.raises(ClientError) as excinfo:
            raw.assume_role(**params)
        assert error_code(excinfo) == "ValidationError", bad


def test_session_tags_are_principal_tags(live_server, root):
    iam = root["iam"]
    arn = _role(iam, "tagged", Condition={})  # trust for sts:AssumeRole
    iam.update_assume_role_policy(RoleName="tagged", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}],
    }))
    iam.put_role_policy(RoleName="tagged", PolicyName="p", PolicyDocument=doc(
        allow("iam:ListUsers", Condition={"StringEquals": {"aws:PrincipalTag/team": "blue"}})
    ))
    caller = _caller(live_server, iam)
    blue = _session_clients(live_server, caller["sts"].assume_role(RoleArn=arn, RoleSessionName="blue", Tags=[{"Key": "team", "Value": "blue"}])["Credentials"])
    assert blue["iam"].list_users()["Users"]
    red = _session_clients(live_server, caller["sts"].assume_role(RoleArn=arn, RoleSessionName="red", Tags=[{"Key": "team", "Value": "red"}])["Credentials"])
    with pytest.raises(ClientError):
        red["iam"].list_users()


def test_tampered_and_expired_session_tokens(live_server, root):
    iam = root["iam"]
    arn = _role(iam)
    iam.put_role_policy(RoleName="app", PolicyName="p", PolicyDocument=doc(allow("iam:ListUsers")))
    creds = _caller(live_server, iam)["sts"].assume_role(RoleArn=arn, RoleSessionName="sess")["Credentials"]
    assert _session_clients(live_server, creds)["iam"].list_users()
    token = creds["SessionToken"]
    tampered = token[:20] + ("A" if token[20] != "A" else "B") + token[21:]
    bad = client_for(live_server.url, "iam", creds["AccessKeyId"], creds["SecretAccessKey"], tampered)
    with pytest.raises(ClientError) as excinfo:
        bad.list_users()
    assert error_code(excinfo) == "InvalidClientTokenId"
    assert excinfo.value.response["Error"]["Message"] == "The security token included in the request is invalid."
    wrong_key = client_for(live_server.url, "iam", "ASIA" + "A" * 16, creds["SecretAccessKey"], token)
    with pytest.raises(ClientError) as excinfo:
        wrong_key.list_users()
    assert error_code(excinfo) == "InvalidClientTokenId"
    bad_idp = client_for(live_server.url, "cognito-idp", creds["AccessKeyId"], creds["SecretAccessKey"], tampered)
    with pytest.raises(ClientError) as excinfo:
        bad_idp.list_user_pools(MaxResults=1)
    assert error_code(excinfo) == "UnrecognizedClientException"

    expired = sts_service.get_session_token(Principal.objects.get(name="caller"), duration=-1)
    old = client_for(live_server.url, "iam", expired.access_key_id, expired.secret_access_key, expired.session_token)
    with pytest.raises(ClientError) as excinfo:
        old.list_users()
    assert error_code(excinfo) == "ExpiredToken"
    assert excinfo.value.response["Error"]["Message"] == "The security token included in the request is expired"
    old_idp = client_for(live_server.url, "cognito-idp", expired.access_key_id, expired.secret_access_key, expired.session_token)
    with pytest.raises(ClientError) as excinfo:
        old_idp.list_user_pools(MaxResults=1)
    assert error_code(excinfo) == "ExpiredTokenException"


def test_a_deleted_roles_sessions_stop_working(live_server, root):
    iam = root["iam"]
    arn = _role(iam)
    iam.put_role_policy(RoleName="app", PolicyName="p", PolicyDocument=doc(allow("sts:GetSessionToken")))
    session = _session_clients(live_server, _caller(live_server, iam)["sts"].assume_role(RoleArn=arn, RoleSessionName="sess")["Credentials"])
    assert session["sts"].get_caller_identity()
    iam.delete_role_policy(RoleName="app", PolicyName="p")
    iam.delete_role(RoleName="app")
    with pytest.raises(ClientError) as excinfo:
        session["sts"].get_caller_identity()
    assert error_code(excinfo) == "InvalidClientTokenId"


def test_get_session_token_carries_the_users_permissions(live_server, root):
    iam = root["iam"]
    key = user_with_key(iam, "mfa-less", doc(allow(["sts:GetSessionToken", "iam:ListUsers"])))
    user = clients(live_server.url, *key)
    creds = user["sts"].get_session_token(DurationSeconds=900)["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")
    session = _session_clients(live_server, creds)
    assert session["sts"].get_caller_identity()["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/mfa-less"
    assert session["iam"].list_users()["Users"]
    with pytest.raises(ClientError):
        session["iam"].create_user(UserName="nope")
    with pytest.raises(ClientError) as excinfo:
        session["sts"].get_session_token()
    assert error_code(excinfo) == "AccessDenied"


def test_assume_role_with_web_identity_from_our_user_pool(live_server, root):
    idp, iam = root["cognito-idp"], root["iam"]
    pool = idp.create_user_pool(PoolName="web")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=pool, ClientName="c", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])[
        "UserPoolClient"
    ]["ClientId"]
    idp.admin_create_user(UserPoolId=pool, Username="web-user", TemporaryPassword="Passw0rd!x", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool, Username="web-user", Password="Passw0rd!xy", Permanent=True)
    tokens = idp.admin_initiate_auth(
        UserPoolId=pool, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "web-user", "PASSWORD": "Passw0rd!xy"}
    )["AuthenticationResult"]
    provider = settings.PUBLIC_URL.split("://", 1)[1] + "/" + pool  # the issuer without its scheme
    role_arn = iam.create_role(RoleName="web", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow", "Principal": {"Federated": provider}, "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {f"{provider}:aud": client_id}},
        }],
    }))["Role"]["Arn"]
    iam.put_role_policy(RoleName="web", PolicyName="p", PolicyDocument=doc(allow("iam:ListRoles")))
    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config

    anonymous = boto3.client("sts", endpoint_url=live_server.url, region_name="us-east-1", config=Config(signature_version=UNSIGNED))
    out = anonymous.assume_role_with_web_identity(RoleArn=role_arn, RoleSessionName="web-session", WebIdentityToken=tokens["IdToken"])
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/web/web-session"
    assert out["Provider"] == provider and out["Audience"] == client_id and out["SubjectFromWebIdentityToken"]
    session = _session_clients(live_server, out["Credentials"])
    assert session["iam"].list_roles()["Roles"]
    with pytest.raises(ClientError):
        session["iam"].list_users()
    with pytest.raises(ClientError) as excinfo:
        anonymous.assume_role_with_web_identity(RoleArn=role_arn, RoleSessionName="sess", WebIdentityToken=tokens["AccessToken"])
    assert error_code(excinfo) == "InvalidIdentityToken"
    # A kid no key of ours could have (NUL, a lone surrogate) is refused before any key lookup.
    header, rest = tokens["IdToken"].split(".", 1)
    odd_kid = base64.urlsafe_b64encode(json.dumps({"alg": "RS256", "kid": "\u0000\ud800"}).encode()).decode().rstrip("=")
    with pytest.raises(ClientError) as excinfo:
        anonymous.assume_role_with_web_identity(RoleArn=role_arn, RoleSessionName="sess", WebIdentityToken=f"{odd_kid}.{rest}")
    assert error_code(excinfo) == "InvalidIdentityToken"
    # The pool's own key, claims an hour old: expired, not invalid.
    from joserfc import jwt

    from userpools import keys
    from userpools.models import UserPool

    stale = json.loads(base64.urlsafe_b64decode(tokens["IdToken"].split(".")[1] + "=="))
    stale.update(iat=stale["iat"] - 7200, auth_time=stale["auth_time"] - 7200, exp=stale["iat"] - 3600)
    signing = keys.active_key(UserPool.objects.get(pk=pool))
    expired = jwt.encode({"kid": signing.kid, "alg": keys.ALGORITHM}, stale, keys.private_key(signing), algorithms=[keys.ALGORITHM])
    with pytest.raises(ClientError) as excinfo:
        anonymous.assume_role_with_web_identity(RoleArn=role_arn, RoleSessionName="sess", WebIdentityToken=expired)
    assert error_code(excinfo) == "ExpiredTokenException"
    iam.update_assume_role_policy(RoleName="web", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Federated": provider}, "Action": "sts:AssumeRoleWithWebIdentity",
                       "Condition": {"StringEquals": {f"{provider}:aud": "another-client"}}}],
    }))
    with pytest.raises(ClientError) as excinfo:
        anonymous.assume_role_with_web_identity(RoleArn=role_arn, RoleSessionName="sess", WebIdentityToken=tokens["IdToken"])
    assert error_code(excinfo) == "AccessDenied"


def test_a_trust_policy_naming_the_user_needs_no_identity_policy_but_a_boundary_still_bounds(live_server, root):
    iam = root["iam"]
    key = user_with_key(iam, "named")  # no policies at all
    named = clients(live_server.url, *key)["sts"]
    by_name = _role(iam, "by-name", {"AWS": f"arn:aws:iam::{ACCOUNT}:user/named"})
    by_account = _role(iam, "by-account")  # trusts the account: the user's own policies must allow
    assert named.assume_role(RoleArn=by_name, RoleSessionName="sess")["Credentials"]
    with pytest.raises(ClientError) as excinfo:
        named.assume_role(RoleArn=by_account, RoleSessionName="sess")
    assert excinfo.value.response["Error"]["Message"].endswith("because no identity-based policy allows the sts:AssumeRole action")
    boundary = iam.create_policy(PolicyName="no-sts", PolicyDocument=doc(allow("iam:*")))["Policy"]["Arn"]
    iam.put_user_permissions_boundary(UserName="named", PermissionsBoundary=boundary)
    with pytest.raises(ClientError) as excinfo:
        named.assume_role(RoleArn=by_name, RoleSessionName="sess")
    assert excinfo.value.response["Error"]["Message"].endswith("because no permissions boundary allows the sts:AssumeRole action")


@pytest.mark.django_db
def test_role_last_used_is_written_at_most_once_a_minute():
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from iam.models import Role

    role = Role.objects.create(name="busy", path="/", assume_role_policy=trust({"AWS": ACCOUNT}))
    sts_service.mark_role_used(role)
    first = Role.objects.get(pk=role.pk).last_used
    assert first is not None
    reread = Role.objects.get(pk=role.pk)
    with CaptureQueriesContext(connection) as again:
        sts_service.mark_role_used(reread)
    assert len(again.captured_queries) == 0
    stale = Role.objects.get(pk=role.pk)
    stale.last_used -= timedelta(minutes=2)
    sts_service.mark_role_used(stale)
    assert Role.objects.get(pk=role.pk).last_used > first
