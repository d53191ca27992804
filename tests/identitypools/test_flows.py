"""The done-when: a user-pool user, a guest and an untrusted pool through GetId and
GetCredentialsForIdentity, the credentials used on this service's own APIs."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code
from tests.iam.support import allow, doc
from tests.identitypools.support import ACCOUNT, COGNITO, provider_name, role, root_clients, session, sign_in, unsigned, user_pool


@pytest.fixture
def setup(live_server):
    c = root_clients(live_server.url)
    pool, client = user_pool(c["cognito-idp"], "users")
    other, _ = user_pool(c["cognito-idp"], "other")
    ipool = c["cognito-identity"].create_identity_pool(
        IdentityPoolName="app", AllowUnauthenticatedIdentities=True,
        CognitoIdentityProviders=[{"ProviderName": provider_name(pool), "ClientId": client, "ServerSideTokenCheck": True}],
    )["IdentityPoolId"]
    pool_arn = f"arn:aws:cognito-idp:us-east-1:{ACCOUNT}:userpool/{pool}"
    auth = role(c["iam"], "auth", ipool, doc(
        allow("cognito-idp:ListUsers", pool_arn),
        allow("cognito-identity:DescribeIdentity", f"arn:aws:cognito-identity:us-east-1:{ACCOUNT}:identitypool/${{{COGNITO}:aud}}"),
        allow("iam:GetRole", f"arn:aws:iam::{ACCOUNT}:role/user-${{{COGNITO}:sub}}"),
    ))
    guest = role(c["iam"], "guest", ipool, doc(allow(["cognito-idp:ListUsers", "cognito-identity:DescribeIdentityPool"])), amr="unauthenticated")
    c["cognito-identity"].set_identity_pool_roles(IdentityPoolId=ipool, Roles={"authenticated": auth, "unauthenticated": guest})
    return {"c": c, "pool": pool, "client": client, "other": other, "ipool": ipool}


def test_user_pool_user_gets_exactly_its_roles_permissions(live_server, setup):
    c, pool, other = setup["c"], setup["pool"], setup["other"]
    tokens = sign_in(c["cognito-idp"], pool, setup["client"], "alice")
    anonymous = unsigned(live_server.url)
    logins = {provider_name(pool): tokens["IdToken"]}
    identity = anonymous.get_id(IdentityPoolId=setup["ipool"], AccountId=ACCOUNT, Logins=logins)["IdentityId"]
    assert identity.startswith("us-east-1:")
    assert anonymous.get_id(IdentityPoolId=setup["ipool"], Logins=logins)["IdentityId"] == identity  # stable per login
    out = anonymous.get_credentials_for_identity(IdentityId=identity, Logins=logins)
    creds = out["Credentials"]
    assert out["IdentityId"] == identity and creds["AccessKeyId"].startswith("ASIA")
    remaining = (creds["Expiration"].timestamp() - __import__("time").time())
    assert 3500 < remaining <= 3600
    assert session(live_server.url, creds, "sts").get_caller_identity()["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/auth/CognitoIdentityCredentials"
    idp = session(live_server.url, creds, "cognito-idp")
    assert [u["Username"] for u in idp.list_users(UserPoolId=pool)["Users"]] == ["alice"]
    with pytest.raises(ClientError) as excinfo:
        idp.list_users(UserPoolId=other)
    assert error_code(excinfo) == "AccessDeniedException"
    # ${cognito-identity.amazonaws.com:aud} and :sub resolve in the role's policy.
    ci = session(live_server.url, creds, "cognito-identity")
    assert ci.describe_identity(IdentityId=identity)["Logins"] == [provider_name(pool)]


def test_policy_variables_sub_aud_amr_resolve_for_the_session(live_server, setup):
    """${cognito-identity.amazonaws.com:sub} in a resource: what an app backend's authorizer asks
    IAM about the credentials (here in-process, on a resource of the app's own)."""
    from iam.services import authorize
    from iam.services.sts import open_session

    c = setup["c"]
    tokens = sign_in(c["cognito-idp"], setup["pool"], setup["client"], "bob")
    logins = {provider_name(setup["pool"]): tokens["IdToken"]}
    anonymous = unsigned(live_server.url)
    identity = anonymous.get_id(IdentityPoolId=setup["ipool"], Logins=logins)["IdentityId"]
    c["iam"].put_role_policy(RoleName="auth", PolicyName="notes", PolicyDocument=doc(
        allow("myapp:ReadNote", f"arn:aws:myapp:us-east-1:000000000000:note/${{{COGNITO}:sub}}/*",
              Condition={"StringEquals": {f"{COGNITO}:aud": setup["ipool"]}, "ForAnyValue:StringEquals": {f"{COGNITO}:amr": "authenticated"}}),
    ))
    creds = anonymous.get_credentials_for_identity(IdentityId=identity, Logins=logins)["Credentials"]
    caller = open_session(creds["SessionToken"], creds["AccessKeyId"])
    authorize(caller, "myapp:ReadNote", f"arn:aws:myapp:us-east-1:000000000000:note/{identity}/1")
    with pytest.raises(Exception) as excinfo:
        authorize(caller, "myapp:ReadNote", "arn:aws:myapp:us-east-1:000000000000:note/us-east-1:someone-else/1")
    assert "not authorized to perform: myapp:ReadNote" in str(excinfo.value)


def test_guest_gets_the_unauthenticated_role_scoped_down(live_server, setup):
    anonymous = unsigned(live_server.url)
    identity = anonymous.get_id(IdentityPoolId=setup["ipool"])["IdentityId"]
    creds = anonymous.get_credentials_for_identity(IdentityId=identity)["Credentials"]
    sts = session(live_server.url, creds, "sts")
    assert sts.get_caller_identity()["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/guest/CognitoIdentityCredentials"
    # The role allows ListUsers, but AWS's guest scope-down policy does not.
    with pytest.raises(ClientError) as excinfo:
        session(live_server.url, creds, "cognito-idp").list_users(UserPoolId=setup["pool"])
    assert error_code(excinfo) == "AccessDeniedException"
    assert "session policy" in str(excinfo.value)
    assert session(live_server.url, creds, "cognito-identity").describe_identity_pool(IdentityPoolId=setup["ipool"])["IdentityPoolName"] == "app"


def test_guest_refused_when_the_pool_allows_none_and_identity_with_logins_needs_them(live_server, setup):
    c = setup["c"]
    anonymous = unsigned(live_server.url)
    tokens = sign_in(c["cognito-idp"], setup["pool"], setup["client"], "carol")
    logins = {provider_name(setup["pool"]): tokens["IdToken"]}
    identity = anonymous.get_id(IdentityPoolId=setup["ipool"], Logins=logins)["IdentityId"]
    with pytest.raises(ClientError) as excinfo:
        anonymous.get_credentials_for_identity(IdentityId=identity)
    assert error_code(excinfo) == "NotAuthorizedException"
    closed = c["cognito-identity"].create_identity_pool(IdentityPoolName="closed", AllowUnauthenticatedIdentities=False)["IdentityPoolId"]
    with pytest.raises(ClientError) as excinfo:
        anonymous.get_id(IdentityPoolId=closed)
    assert error_code(excinfo) == "NotAuthorizedException"
    assert "Unauthenticated access is not supported" in str(excinfo.value)


def test_token_from_an_untrusted_pool_is_refused(live_server, setup):
    c = setup["c"]
    flows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    other_client = c["cognito-idp"].create_user_pool_client(UserPoolId=setup["other"], ClientName="o", ExplicitAuthFlows=flows)["UserPoolClient"]["ClientId"]
    tokens = sign_in(c["cognito-idp"], setup["other"], other_client, "mallory")
    anonymous = unsigned(live_server.url)
    for key in (provider_name(setup["other"]), provider_name(setup["pool"])):  # the right name with the wrong pool's token too
        with pytest.raises(ClientError) as excinfo:
            anonymous.get_id(IdentityPoolId=setup["ipool"], Logins={key: tokens["IdToken"]})
        assert error_code(excinfo) == "NotAuthorizedException"


def test_wrong_client_revoked_and_garbage_tokens_are_refused(live_server, setup):
    c = setup["c"]
    idp = c["cognito-idp"]
    second = idp.create_user_pool_client(UserPoolId=setup["pool"], ClientName="b", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])[
        "UserPoolClient"]["ClientId"]
    anonymous = unsigned(live_server.url)
    tokens = sign_in(idp, setup["pool"], second, "dave")
    with pytest.raises(ClientError) as excinfo:  # aud is a client the identity pool does not list
        anonymous.get_id(IdentityPoolId=setup["ipool"], Logins={provider_name(setup["pool"]): tokens["IdToken"]})
    assert error_code(excinfo) == "NotAuthorizedException"
    tokens = idp.initiate_auth(ClientId=setup["client"], AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "dave", "PASSWORD": "Passw0rd!xy"})[
        "AuthenticationResult"]
    logins = {provider_name(setup["pool"]): tokens["IdToken"]}
    identity = anonymous.get_id(IdentityPoolId=setup["ipool"], Logins=logins)["IdentityId"]
    idp.revoke_token(Token=tokens["RefreshToken"], ClientId=setup["client"])
    with pytest.raises(ClientError) as excinfo:  # ServerSideTokenCheck: a revoked token is refused
        anonymous.get_credentials_for_identity(IdentityId=identity, Logins=logins)
    assert error_code(excinfo) == "NotAuthorizedException"
    with pytest.raises(ClientError) as excinfo:
        anonymous.get_id(IdentityPoolId=setup["ipool"], Logins={provider_name(setup["pool"]): "not.a.token"})
    assert error_code(excinfo) == "NotAuthorizedException"


def test_identity_of_a_session(live_server, setup):
    """identitypools.services.identities.identity_of: what an app backend can learn from credentials."""
    from iam.services.sts import open_session
    from identitypools.services.identities import identity_of

    c = setup["c"]
    tokens = sign_in(c["cognito-idp"], setup["pool"], setup["client"], "erin")
    logins = {provider_name(setup["pool"]): tokens["IdToken"]}
    anonymous = unsigned(live_server.url)
    identity = anonymous.get_id(IdentityPoolId=setup["ipool"], Logins=logins)["IdentityId"]
    creds = anonymous.get_credentials_for_identity(IdentityId=identity, Logins=logins)["Credentials"]
    described = identity_of(open_session(creds["SessionToken"], creds["AccessKeyId"]).context)
    assert described == {
        "IdentityId": identity, "IdentityPoolId": setup["ipool"], "Logins": [provider_name(setup["pool"])],
        "Amr": ["authenticated", provider_name(setup["pool"]), f"{provider_name(setup['pool'])}:CognitoSignIn:{tokens_sub(tokens)}"],
    }
    assert identity_of({}) is None


def tokens_sub(tokens: dict) -> str:
    import base64
    import json

    payload = tokens["IdToken"].split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]
