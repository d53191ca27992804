"""Managed policies and versions, inline policies, attachments, boundaries, keys, account
details and the simulator, through boto3's `iam` client."""
from __future__ import annotations

import io
import json

import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code, make_client
from tests.iam.support import ACCOUNT, allow, client_for, deny, doc

TRUST_ANYONE = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]})


@pytest.fixture
def iam(live_server):
    return make_client(live_server.url, "iam")


def _policy(iam, name="read", document=None):
    return iam.create_policy(PolicyName=name, PolicyDocument=document or doc(allow("cognito-idp:List*")))["Policy"]


def test_managed_policy_and_versions(iam):
    policy = _policy(iam)
    arn = policy["Arn"]
    assert arn == f"arn:aws:iam::{ACCOUNT}:policy/read" and policy["PolicyId"].startswith("ANPA")
    assert policy["DefaultVersionId"] == "v1" and policy["AttachmentCount"] == 0
    assert iam.get_policy(PolicyArn=arn)["Policy"]["PolicyName"] == "read"
    assert [p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]] == ["read"]
    assert iam.list_policies(Scope="AWS")["Policies"] == []
    v2 = iam.create_policy_version(PolicyArn=arn, PolicyDocument=doc(allow("iam:*")), SetAsDefault=True)["PolicyVersion"]
    assert v2["VersionId"] == "v2" and v2["IsDefaultVersion"] is True
    got = iam.get_policy_version(PolicyArn=arn, VersionId="v2")["PolicyVersion"]
    assert got["Document"]["Statement"][0]["Action"] == "iam:*"  # URL-encoded on the wire, decoded by botocore
    for _ in range(3):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=doc(allow("kms:*")))
    assert [v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]] == ["v5", "v4", "v3", "v2", "v1"]
    with pytest.raises(ClientError) as excinfo:
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=doc(allow("kms:*")))
    assert error_code(excinfo) == "LimitExceeded"
    assert excinfo.value.response["Error"]["Message"].startswith("A managed policy can have up to 5 versions.")
    with pytest.raises(ClientError) as excinfo:
        iam.delete_policy_version(PolicyArn=arn, VersionId="v2")
    assert error_code(excinfo) == "DeleteConflict"
    assert excinfo.value.response["Error"]["Message"] == "Cannot delete the default version of a policy."
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v1")
    iam.delete_policy_version(PolicyArn=arn, VersionId="v2")
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v1"
    assert iam.create_policy_version(PolicyArn=arn, PolicyDocument=doc(allow("kms:*")))["PolicyVersion"]["VersionId"] == "v6"
    with pytest.raises(ClientError) as excinfo:
        iam.get_policy_version(PolicyArn=arn, VersionId="v2")
    assert error_code(excinfo) == "NoSuchEntity"
    iam.delete_policy(PolicyArn=arn)
    with pytest.raises(ClientError) as excinfo:
        iam.get_policy(PolicyArn=arn)
    assert error_code(excinfo) == "NoSuchEntity"
    assert excinfo.value.response["Error"]["Message"] == f"Policy {arn} was not found."


def test_policy_documents_are_validated(iam):
    for bad in ("not json", '{"Statement": []}', doc({"Effect": "Maybe", "Action": "*", "Resource": "*"}), doc({"Effect": "Allow", "Resource": "*"})):
        with pytest.raises(ClientError) as excinfo:
            iam.create_policy(PolicyName="bad", PolicyDocument=bad)
        assert error_code(excinfo) == "MalformedPolicyDocument", bad
    iam.create_user(UserName="u")
    big = doc(*[allow(f"cognito-idp:Action{i:04d}", f"arn:aws:cognito-idp:us-east-1:{ACCOUNT}:userpool/x{i}") for i in range(40)])
    with pytest.raises(ClientError) as excinfo:
        iam.put_user_policy(UserName="u", PolicyName="big", PolicyDocument=big)  # over the 2048 user inline quota
    assert error_code(excinfo) == "LimitExceeded"
    with pytest.raises(ClientError) as excinfo:
        iam.create_policy(PolicyName="dup", PolicyDocument=doc(allow("s3:*"))) and iam.create_policy(PolicyName="dup", PolicyDocument=doc(allow("s3:*")))
    assert error_code(excinfo) == "EntityAlreadyExists"


