"""IAM users, groups and roles through boto3's `iam` client, with AWS's errors."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code, make_client
from tests.iam.support import ACCOUNT, allow, doc, trust, unvalidated


@pytest.fixture
def iam(live_server):
    return make_client(live_server.url, "iam")


def status_of(excinfo) -> int:
    return excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_user_lifecycle(iam):
    created = iam.create_user(UserName="alice", Path="/team/", Tags=[{"Key": "team", "Value": "blue"}])["User"]
    assert created["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/team/alice"
    assert created["UserId"].startswith("AIDA") and len(created["UserId"]) == 21
    assert created["Path"] == "/team/" and created["Tags"] == [{"Key": "team", "Value": "blue"}]
    assert iam.get_user(UserName="alice")["User"]["UserId"] == created["UserId"]
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["alice"]
    assert iam.list_users(PathPrefix="/other/")["Users"] == []
    iam.update_user(UserName="alice", NewUserName="alicia")
    assert iam.get_user(UserName="alicia")["User"]["UserName"] == "alicia"
    iam.tag_user(UserName="alicia", Tags=[{"Key": "cost", "Value": "1"}])
    iam.untag_user(UserName="alicia", TagKeys=["team"])
    assert iam.list_user_tags(UserName="alicia")["Tags"] == [{"Key": "cost", "Value": "1"}]
    iam.delete_user(UserName="alicia")
    with pytest.raises(ClientError) as excinfo:
        iam.get_user(UserName="alicia")
    assert error_code(excinfo) == "NoSuchEntity" and status_of(excinfo) == 404
    assert excinfo.value.response["Error"]["Message"] == "The user with name alicia cannot be found."


def test_duplicate_user_is_entity_already_exists(iam):
    iam.create_user(UserName="bob")
    with pytest.raises(ClientError) as excinfo:
        iam.create_user(UserName="bob")
    assert error_code(excinfo) == "EntityAlreadyExists" and status_of(excinfo) == 409
    assert excinfo.value.response["Error"]["Message"] == "User with name bob already exists."


def test_get_user_without_name_is_the_caller(iam):
    me = iam.get_user()["User"]
    assert me["Arn"] == f"arn:aws:iam::{ACCOUNT}:root" and me["UserId"] == ACCOUNT


def test_invalid_user_name_is_validation_error(iam):
    with pytest.raises(ClientError) as excinfo:
        iam.create_user(UserName="bad name!")
    assert error_code(excinfo) == "ValidationError"


def test_delete_user_conflicts(iam):
    iam.create_user(UserName="carol")
    key = iam.create_access_key(UserName="carol")["AccessKey"]
    with pytest.raises(ClientError) as excinfo:
        iam.delete_user(UserName="carol")
    assert error_code(excinfo) == "DeleteConflict" and status_of(excinfo) == 409
    assert excinfo.value.response["Error"]["Message"] == "Cannot delete entity, must delete access keys first."
    iam.delete_access_key(UserName="carol", AccessKeyId=key["AccessKeyId"])
    iam.put_user_policy(UserName="carol", PolicyName="p", PolicyDocument=doc(allow("iam:GetUser")))
    with pytest.raises(ClientError) as excinfo:
        iam.delete_user(UserName="carol")
    assert excinfo.value.response["Error"]["Message"] == "Cannot delete entity, must delete policies first."
    iam.delete_user_policy(UserName="carol", PolicyName="p")
    iam.create_group(GroupName="g")
    iam.add_user_to_group(GroupName="g", UserName="carol")
    with pytest.raises(ClientError) as excinfo:
        iam.delete_user(UserName="carol")
    assert error_code(excinfo) == "DeleteConflict"
    assert excinfo.value.response["Error"]["Message"] == "Cannot delete entity, must remove users from group first."
    iam.remove_user_from_group(GroupName="g", UserName="carol")
    iam.delete_user(UserName="carol")


def test_groups_and_membership(iam):
    group = iam.create_group(GroupName="devs", Path="/eng/")["Group"]
    assert group["Arn"] == f"arn:aws:iam::{ACCOUNT}:group/eng/devs" and group["GroupId"].startswith("AGPA")
    iam.create_user(UserName="dave")
    iam.add_user_to_group(GroupName="devs", UserName="dave")
    got = iam.get_group(GroupName="devs")
    assert [u["UserName"] for u in got["Users"]] == ["dave"] and got["Group"]["GroupName"] == "devs"
    assert [g["GroupName"] for g in iam.list_groups()["Groups"]] == ["devs"]
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="dave")["Groups"]] == ["devs"]
    with pytest.raises(ClientError) as excinfo:
        iam.delete_group(GroupName="devs")
    assert error_code(excinfo) == "DeleteConflict"
    assert excinfo.value.response["Error"]["Message"] == "Cannot delete entity, must remove users from group first."
    iam.remove_user_from_group(GroupName="devs", UserName="dave")
    assert iam.get_group(GroupName="devs")["Users"] == []
    iam.delete_group(GroupName="devs")
    with pytest.raises(ClientError) as excinfo:
        iam.get_group(GroupName="devs")
    assert error_code(excinfo) == "NoSuchEntity"
    with pytest.raises(ClientError) as excinfo:
        iam.create_group(GroupName="x") and iam.create_group(GroupName="x")
    assert error_code(excinfo) == "EntityAlreadyExists"


def test_role_lifecycle(iam):
    policy = trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"})
    role = iam.create_role(
        RoleName="app", AssumeRolePolicyDocument=policy, Description="the app", MaxSessionDuration=7200,
        Path="/svc/", Tags=[{"Key": "env", "Value": "prod"}],
    )["Role"]
    assert role["Arn"] == f"arn:aws:iam::{ACCOUNT}:role/svc/app" and role["RoleId"].startswith("AROA")
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    got = iam.get_role(RoleName="app")["Role"]
    assert got["MaxSessionDuration"] == 7200 and got["Description"] == "the app"
    assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == ["app"]
    iam.update_role(RoleName="app", Description="new", MaxSessionDuration=3600)
    assert iam.get_role(RoleName="app")["Role"]["Description"] == "new"
    new_trust = trust({"AWS": "*"})
    iam.update_assume_role_policy(RoleName="app", PolicyDocument=new_trust)
    assert iam.get_role(RoleName="app")["Role"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"AWS": "*"}
    iam.tag_role(RoleName="app", Tags=[{"Key": "owner", "Value": "me"}])
    iam.untag_role(RoleName="app", TagKeys=["env"])
    assert iam.list_role_tags(RoleName="app")["Tags"] == [{"Key": "owner", "Value": "me"}]
    iam.put_role_policy(RoleName="app", PolicyName="inline", PolicyDocument=doc(allow("s3:*")))
    with pytest.raises(ClientError) as excinfo:
        iam.delete_role(RoleName="app")
    assert error_code(excinfo) == "DeleteConflict"
    iam.delete_role_policy(RoleName="app", PolicyName="inline")
    iam.delete_role(RoleName="app")
    with pytest.raises(ClientError) as excinfo:
        iam.get_role(RoleName="app")
    assert error_code(excinfo) == "NoSuchEntity"
    assert excinfo.value.response["Error"]["Message"] == "The role with name app cannot be found."


def test_role_session_duration_bounds_and_bad_trust(iam, live_server):
    raw = unvalidated(live_server.url, "iam")  # boto3 checks the bounds itself; ask the server
    with pytest.raises(ClientError) as excinfo:
        raw.create_role(RoleName="r", AssumeRolePolicyDocument=trust({"AWS": "*"}), MaxSessionDuration=100)
    assert error_code(excinfo) == "ValidationError"
    with pytest.raises(ClientError) as excinfo:
        raw.create_role(RoleName="r", AssumeRolePolicyDocument=trust({"AWS": "*"}), MaxSessionDuration=50000)
    assert error_code(excinfo) == "ValidationError"
    with pytest.raises(ClientError) as excinfo:
        iam.create_role(RoleName="r", AssumeRolePolicyDocument='{"Version": "2012-10-17", "Statement": "nope"}')
    assert error_code(excinfo) == "MalformedPolicyDocument"
    with pytest.raises(ClientError) as excinfo:  # a trust policy names who, not what
        iam.create_role(RoleName="r", AssumeRolePolicyDocument=doc(allow("sts:AssumeRole")))
    assert error_code(excinfo) == "MalformedPolicyDocument"
