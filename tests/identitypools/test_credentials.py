"""GetCredentialsForIdentity through the wire: role mappings (Token with user-pool groups, Rules on
claims), ambiguity, trust policies, principal tags; linking logins and conflicts."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code
from tests.iam.support import allow, doc
from tests.identitypools.support import ACCOUNT, COGNITO, provider_name, role, root_clients, session, sign_in, unsigned, user_pool

FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


@pytest.fixture
def env(live_server):
    c = root_clients(live_server.url)
    idp = c["cognito-idp"]
    pool = idp.create_user_pool(PoolName="p", Schema=[{"Name": "dept", "AttributeDataType": "String", "Mutable": True}])["UserPool"]["Id"]
    client = idp.create_user_pool_client(UserPoolId=pool, ClientName="app", ExplicitAuthFlows=FLOWS)["UserPoolClient"]["ClientId"]
    ipool = c["cognito-identity"].create_identity_pool(
        IdentityPoolName="app", AllowUnauthenticatedIdentities=False,
        CognitoIdentityProviders=[{"ProviderName": provider_name(pool), "ClientId": client, "ServerSideTokenCheck": False}],
    )["IdentityPoolId"]
    arns = {name: role(c["iam"], name, ipool, doc(allow("iam:ListRoles"))) for name in ("default", "admins", "staff", "eng")}
    return {"c": c, "idp": idp, "pool": pool, "client": client, "ipool": ipool, "arns": arns, "anon": unsigned(live_server.url)}


def _credentials(env, username, groups=(), custom_role=None, **attrs):
    tokens = sign_in(env["idp"], env["pool"], env["client"], username, groups, **attrs)
    logins = {provider_name(env["pool"]): tokens["IdToken"]}
    identity = env["anon"].get_id(IdentityPoolId=env["ipool"], Logins=logins)["IdentityId"]
    extra = {"CustomRoleArn": custom_role} if custom_role else {}
    return env["anon"].get_credentials_for_identity(IdentityId=identity, Logins=logins, **extra)["Credentials"]


def _role_of(live_server, creds) -> str:
    return session(live_server.url, creds, "sts").get_caller_identity()["Arn"].split("/")[1]


def _map(env, mapping, roles=None):
    key = f"{provider_name(env['pool'])}:{env['client']}"
    env["c"]["cognito-identity"].set_identity_pool_roles(
        IdentityPoolId=env["ipool"], Roles=roles if roles is not None else {"authenticated": env["arns"]["default"]}, RoleMappings={key: mapping}
    )


def test_token_mapping_uses_the_groups_roles(live_server, env):
    idp, arns = env["idp"], env["arns"]
    idp.create_group(UserPoolId=env["pool"], GroupName="admins", RoleArn=arns["admins"], Precedence=1)
    idp.create_group(UserPoolId=env["pool"], GroupName="staff", RoleArn=arns["staff"], Precedence=5)
    _map(env, {"Type": "Token", "AmbiguousRoleResolution": "Deny"})
    assert _role_of(live_server, _credentials(env, "both", ("admins", "staff"))) == "admins"  # preferred_role: best precedence
    assert _role_of(live_server, _credentials(env, "both2", ("admins", "staff"), custom_role=arns["staff"])) == "staff"
    assert _role_of(live_server, _credentials(env, "one", ("staff",))) == "staff"
    with pytest.raises(ClientError) as excinfo:  # no group, no role: ambiguous, Deny
        _credentials(env, "none")
    assert error_code(excinfo) == "NotAuthorizedException"
    _map(env, {"Type": "Token", "AmbiguousRoleResolution": "AuthenticatedRole"})
    assert _role_of(live_server, _credentials(env, "none2")) == "default"


def test_rules_mapping_on_claims(live_server, env):
    arns = env["arns"]
    rules = [
        {"Claim": "custom:dept", "MatchType": "Equals", "Value": "eng", "RoleARN": arns["eng"]},
        {"Claim": "email", "MatchType": "Contains", "Value": "@admin.", "RoleARN": arns["admins"]},
        {"Claim": "custom:dept", "MatchType": "StartsWith", "Value": "sta", "RoleARN": arns["staff"]},
        {"Claim": "custom:dept", "MatchType": "NotEqual", "Value": "sales", "RoleARN": arns["default"]},
    ]
    _map(env, {"Type": "Rules", "AmbiguousRoleResolution": "Deny", "RulesConfiguration": {"Rules": rules}})
    assert _role_of(live_server, _credentials(env, "e1", **{"custom:dept": "eng"})) == "eng"
    assert _role_of(live_server, _credentials(env, "a1", email="x@admin.example.com", **{"custom:dept": "sales"})) == "admins"
    assert _role_of(live_server, _credentials(env, "s1", **{"custom:dept": "staffing"})) == "staff"
    assert _role_of(live_server, _credentials(env, "o1", **{"custom:dept": "ops"})) == "default"
    with pytest.raises(ClientError) as excinfo:
        _credentials(env, "sales1", **{"custom:dept": "sales"})
    assert error_code(excinfo) == "NotAuthorizedException"


def test_trust_policy_must_name_this_pool_and_amr(live_server, env):
    c = env["c"]
    other = c["cognito-identity"].create_identity_pool(IdentityPoolName="other", AllowUnauthenticatedIdentities=True)["IdentityPoolId"]
    foreign = role(c["iam"], "foreign", other, doc(allow("iam:ListRoles")))  # trusts another identity pool
    c["cognito-identity"].set_identity_pool_roles(IdentityPoolId=env["ipool"], Roles={"authenticated": foreign})
    with pytest.raises(ClientError) as excinfo:
        _credentials(env, "t1")
    assert error_code(excinfo) == "InvalidIdentityPoolConfigurationException"
    guests_only = role(c["iam"], "guests-only", env["ipool"], None, amr="unauthenticated")
    c["cognito-identity"].set_identity_pool_roles(IdentityPoolId=env["ipool"], Roles={"authenticated": guests_only})
    with pytest.raises(ClientError) as excinfo:
        _credentials(env, "t2")
    assert error_code(excinfo) == "InvalidIdentityPoolConfigurationException"
    c["cognito-identity"].set_identity_pool_roles(IdentityPoolId=env["ipool"], Roles={})
    with pytest.raises(ClientError) as excinfo:
        _credentials(env, "t3")
    assert error_code(excinfo) == "InvalidIdentityPoolConfigurationException"


def test_principal_tags_become_session_tags(live_server, env):
    c = env["c"]
    tagged = role(c["iam"], "tagged", env["ipool"], None, actions=("sts:AssumeRoleWithWebIdentity", "sts:TagSession"))
    c["iam"].put_role_policy(RoleName="tagged", PolicyName="abac", PolicyDocument=doc(
        allow("cognito-idp:ListUsers", f"arn:aws:cognito-idp:us-east-1:{ACCOUNT}:userpool/*", Condition={"StringEquals": {"aws:PrincipalTag/dept": "eng"}}),
    ))
    c["cognito-identity"].set_identity_pool_roles(IdentityPoolId=env["ipool"], Roles={"authenticated": tagged})
    c["cognito-identity"].set_principal_tag_attribute_map(
        IdentityPoolId=env["ipool"], IdentityProviderName=provider_name(env["pool"]), UseDefaults=True, PrincipalTags={"dept": "custom:dept"}
    )
    eng = session(live_server.url, _credentials(env, "eng1", **{"custom:dept": "eng"}), "cognito-idp")
    assert eng.list_users(UserPoolId=env["pool"])["Users"]
    ops = session(live_server.url, _credentials(env, "ops1", **{"custom:dept": "ops"}), "cognito-idp")
    with pytest.raises(ClientError) as excinfo:
        ops.list_users(UserPoolId=env["pool"])
    assert error_code(excinfo) == "AccessDeniedException"
    # A role whose trust policy does not allow sts:TagSession cannot take principal tags.
    c["cognito-identity"].set_identity_pool_roles(IdentityPoolId=env["ipool"], Roles={"authenticated": env["arns"]["default"]})
    with pytest.raises(ClientError) as excinfo:
        _credentials(env, "eng2", **{"custom:dept": "eng"})
    assert error_code(excinfo) == "InvalidIdentityPoolConfigurationException"


def test_linking_logins_and_conflicts(live_server, env):
    c, anon = env["c"], env["anon"]
    second, second_client = user_pool(env["idp"], "second")
    c["cognito-identity"].update_identity_pool(
        IdentityPoolId=env["ipool"], IdentityPoolName="app", AllowUnauthenticatedIdentities=False,
        CognitoIdentityProviders=[
            {"ProviderName": provider_name(env["pool"]), "ClientId": env["client"]},
            {"ProviderName": provider_name(second), "ClientId": second_client},
        ],
    )
    c["cognito-identity"].set_identity_pool_roles(IdentityPoolId=env["ipool"], Roles={"authenticated": env["arns"]["default"]})
    first = {provider_name(env["pool"]): sign_in(env["idp"], env["pool"], env["client"], "u1")["IdToken"]}
    other = {provider_name(second): sign_in(env["idp"], second, second_client, "u2")["IdToken"]}
    identity = anon.get_id(IdentityPoolId=env["ipool"], Logins=first)["IdentityId"]
    # Presenting both logins links the second to the first's identity.
    assert anon.get_id(IdentityPoolId=env["ipool"], Logins={**first, **other})["IdentityId"] == identity
    assert anon.get_id(IdentityPoolId=env["ipool"], Logins=other)["IdentityId"] == identity
    assert len(c["cognito-identity"].describe_identity(IdentityId=identity)["Logins"]) == 2
    # A third user's login cannot be used with this identity's id once it has its own.
    third = {provider_name(env["pool"]): sign_in(env["idp"], env["pool"], env["client"], "u3")["IdToken"]}
    third_identity = anon.get_id(IdentityPoolId=env["ipool"], Logins=third)["IdentityId"]
    with pytest.raises(ClientError) as excinfo:
        anon.get_credentials_for_identity(IdentityId=identity, Logins=third)
    assert error_code(excinfo) == "ResourceConflictException"
    with pytest.raises(ClientError) as excinfo:
        anon.get_id(IdentityPoolId=env["ipool"], Logins={**third, **other})
    assert error_code(excinfo) == "ResourceConflictException"
    # UnlinkIdentity drops a provider; the login then makes a new identity.
    anon.unlink_identity(IdentityId=identity, Logins=first, LoginsToRemove=[provider_name(second)])
    assert c["cognito-identity"].describe_identity(IdentityId=identity)["Logins"] == [provider_name(env["pool"])]
    assert anon.get_id(IdentityPoolId=env["ipool"], Logins=other)["IdentityId"] not in (identity, third_identity)
    # The aliases name the same provider: our issuer without scheme is accepted too.
    own = settings_provider(env["pool"])
    assert anon.get_id(IdentityPoolId=env["ipool"], Logins={own: first[provider_name(env["pool"])]})["IdentityId"] == identity


def settings_provider(pool: str) -> str:
    from django.conf import settings

    return settings.PUBLIC_URL.split("://", 1)[1] + "/" + pool


def test_the_identity_pool_id_and_login_keys_are_checked(live_server, env):
    anon = env["anon"]
    with pytest.raises(ClientError) as excinfo:
        anon.get_id(IdentityPoolId="us-east-1:00000000-0000-0000-0000-000000000000")
    assert error_code(excinfo) == "ResourceNotFoundException"
    tokens = sign_in(env["idp"], env["pool"], env["client"], "k1")
    with pytest.raises(ClientError) as excinfo:
        anon.get_id(IdentityPoolId=env["ipool"], Logins={"accounts.example.com": tokens["IdToken"]})
    assert error_code(excinfo) == "NotAuthorizedException"
    assert COGNITO  # the provider of our own tokens is exercised in test_openid_tokens
