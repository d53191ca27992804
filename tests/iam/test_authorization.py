"""Every signed call is decided by the evaluator: the issue's Done-when scenarios, boto3 against
the live server."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code, make_client
from tests.iam.support import ACCOUNT, allow, clients, deny, doc, user_with_key


@pytest.fixture
def root(live_server):
    return {name: make_client(live_server.url, name) for name in ("iam", "sts", "cognito-idp")}


def pool_arn(pool_id: str) -> str:
    return f"arn:aws:cognito-idp:us-east-1:{ACCOUNT}:userpool/{pool_id}"


def message(excinfo) -> str:
    return excinfo.value.response["Error"]["Message"]


def test_list_users_on_one_pool_only(live_server, root):
    idp = root["cognito-idp"]
    mine = idp.create_user_pool(PoolName="mine")["UserPool"]["Id"]
    other = idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    idp.admin_create_user(UserPoolId=mine, Username="someone")
    key = user_with_key(root["iam"], "reader", doc(allow("cognito-idp:ListUsers", pool_arn(mine))))
    reader = clients(live_server.url, *key)
    assert [u["Username"] for u in reader["cognito-idp"].list_users(UserPoolId=mine)["Users"]] == ["someone"]

    with pytest.raises(ClientError) as excinfo:
        reader["cognito-idp"].list_users(UserPoolId=other)
    assert error_code(excinfo) == "AccessDeniedException"
    assert message(excinfo) == (
        f"User: arn:aws:iam::{ACCOUNT}:user/reader is not authorized to perform: cognito-idp:ListUsers on resource: "
        f"{pool_arn(other)} because no identity-based policy allows the cognito-idp:ListUsers action"
    )
    with pytest.raises(ClientError) as excinfo:
        reader["cognito-idp"].admin_create_user(UserPoolId=mine, Username="new")
    assert error_code(excinfo) == "AccessDeniedException"
    assert "cognito-idp:AdminCreateUser on resource: " + pool_arn(mine) in message(excinfo)
    with pytest.raises(ClientError) as excinfo:
        reader["iam"].list_users()
    assert error_code(excinfo) == "AccessDenied"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert message(excinfo) == (
        f"User: arn:aws:iam::{ACCOUNT}:user/reader is not authorized to perform: iam:ListUsers on resource: * "
        "because no identity-based policy allows the iam:ListUsers action"
    )
    # GetCallerIdentity is never refused.
    assert reader["sts"].get_caller_identity()["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/reader"


def test_explicit_deny_in_a_group_beats_an_allow(live_server, root):
    iam = root["iam"]
    pool = root["cognito-idp"].create_user_pool(PoolName="p")["UserPool"]["Id"]
    key = user_with_key(iam, "dev", doc(allow("cognito-idp:*")))
    dev = clients(live_server.url, *key)
    dev["cognito-idp"].list_users(UserPoolId=pool)
    iam.create_group(GroupName="no-list")
    iam.put_group_policy(GroupName="no-list", PolicyName="deny", PolicyDocument=doc(deny("cognito-idp:ListUsers")))
    iam.add_user_to_group(GroupName="no-list", UserName="dev")
    with pytest.raises(ClientError) as excinfo:
        dev["cognito-idp"].list_users(UserPoolId=pool)
    assert error_code(excinfo) == "AccessDeniedException"
    assert message(excinfo).endswith(f"on resource: {pool_arn(pool)} with an explicit deny in an identity-based policy")
    dev["cognito-idp"].describe_user_pool(UserPoolId=pool)  # the rest of the allow still holds
    iam.remove_user_from_group(GroupName="no-list", UserName="dev")
    dev["cognito-idp"].list_users(UserPoolId=pool)  # membership changes take effect at once


def test_permissions_boundary_intersects(live_server, root):
    iam = root["iam"]
    pool = root["cognito-idp"].create_user_pool(PoolName="p")["UserPool"]["Id"]
    boundary = iam.create_policy(PolicyName="only-reads", PolicyDocument=doc(allow(["cognito-idp:List*", "cognito-idp:Describe*"])))["Policy"]["Arn"]
    key = user_with_key(iam, "bounded", doc(allow(["cognito-idp:ListUsers", "cognito-idp:AdminCreateUser"])))
    bounded = clients(live_server.url, *key)
    bounded["cognito-idp"].admin_create_user(UserPoolId=pool, Username="before")
    iam.put_user_permissions_boundary(UserName="bounded", PermissionsBoundary=boundary)
    bounded["cognito-idp"].list_users(UserPoolId=pool)  # allowed by both
    with pytest.raises(ClientError) as excinfo:
        bounded["cognito-idp"].admin_create_user(UserPoolId=pool, Username="after")  # identity yes, boundary no
    assert message(excinfo).endswith("because no permissions boundary allows the cognito-idp:AdminCreateUser action")
    with pytest.raises(ClientError) as excinfo:
        bounded["cognito-idp"].describe_user_pool(UserPoolId=pool)  # boundary yes, identity no
    assert "because no identity-based policy allows" in message(excinfo)
    iam.delete_user_permissions_boundary(UserName="bounded")
    bounded["cognito-idp"].admin_create_user(UserPoolId=pool, Username="after")


def test_policy_versions_switch_decisions_immediately(live_server, root):
    iam = root["iam"]
    pool = root["cognito-idp"].create_user_pool(PoolName="p")["UserPool"]["Id"]
    arn = iam.create_policy(PolicyName="ops", PolicyDocument=doc(allow("cognito-idp:ListUsers")))["Policy"]["Arn"]
    key = user_with_key(iam, "op")
    iam.attach_user_policy(UserName="op", PolicyArn=arn)
    op = clients(live_server.url, *key)["cognito-idp"]
    op.list_users(UserPoolId=pool)
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=doc(allow("cognito-idp:DescribeUserPool")), SetAsDefault=True)
    with pytest.raises(ClientError):
        op.list_users(UserPoolId=pool)
    op.describe_user_pool(UserPoolId=pool)
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v1")
    op.list_users(UserPoolId=pool)
    with pytest.raises(ClientError):
        op.describe_user_pool(UserPoolId=pool)
    for _ in range(3):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=doc(allow("*")))
    with pytest.raises(ClientError) as excinfo:
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=doc(allow("*")), SetAsDefault=True)
    assert error_code(excinfo) == "LimitExceeded"
    with pytest.raises(ClientError):  # the refused version did not become the default
        op.describe_user_pool(UserPoolId=pool)
    iam.detach_user_policy(UserName="op", PolicyArn=arn)
    with pytest.raises(ClientError):
        op.list_users(UserPoolId=pool)


def test_policy_variables_and_principal_tags(live_server, root):
    iam = root["iam"]
    own_keys = doc(allow(["iam:ListAccessKeys", "iam:GetUser"], f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}"))
    key = user_with_key(iam, "self", own_keys)
    iam.create_user(UserName="someone-else")
    me = clients(live_server.url, *key)["iam"]
    assert len(me.list_access_keys(UserName="self")["AccessKeyMetadata"]) == 1
    with pytest.raises(ClientError):
        me.list_access_keys(UserName="someone-else")
    iam.tag_user(UserName="self", Tags=[{"Key": "team", "Value": "blue"}])
    iam.put_user_policy(
        UserName="self", PolicyName="tagged",
        PolicyDocument=doc(allow("iam:ListUsers", Condition={"StringEquals": {"aws:PrincipalTag/team": "blue"}})),
    )
    assert me.list_users()["Users"]
    iam.tag_user(UserName="self", Tags=[{"Key": "team", "Value": "red"}])
    with pytest.raises(ClientError):
        me.list_users()


def test_source_ip_condition(live_server, root):
    iam = root["iam"]
    key = user_with_key(iam, "netted", doc(allow("iam:ListUsers", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})))
    netted = clients(live_server.url, *key)["iam"]
    with pytest.raises(ClientError):
        netted.list_users()  # the test client calls from 127.0.0.1
    iam.put_user_policy(
        UserName="netted", PolicyName="p0", PolicyDocument=doc(allow("iam:ListUsers", Condition={"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}}))
    )
    assert netted.list_users()["Users"]


def test_deleted_user_key_stops_working(live_server, root):
    iam = root["iam"]
    key = user_with_key(iam, "gone", doc(allow("iam:*")))
    gone = clients(live_server.url, *key)["iam"]
    gone.list_users()
    iam.delete_access_key(UserName="gone", AccessKeyId=key[0])
    with pytest.raises(ClientError) as excinfo:
        gone.list_users()
    assert error_code(excinfo) == "InvalidClientTokenId"


def test_request_tags_condition(live_server, root):
    iam = root["iam"]
    key = user_with_key(iam, "tagger", doc(allow("iam:CreateUser", Condition={"StringEquals": {"aws:RequestTag/team": "blue"}})))
    tagger = clients(live_server.url, *key)["iam"]
    tagger.create_user(UserName="blue-one", Tags=[{"Key": "team", "Value": "blue"}])
    with pytest.raises(ClientError):
        tagger.create_user(UserName="red-one", Tags=[{"Key": "team", "Value": "red"}])


def test_service_control_policies_bound_everyone_but_root(live_server, root):
    orgs = make_client(live_server.url, "organizations")
    pool = root["cognito-idp"].create_user_pool(PoolName="p")["UserPool"]["Id"]
    key = user_with_key(root["iam"], "bounded-by-scp", doc(allow("cognito-idp:*")))
    user = clients(live_server.url, *key)["cognito-idp"]
    user.list_users(UserPoolId=pool)
    scp = orgs.create_policy(
        Name="NoListUsers", Description="", Type="SERVICE_CONTROL_POLICY", Content=doc(deny("cognito-idp:ListUsers"))
    )["Policy"]["PolicySummary"]["Id"]
    orgs.attach_policy(PolicyId=scp, TargetId=ACCOUNT)
    with pytest.raises(ClientError) as excinfo:
        user.list_users(UserPoolId=pool)
    assert message(excinfo).endswith("with an explicit deny in a service control policy")
    user.describe_user_pool(UserPoolId=pool)
    root["cognito-idp"].list_users(UserPoolId=pool)  # SCPs do not bind root
    orgs.detach_policy(PolicyId=scp, TargetId=ACCOUNT)
    user.list_users(UserPoolId=pool)


def test_iam_actions_are_authorized_on_the_entitys_arn_with_its_path(live_server, root):
    iam = root["iam"]
    iam.create_user(UserName="teammate", Path="/team/")
    iam.create_user(UserName="outsider")
    key = user_with_key(iam, "lead", doc(allow(["iam:GetUser", "iam:TagUser"], f"arn:aws:iam::{ACCOUNT}:user/team/*")))
    lead = clients(live_server.url, *key)["iam"]
    assert lead.get_user(UserName="teammate")["User"]["Path"] == "/team/"
    lead.tag_user(UserName="teammate", Tags=[{"Key": "k", "Value": "v"}])
    with pytest.raises(ClientError) as excinfo:
        lead.get_user(UserName="outsider")
    assert f"iam:GetUser on resource: arn:aws:iam::{ACCOUNT}:user/outsider " in message(excinfo)


def test_mfa_key_is_absent_for_long_term_keys_and_false_for_sessions(live_server, root):
    # AWS: aws:MultiFactorAuthPresent is not in the context of calls signed with long-term keys
    # (so Bool ... "false" does not match them; BoolIfExists does), and is "false" for temporary
    # credentials issued without MFA.
    iam = root["iam"]
    key = user_with_key(iam, "mfa", doc(
        allow("iam:ListUsers", Condition={"Bool": {"aws:MultiFactorAuthPresent": "false"}}),
        allow("iam:ListGroups", Condition={"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}),
        allow("sts:GetSessionToken"),
    ))
    long_term = clients(live_server.url, *key)
    long_term["iam"].list_groups()
    with pytest.raises(ClientError):
        long_term["iam"].list_users()
    creds = long_term["sts"].get_session_token()["Credentials"]
    session = clients(live_server.url, creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    session["iam"].list_users()
    session["iam"].list_groups()