def test_inline_policies_for_users_groups_roles(iam):
    iam.create_user(UserName="u")
    iam.create_group(GroupName="g")
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST_ANYONE)
    document = doc(allow("cognito-idp:ListUsers"))
    for put, get, list_, delete, kw in (
        (iam.put_user_policy, iam.get_user_policy, iam.list_user_policies, iam.delete_user_policy, {"UserName": "u"}),
        (iam.put_group_policy, iam.get_group_policy, iam.list_group_policies, iam.delete_group_policy, {"GroupName": "g"}),
        (iam.put_role_policy, iam.get_role_policy, iam.list_role_policies, iam.delete_role_policy, {"RoleName": "r"}),
    ):
        put(PolicyName="p1", PolicyDocument=document, **kw)
        got = get(PolicyName="p1", **kw)
        assert got["PolicyName"] == "p1" and got["PolicyDocument"] == json.loads(document)
        assert list_(**kw)["PolicyNames"] == ["p1"]
        delete(PolicyName="p1", **kw)
        with pytest.raises(ClientError) as excinfo:
            get(PolicyName="p1", **kw)
        assert error_code(excinfo) == "NoSuchEntity"
    with pytest.raises(ClientError) as excinfo:
        iam.put_user_policy(UserName="nobody", PolicyName="p", PolicyDocument=document)
    assert error_code(excinfo) == "NoSuchEntity"


def test_attach_detach_and_entities_for_policy(iam):
    arn = _policy(iam)["Arn"]
    iam.create_user(UserName="u")
    iam.create_group(GroupName="g")
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST_ANYONE)
    iam.attach_user_policy(UserName="u", PolicyArn=arn)
    iam.attach_group_policy(GroupName="g", PolicyArn=arn)
    iam.attach_role_policy(RoleName="r", PolicyArn=arn)
    expected = [{"PolicyName": "read", "PolicyArn": arn}]
    assert iam.list_attached_user_policies(UserName="u")["AttachedPolicies"] == expected
    assert iam.list_attached_group_policies(GroupName="g")["AttachedPolicies"] == expected
    assert iam.list_attached_role_policies(RoleName="r")["AttachedPolicies"] == expected
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 3
    entities = iam.list_entities_for_policy(PolicyArn=arn)
    assert [u["UserName"] for u in entities["PolicyUsers"]] == ["u"]
    assert [g["GroupName"] for g in entities["PolicyGroups"]] == ["g"]
    assert [r["RoleName"] for r in entities["PolicyRoles"]] == ["r"]
    assert iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="Role")["PolicyUsers"] == []
    with pytest.raises(ClientError) as excinfo:
        iam.delete_policy(PolicyArn=arn)
    assert error_code(excinfo) == "DeleteConflict"
    with pytest.raises(ClientError) as excinfo:
        iam.delete_user(UserName="u")
    assert excinfo.value.response["Error"]["Message"] == "Cannot delete entity, must detach all policies first."
    iam.detach_user_policy(UserName="u", PolicyArn=arn)
    iam.detach_group_policy(GroupName="g", PolicyArn=arn)
    iam.detach_role_policy(RoleName="r", PolicyArn=arn)
    with pytest.raises(ClientError) as excinfo:
        iam.detach_user_policy(UserName="u", PolicyArn=arn)
    assert error_code(excinfo) == "NoSuchEntity"
    with pytest.raises(ClientError) as excinfo:
        iam.attach_user_policy(UserName="u", PolicyArn=f"arn:aws:iam::{ACCOUNT}:policy/missing")
    assert error_code(excinfo) == "NoSuchEntity"
    assert excinfo.value.response["Error"]["Message"] == f"Policy arn:aws:iam::{ACCOUNT}:policy/missing does not exist or is not attachable."
    iam.delete_policy(PolicyArn=arn)


