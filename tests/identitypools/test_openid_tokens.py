"""The basic flow (GetOpenIdToken -> STS AssumeRoleWithWebIdentity), developer-authenticated
identities, IAM OIDC providers as logins, and the identity-pool JWKS."""
from __future__ import annotations

import json
import urllib.request

import pytest
from botocore.exceptions import ClientError
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.conftest import error_code
from tests.iam.support import allow, doc
from tests.iam.test_oidc_providers import _token
from tests.iam.test_oidc_providers import issuer as issuer  # noqa: F401 - the fixture
from tests.identitypools.support import ACCOUNT, COGNITO, provider_name, role, root_clients, session, sign_in, unsigned, user_pool


@pytest.fixture
def env(live_server):
    c = root_clients(live_server.url)
    pool, client = user_pool(c["cognito-idp"])
    ipool = c["cognito-identity"].create_identity_pool(
        IdentityPoolName="app", AllowUnauthenticatedIdentities=True, AllowClassicFlow=True, DeveloperProviderName="login.myapp",
        CognitoIdentityProviders=[{"ProviderName": provider_name(pool), "ClientId": client}],
    )["IdentityPoolId"]
    auth = role(c["iam"], "auth", ipool, doc(allow("iam:ListRoles")))
    c["cognito-identity"].set_identity_pool_roles(IdentityPoolId=ipool, Roles={"authenticated": auth})
    return {"c": c, "pool": pool, "client": client, "ipool": ipool, "auth": auth, "anon": unsigned(live_server.url)}


