import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code

pytestmark = pytest.mark.django_db(transaction=True)


def test_create_and_describe_pool_has_aws_defaults(idp):
    created = idp.create_user_pool(PoolName="app", UserPoolTags={"team": "a"})["UserPool"]
    assert created["Id"].startswith("us-east-1_") and len(created["Id"]) == len("us-east-1_") + 9
    assert created["Arn"] == f"arn:aws:cognito-idp:us-east-1:000000000000:userpool/{created['Id']}"
    described = idp.describe_user_pool(UserPoolId=created["Id"])["UserPool"]
    policy = described["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] == 8 and policy["RequireSymbols"] is True
    assert policy["TemporaryPasswordValidityDays"] == 7
    assert described["MfaConfiguration"] == "OFF"
    assert described["DeletionProtection"] == "INACTIVE"
    assert described["UserPoolTags"] == {"team": "a"}
    assert described["EstimatedNumberOfUsers"] == 0
    names = {a["Name"] for a in described["SchemaAttributes"]}
    assert {"sub", "email", "phone_number", "email_verified"} <= names
    assert described["CreationDate"].year >= 2024


def test_estimated_number_of_users_is_exact_for_small_pools_and_kept_for_large_ones(idp, monkeypatch):
    from django.core.cache import cache

    from userpools.services import pools

    pool_id = idp.create_user_pool(PoolName="count")["UserPool"]["Id"]

    def add_user(name):
        idp.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS")

    def estimated():
        return idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["EstimatedNumberOfUsers"]

    monkeypatch.setattr(pools, "EXACT_COUNT_UP_TO", 2)
    cache.delete(f"pool-user-count:{pool_id}")
    add_user("u1")
    add_user("u2")
    assert estimated() == 2  # exact, every time
    add_user("u3")
    assert estimated() == 3  # above the bound: counted once, then kept
    add_user("u4")
    assert estimated() == 3
    cache.delete(f"pool-user-count:{pool_id}")  # as when the kept count expires
    assert estimated() == 4


def test_create_pool_keeps_configuration_faithfully(idp):
    created = idp.create_user_pool(
        PoolName="cfg",
        Policies={"PasswordPolicy": {"MinimumLength": 12, "RequireSymbols": False}},
        UsernameAttributes=["email"],
        UsernameConfiguration={"CaseSensitive": False},
        AutoVerifiedAttributes=["email"],
        Schema=[{"Name": "tenant", "AttributeDataType": "String", "Mutable": True}, {"Name": "email", "Required": True}],
        AccountRecoverySetting={"RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]},
        LambdaConfig={"PreSignUp": "arn:aws:lambda:us-east-1:000000000000:function:pre"},
    )["UserPool"]
    pool = idp.describe_user_pool(UserPoolId=created["Id"])["UserPool"]
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 12
    assert pool["Policies"]["PasswordPolicy"]["RequireSymbols"] is False
    assert pool["Policies"]["PasswordPolicy"]["RequireNumbers"] is True
    assert pool["UsernameAttributes"] == ["email"]
    assert pool["UsernameConfiguration"] == {"CaseSensitive": False}
    assert pool["AutoVerifiedAttributes"] == ["email"]
    assert pool["LambdaConfig"]["PreSignUp"].endswith(":function:pre")
    by_name = {a["Name"]: a for a in pool["SchemaAttributes"]}
    assert by_name["custom:tenant"]["AttributeDataType"] == "String"
    assert by_name["email"]["Required"] is True


def test_alias_and_username_attributes_are_exclusive(idp):
    with pytest.raises(ClientError) as excinfo:
        idp.create_user_pool(PoolName="x", AliasAttributes=["email"], UsernameAttributes=["email"])
    assert error_code(excinfo) == "InvalidParameterException"


def test_update_pool_resets_omitted_members(idp, pool_id):
    idp.update_user_pool(UserPoolId=pool_id, MfaConfiguration="OFF", Policies={"PasswordPolicy": {"MinimumLength": 10}})
    pool = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 10
    idp.update_user_pool(UserPoolId=pool_id)
    pool = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 8


def test_deletion_protection_blocks_delete(idp, pool_id):
    idp.update_user_pool(UserPoolId=pool_id, DeletionProtection="ACTIVE")
    with pytest.raises(ClientError) as excinfo:
        idp.delete_user_pool(UserPoolId=pool_id)
    assert error_code(excinfo) == "InvalidParameterException"
    idp.update_user_pool(UserPoolId=pool_id, DeletionProtection="INACTIVE")
    idp.delete_user_pool(UserPoolId=pool_id)
    with pytest.raises(ClientError) as excinfo:
        idp.describe_user_pool(UserPoolId=pool_id)
    assert error_code(excinfo) == "ResourceNotFoundException"


def test_list_pools_paginates(idp):
    ids = {idp.create_user_pool(PoolName=f"p{i}")["UserPool"]["Id"] for i in range(5)}
    seen, token = [], None
    while True:
        kwargs = {"MaxResults": 2, **({"NextToken": token} if token else {})}
        page = idp.list_user_pools(**kwargs)
        assert len(page["UserPools"]) <= 2
        seen += [p["Id"] for p in page["UserPools"]]
        token = page.get("NextToken")
        if not token:
            break
    assert set(seen) == ids and len(seen) == 5
    paginator = idp.get_paginator("list_user_pools")
    assert sum(len(p["UserPools"]) for p in paginator.paginate(MaxResults=3)) == 5


def test_add_custom_attributes(idp, pool_id):
    idp.add_custom_attributes(UserPoolId=pool_id, CustomAttributes=[{"Name": "plan", "AttributeDataType": "String"}])
    names = {a["Name"] for a in idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["SchemaAttributes"]}
    assert "custom:plan" in names
    with pytest.raises(ClientError) as excinfo:
        idp.add_custom_attributes(UserPoolId=pool_id, CustomAttributes=[{"Name": "plan", "AttributeDataType": "String"}])
    assert error_code(excinfo) == "InvalidParameterException"


@pytest.mark.parametrize("definition", [
    {"Name": "a", "AttributeDataType": "String", "StringAttributeConstraints": {"MinLength": "abc"}},
    {"Name": "a", "AttributeDataType": "String", "StringAttributeConstraints": {"MaxLength": "4096"}},
    {"Name": "a", "AttributeDataType": "String", "StringAttributeConstraints": {"MinLength": "9", "MaxLength": "3"}},
    {"Name": "a", "AttributeDataType": "Number", "NumberAttributeConstraints": {"MinValue": "1e9"}},
    {"Name": "a", "AttributeDataType": "Number", "NumberAttributeConstraints": {"MinValue": "5", "MaxValue": "-5"}},
])
def test_nonsense_attribute_limits_are_refused_when_defined(idp, pool_id, definition):
    with pytest.raises(ClientError) as excinfo:
        idp.add_custom_attributes(UserPoolId=pool_id, CustomAttributes=[definition])
    assert error_code(excinfo) == "InvalidParameterException"
    with pytest.raises(ClientError) as excinfo:
        idp.create_user_pool(PoolName="bad-schema", Schema=[definition])
    assert error_code(excinfo) == "InvalidParameterException"
    names = {a["Name"] for a in idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["SchemaAttributes"]}
    assert "custom:a" not in names and not idp.list_user_pools(MaxResults=60)["UserPools"][1:]


def test_attribute_limits_apply_to_values(idp, pool_id):
    idp.add_custom_attributes(UserPoolId=pool_id, CustomAttributes=[
        {"Name": "code", "AttributeDataType": "String", "StringAttributeConstraints": {"MinLength": "3", "MaxLength": "5"}},
        {"Name": "age", "AttributeDataType": "Number", "NumberAttributeConstraints": {"MinValue": "18", "MaxValue": "130"}},
    ])
    for name, value in [("custom:code", "ab"), ("custom:code", "abcdef"), ("custom:age", "17"), ("custom:age", "131")]:
        with pytest.raises(ClientError) as excinfo:
            idp.admin_create_user(UserPoolId=pool_id, Username="u", MessageAction="SUPPRESS", UserAttributes=[{"Name": name, "Value": value}])
        assert error_code(excinfo) == "InvalidParameterException", (name, value)
    idp.admin_create_user(UserPoolId=pool_id, Username="u", MessageAction="SUPPRESS", UserAttributes=[
        {"Name": "custom:code", "Value": "abc"}, {"Name": "custom:age", "Value": "18"},
    ])


def test_unknown_pool_is_resource_not_found(idp):
    with pytest.raises(ClientError) as excinfo:
        idp.describe_user_pool(UserPoolId="us-east-1_doesnotex")
    assert error_code(excinfo) == "ResourceNotFoundException"
    assert "does not exist" in excinfo.value.response["Error"]["Message"]


def test_pool_tags_obey_tag_rules(idp, pool_id):
    with pytest.raises(ClientError) as excinfo:
        idp.create_user_pool(PoolName="t", UserPoolTags={"aws:reserved": "x"})
    assert error_code(excinfo) == "InvalidParameterException"
    with pytest.raises(ClientError) as excinfo:
        idp.update_user_pool(UserPoolId=pool_id, UserPoolTags={f"k{i}": "v" for i in range(51)})
    assert error_code(excinfo) == "InvalidParameterException"