def test_permissions_boundaries(iam):
    arn = _policy(iam, "boundary")["Arn"]
    iam.create_user(UserName="u")
    iam.put_user_permissions_boundary(UserName="u", PermissionsBoundary=arn)
    assert iam.get_user(UserName="u")["User"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == arn
    iam.create_role(RoleName="r", PermissionsBoundary=arn, AssumeRolePolicyDocument=TRUST_ANYONE)
    assert iam.get_role(RoleName="r")["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == arn
    assert iam.get_policy(PolicyArn=arn)["Policy"]["PermissionsBoundaryUsageCount"] == 2
    iam.delete_user_permissions_boundary(UserName="u")
    iam.delete_role_permissions_boundary(RoleName="r")
    assert "PermissionsBoundary" not in iam.get_user(UserName="u")["User"]
    assert "PermissionsBoundary" not in iam.get_role(RoleName="r")["Role"]


def test_access_keys(iam, live_server):
    iam.create_user(UserName="k")
    first = iam.create_access_key(UserName="k")["AccessKey"]
    assert first["AccessKeyId"].startswith("AKIA") and len(first["AccessKeyId"]) == 20
    assert first["Status"] == "Active" and len(first["SecretAccessKey"]) == 40
    iam.create_access_key(UserName="k")
    with pytest.raises(ClientError) as excinfo:
        iam.create_access_key(UserName="k")
    assert error_code(excinfo) == "LimitExceeded"
    listed = iam.list_access_keys(UserName="k")["AccessKeyMetadata"]
    assert len(listed) == 2 and "SecretAccessKey" not in listed[0]
    unused = iam.get_access_key_last_used(AccessKeyId=first["AccessKeyId"])
    assert unused["UserName"] == "k" and unused["AccessKeyLastUsed"]["ServiceName"] == "N/A"
    iam.put_user_policy(UserName="k", PolicyName="self", PolicyDocument=doc(allow("iam:GetUser")))
    own = client_for(live_server.url, "iam", first["AccessKeyId"], first["SecretAccessKey"])
    assert own.get_user()["User"]["UserName"] == "k"  # GetUser without a name is the caller
    used = iam.get_access_key_last_used(AccessKeyId=first["AccessKeyId"])["AccessKeyLastUsed"]
    assert used["ServiceName"] == "iam" and used["Region"] == "us-east-1" and used["LastUsedDate"]
    iam.update_access_key(UserName="k", AccessKeyId=first["AccessKeyId"], Status="Inactive")
    assert {k["AccessKeyId"]: k["Status"] for k in iam.list_access_keys(UserName="k")["AccessKeyMetadata"]}[first["AccessKeyId"]] == "Inactive"
    with pytest.raises(ClientError) as excinfo:
        own.get_user()
    assert error_code(excinfo) == "InvalidClientTokenId"
    iam.delete_access_key(UserName="k", AccessKeyId=first["AccessKeyId"])
    with pytest.raises(ClientError) as excinfo:
        iam.delete_access_key(UserName="k", AccessKeyId=first["AccessKeyId"])
    assert error_code(excinfo) == "NoSuchEntity"


def test_account_authorization_details(iam):
    arn = _policy(iam)["Arn"]
    iam.create_user(UserName="u")
    iam.create_group(GroupName="g")
    iam.add_user_to_group(GroupName="g", UserName="u")
    iam.attach_user_policy(UserName="u", PolicyArn=arn)
    iam.put_group_policy(GroupName="g", PolicyName="gp", PolicyDocument=doc(allow("s3:*")))
    details = iam.get_account_authorization_details()
    user = details["UserDetailList"][0]
    assert user["UserName"] == "u" and user["GroupList"] == ["g"]
    assert user["AttachedManagedPolicies"] == [{"PolicyName": "read", "PolicyArn": arn}]
    assert details["GroupDetailList"][0]["GroupPolicyList"][0]["PolicyName"] == "gp"
    assert details["Policies"][0]["PolicyVersionList"][0]["Document"]["Statement"][0]["Action"] == "cognito-idp:List*"
    only_roles = iam.get_account_authorization_details(Filter=["Role"])
    assert only_roles["UserDetailList"] == [] and only_roles["Policies"] == []


def test_simulators_use_the_evaluator(iam):
    result = iam.simulate_custom_policy(
        PolicyInputList=[doc(allow("cognito-idp:ListUsers")), doc(deny("cognito-idp:ListUsers", "arn:aws:cognito-idp:*:*:userpool/blocked"))],
        ActionNames=["cognito-idp:ListUsers", "cognito-idp:AdminCreateUser"],
        ResourceArns=["arn:aws:cognito-idp:us-east-1:000000000000:userpool/ok", "arn:aws:cognito-idp:us-east-1:000000000000:userpool/blocked"],
    )["EvaluationResults"]
    decisions = {(r["EvalActionName"], r["EvalResourceName"].rsplit("/", 1)[1]): r["EvalDecision"] for r in result}
    assert decisions == {
        ("cognito-idp:ListUsers", "ok"): "allowed",
        ("cognito-idp:ListUsers", "blocked"): "explicitDeny",
        ("cognito-idp:AdminCreateUser", "ok"): "implicitDeny",
        ("cognito-idp:AdminCreateUser", "blocked"): "implicitDeny",
    }
    iam.create_user(UserName="sim")
    iam.create_group(GroupName="sg")
    iam.add_user_to_group(GroupName="sg", UserName="sim")
    iam.put_group_policy(GroupName="sg", PolicyName="p", PolicyDocument=doc(allow("kms:Encrypt")))
    user_arn = iam.get_user(UserName="sim")["User"]["Arn"]
    result = iam.simulate_principal_policy(PolicySourceArn=user_arn, ActionNames=["kms:Encrypt", "kms:Decrypt"])["EvaluationResults"]
    assert [r["EvalDecision"] for r in result] == ["allowed", "implicitDeny"]
    with pytest.raises(ClientError) as excinfo:
        iam.simulate_custom_policy(PolicyInputList=["nope"], ActionNames=["kms:Encrypt"])
    assert error_code(excinfo) == "MalformedPolicyDocument"


def test_root_key_can_be_put_away_once_an_admin_exists(iam, live_server):
    from django.conf import settings
    from django.core.management import call_command

    iam.create_user(UserName="admin")
    iam.put_user_policy(UserName="admin", PolicyName="all", PolicyDocument=doc(allow("*")))
    key = iam.create_access_key(UserName="admin")["AccessKey"]
    root_keys = iam.list_access_keys()["AccessKeyMetadata"]  # root's own keys, no UserName
    assert settings.ROOT_ACCESS_KEY_ID in [k["AccessKeyId"] for k in root_keys]
    iam.update_access_key(AccessKeyId=settings.ROOT_ACCESS_KEY_ID, Status="Inactive")
    with pytest.raises(ClientError) as excinfo:
        iam.list_users()
    assert error_code(excinfo) == "InvalidClientTokenId"
    call_command("bootstrap", stdout=io.StringIO())  # a restart does not bring it back
    with pytest.raises(ClientError):
        iam.list_users()
    admin = client_for(live_server.url, "iam", key["AccessKeyId"], key["SecretAccessKey"])
    assert [u["UserName"] for u in admin.list_users()["Users"]] == ["admin"]


def test_simulator_context_entries_and_roles(iam):
    ip_only = doc(allow("kms:Encrypt", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))
    def decision(ip: str) -> str:
        return iam.simulate_custom_policy(
            PolicyInputList=[ip_only], ActionNames=["kms:Encrypt"],
            ContextEntries=[{"ContextKeyName": "aws:SourceIp", "ContextKeyValues": [ip], "ContextKeyType": "ip"}],
        )["EvaluationResults"][0]["EvalDecision"]
    assert decision("10.1.2.3") == "allowed" and decision("192.0.2.1") == "implicitDeny"
    role_arn = iam.create_role(RoleName="sim-role", AssumeRolePolicyDocument=TRUST_ANYONE)["Role"]["Arn"]
    iam.put_role_policy(RoleName="sim-role", PolicyName="p", PolicyDocument=doc(allow("kms:Decrypt")))
    boundary = iam.create_policy(PolicyName="sim-boundary", PolicyDocument=doc(allow("kms:Encrypt")))["Policy"]["Arn"]
    result = iam.simulate_principal_policy(PolicySourceArn=role_arn, ActionNames=["kms:Decrypt"])["EvaluationResults"]
    assert result[0]["EvalDecision"] == "allowed"
    iam.put_role_permissions_boundary(RoleName="sim-role", PermissionsBoundary=boundary)
    result = iam.simulate_principal_policy(PolicySourceArn=role_arn, ActionNames=["kms:Decrypt"])["EvaluationResults"]
    assert result[0]["EvalDecision"] == "implicitDeny"  # the boundary does not allow it