def test_basic_flow_token_is_accepted_by_sts(live_server, env):
    anon = env["anon"]
    logins = {provider_name(env["pool"]): sign_in(env["c"]["cognito-idp"], env["pool"], env["client"], "basic")["IdToken"]}
    identity = anon.get_id(IdentityPoolId=env["ipool"], Logins=logins)["IdentityId"]
    out = anon.get_open_id_token(IdentityId=identity, Logins=logins)
    assert out["IdentityId"] == identity
    keys = json.loads(urllib.request.urlopen(f"{live_server.url}/identitypools/.well-known/jwks.json").read())
    claims = jwt.decode(out["Token"], KeySet.import_key_set(keys)).claims
    assert claims["aud"] == env["ipool"] and claims["sub"] == identity and "authenticated" in claims["amr"]
    discovery = json.loads(urllib.request.urlopen(f"{live_server.url}/identitypools/.well-known/openid-configuration").read())
    assert discovery["jwks_uri"].endswith("/identitypools/.well-known/jwks.json") and discovery["issuer"] == claims["iss"]
    sts = unsigned(live_server.url, "sts")
    assumed = sts.assume_role_with_web_identity(RoleArn=env["auth"], RoleSessionName="basic", WebIdentityToken=out["Token"])
    assert assumed["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/auth/basic"
    assert assumed["Provider"] == COGNITO and assumed["SubjectFromWebIdentityToken"] == identity
    # A role trusting another identity pool refuses the token.
    other = env["c"]["cognito-identity"].create_identity_pool(IdentityPoolName="o", AllowUnauthenticatedIdentities=True)["IdentityPoolId"]
    foreign = role(env["c"]["iam"], "foreign", other, None)
    with pytest.raises(ClientError) as excinfo:
        sts.assume_role_with_web_identity(RoleArn=foreign, RoleSessionName="basic", WebIdentityToken=out["Token"])
    assert error_code(excinfo) == "AccessDenied"


def test_classic_flow_off_refuses_get_open_id_token(live_server, env):
    ci = env["c"]["cognito-identity"]
    ci.update_identity_pool(IdentityPoolId=env["ipool"], IdentityPoolName="app", AllowUnauthenticatedIdentities=True, AllowClassicFlow=False,
                            DeveloperProviderName="login.myapp")
    identity = env["anon"].get_id(IdentityPoolId=env["ipool"])["IdentityId"]
    with pytest.raises(ClientError) as excinfo:
        env["anon"].get_open_id_token(IdentityId=identity)
    assert error_code(excinfo) == "InvalidParameterException"
    assert "classic" in str(excinfo.value)


def test_developer_authenticated_identities(live_server, env):
    ci, anon = env["c"]["cognito-identity"], env["anon"]
    out = ci.get_open_id_token_for_developer_identity(IdentityPoolId=env["ipool"], Logins={"login.myapp": "user-42"}, TokenDuration=600)
    identity = out["IdentityId"]
    again = ci.get_open_id_token_for_developer_identity(IdentityPoolId=env["ipool"], Logins={"login.myapp": "user-42"})
    assert again["IdentityId"] == identity
    creds = anon.get_credentials_for_identity(IdentityId=identity, Logins={COGNITO: out["Token"]})["Credentials"]
    assert session(live_server.url, creds, "sts").get_caller_identity()["Arn"].endswith(":assumed-role/auth/CognitoIdentityCredentials")
    with pytest.raises(ClientError) as excinfo:  # a token for one identity does not open another
        guest = anon.get_id(IdentityPoolId=env["ipool"])["IdentityId"]
        anon.get_credentials_for_identity(IdentityId=guest, Logins={COGNITO: out["Token"]})
    assert error_code(excinfo) == "NotAuthorizedException"
    found = ci.lookup_developer_identity(IdentityPoolId=env["ipool"], DeveloperUserIdentifier="user-42", MaxResults=10)
    assert found["IdentityId"] == identity and found["DeveloperUserIdentifierList"] == ["user-42"]
    other = ci.get_open_id_token_for_developer_identity(IdentityPoolId=env["ipool"], Logins={"login.myapp": "user-43"})["IdentityId"]
    merged = ci.merge_developer_identities(SourceUserIdentifier="user-43", DestinationUserIdentifier="user-42",
                                           DeveloperProviderName="login.myapp", IdentityPoolId=env["ipool"])
    assert merged["IdentityId"] == identity
    users = ci.lookup_developer_identity(IdentityPoolId=env["ipool"], IdentityId=identity, MaxResults=10)["DeveloperUserIdentifierList"]
    assert users == ["user-42", "user-43"]
    with pytest.raises(ClientError) as excinfo:
        ci.describe_identity(IdentityId=other)
    assert error_code(excinfo) == "ResourceNotFoundException"
    ci.unlink_developer_identity(IdentityId=identity, IdentityPoolId=env["ipool"], DeveloperProviderName="login.myapp", DeveloperUserIdentifier="user-43")
    with pytest.raises(ClientError) as excinfo:
        ci.lookup_developer_identity(IdentityPoolId=env["ipool"], DeveloperUserIdentifier="user-43", MaxResults=10)
    assert error_code(excinfo) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as excinfo:  # linking a developer user that belongs to another identity
        ci.get_open_id_token_for_developer_identity(IdentityPoolId=env["ipool"], IdentityId=guest, Logins={"login.myapp": "user-42"})
    assert error_code(excinfo) == "ResourceConflictException"
    with pytest.raises(ClientError) as excinfo:  # developer logins are not accepted from clients directly
        anon.get_id(IdentityPoolId=env["ipool"], Logins={"login.myapp": "user-42"})
    assert error_code(excinfo) == "NotAuthorizedException"


def test_developer_principal_tags(live_server, env):
    c = env["c"]
    tagged = role(c["iam"], "tagged", env["ipool"], doc(allow("iam:ListRoles", Condition={"StringEquals": {"aws:PrincipalTag/plan": "pro"}})),
                  actions=("sts:AssumeRoleWithWebIdentity", "sts:TagSession"))
    c["cognito-identity"].set_identity_pool_roles(IdentityPoolId=env["ipool"], Roles={"authenticated": tagged})
    out = c["cognito-identity"].get_open_id_token_for_developer_identity(
        IdentityPoolId=env["ipool"], Logins={"login.myapp": "pro-user"}, PrincipalTags={"plan": "pro"}
    )
    creds = env["anon"].get_credentials_for_identity(IdentityId=out["IdentityId"], Logins={COGNITO: out["Token"]})["Credentials"]
    assert session(live_server.url, creds, "iam").list_roles()["Roles"]


def test_iam_oidc_provider_logins(live_server, env, issuer):
    url, key = issuer
    c = env["c"]
    arn = c["iam"].create_open_id_connect_provider(Url=url, ClientIDList=["my-app"], ThumbprintList=["0" * 40])["OpenIDConnectProviderArn"]
    name = url.split("://", 1)[1]
    ipool = c["cognito-identity"].create_identity_pool(
        IdentityPoolName="oidc", AllowUnauthenticatedIdentities=False, OpenIdConnectProviderARNs=[arn]
    )["IdentityPoolId"]
    eng = role(c["iam"], "oidc-eng", ipool, doc(allow("iam:ListRoles")))
    c["cognito-identity"].set_identity_pool_roles(
        IdentityPoolId=ipool, Roles={"authenticated": role(c["iam"], "oidc-default", ipool, None)},
        RoleMappings={name: {"Type": "Rules", "AmbiguousRoleResolution": "AuthenticatedRole",
                             "RulesConfiguration": {"Rules": [{"Claim": "team", "MatchType": "Equals", "Value": "eng", "RoleARN": eng}]}}},
    )
    anon = env["anon"]
    logins = {name: _token(url, key, team="eng")}
    identity = anon.get_id(IdentityPoolId=ipool, Logins=logins)["IdentityId"]
    creds = anon.get_credentials_for_identity(IdentityId=identity, Logins=logins)["Credentials"]
    assert session(live_server.url, creds, "sts").get_caller_identity()["Arn"].endswith(":assumed-role/oidc-eng/CognitoIdentityCredentials")
    for bad in (_token(url, key, aud="someone-else"), _token(url, key, exp=1)):
        with pytest.raises(ClientError) as excinfo:
            anon.get_id(IdentityPoolId=ipool, Logins={name: bad})
        assert error_code(excinfo) == "NotAuthorizedException"


def test_basic_flow_carries_principal_tags_to_sts(live_server, env):
    c = env["c"]
    tagged = role(c["iam"], "tagged-basic", env["ipool"], doc(allow("iam:ListRoles", Condition={"StringEquals": {"aws:PrincipalTag/plan": "pro"}})),
                  actions=("sts:AssumeRoleWithWebIdentity", "sts:TagSession"))
    out = c["cognito-identity"].get_open_id_token_for_developer_identity(
        IdentityPoolId=env["ipool"], Logins={"login.myapp": "basic-pro"}, PrincipalTags={"plan": "pro"}
    )
    sts = unsigned(live_server.url, "sts")
    creds = sts.assume_role_with_web_identity(RoleArn=tagged, RoleSessionName="ss", WebIdentityToken=out["Token"])["Credentials"]
    iam = session(live_server.url, {**creds, "SecretKey": creds["SecretAccessKey"]}, "iam")
    assert iam.list_roles()["Roles"]
    with pytest.raises(ClientError) as excinfo:  # the trust policy of `auth` does not allow sts:TagSession
        sts.assume_role_with_web_identity(RoleArn=env["auth"], RoleSessionName="ss", WebIdentityToken=out["Token"])
    assert error_code(excinfo) == "AccessDenied"


def test_guest_basic_flow_and_unlink_needs_a_login(live_server, env):
    c, anon = env["c"], env["anon"]
    guest_role = role(c["iam"], "basic-guest", env["ipool"], doc(allow("iam:ListRoles")), amr="unauthenticated")
    identity = anon.get_id(IdentityPoolId=env["ipool"])["IdentityId"]
    token = anon.get_open_id_token(IdentityId=identity)["Token"]
    sts = unsigned(live_server.url, "sts")
    assert sts.assume_role_with_web_identity(RoleArn=guest_role, RoleSessionName="guest", WebIdentityToken=token)["SubjectFromWebIdentityToken"] == identity
    with pytest.raises(ClientError) as excinfo:  # the authenticated role's trust policy wants amr authenticated
        sts.assume_role_with_web_identity(RoleArn=env["auth"], RoleSessionName="guest", WebIdentityToken=token)
    assert error_code(excinfo) == "AccessDenied"
    with pytest.raises(ClientError) as excinfo:
        anon.unlink_identity(IdentityId=identity, Logins={}, LoginsToRemove=["login.myapp"])
    assert error_code(excinfo) == "NotAuthorizedException"
    c["cognito-identity"].set_identity_pool_roles(IdentityPoolId=env["ipool"], Roles={"authenticated": env["auth"], "unauthenticated": guest_role})
    anon.get_credentials_for_identity(IdentityId=identity)
    assert c["iam"].get_role(RoleName="basic-guest")["Role"]["RoleLastUsed"]["LastUsedDate"]
