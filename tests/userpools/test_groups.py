from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError
from django.db import connection

from tests.conftest import error_code, make_client

pytestmark = pytest.mark.django_db(transaction=True)

ROLE = "arn:aws:iam::000000000000:role/admins"


def test_create_and_get_group(idp, pool_id):
    created = idp.create_group(UserPoolId=pool_id, GroupName="admins", Description="Admins", RoleArn=ROLE, Precedence=1)["Group"]
    assert created["GroupName"] == "admins" and created["UserPoolId"] == pool_id
    assert created["Description"] == "Admins" and created["RoleArn"] == ROLE and created["Precedence"] == 1
    assert created["CreationDate"].year >= 2024 and created["LastModifiedDate"] >= created["CreationDate"]
    assert idp.get_group(UserPoolId=pool_id, GroupName="admins")["Group"] == created


def test_minimal_group_leaves_optional_members_out(idp, pool_id):
    group = idp.create_group(UserPoolId=pool_id, GroupName="plain")["Group"]
    assert not {"Description", "RoleArn", "Precedence"} & set(group)
    zero = idp.create_group(UserPoolId=pool_id, GroupName="first", Precedence=0)["Group"]
    assert zero["Precedence"] == 0


def test_duplicate_group_name(idp, pool_id):
    idp.create_group(UserPoolId=pool_id, GroupName="admins")
    with pytest.raises(ClientError) as excinfo:
        idp.create_group(UserPoolId=pool_id, GroupName="admins")
    assert error_code(excinfo) == "GroupExistsException"
    assert excinfo.value.response["Error"]["Message"] == "A group with the name admins already exists."
    other_pool = idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    assert idp.create_group(UserPoolId=other_pool, GroupName="admins")["Group"]["UserPoolId"] == other_pool


@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serializes writers; the race needs a server database")
def test_concurrent_creates_yield_one_group(live_server, pool_id):
    def create(_):
        try:
            make_client(live_server.url).create_group(UserPoolId=pool_id, GroupName="racers")
            return "created"
        except ClientError as exc:
            return exc.response["Error"]["Code"]

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(create, range(6)))
    assert outcomes.count("created") == 1
    assert outcomes.count("GroupExistsException") == 5


def test_update_group_changes_given_members(idp, pool_id):
    created = idp.create_group(UserPoolId=pool_id, GroupName="g", Description="old", RoleArn=ROLE, Precedence=5)["Group"]
    updated = idp.update_group(UserPoolId=pool_id, GroupName="g", Description="new")["Group"]
    assert updated["Description"] == "new" and updated["RoleArn"] == ROLE and updated["Precedence"] == 5
    assert updated["LastModifiedDate"] >= created["LastModifiedDate"]
    updated = idp.update_group(UserPoolId=pool_id, GroupName="g", Precedence=2)["Group"]
    assert updated["Precedence"] == 2
    assert idp.get_group(UserPoolId=pool_id, GroupName="g")["Group"] == updated


def test_missing_group_and_pool(idp, pool_id):
    idp.create_group(UserPoolId=pool_id, GroupName="gone")
    idp.delete_group(UserPoolId=pool_id, GroupName="gone")
    for call in (
        lambda: idp.get_group(UserPoolId=pool_id, GroupName="gone"),
        lambda: idp.update_group(UserPoolId=pool_id, GroupName="gone", Description="x"),
        lambda: idp.delete_group(UserPoolId=pool_id, GroupName="gone"),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_code(excinfo) == "ResourceNotFoundException"
        assert excinfo.value.response["Error"]["Message"] == "Group not found."
    with pytest.raises(ClientError) as excinfo:
        idp.create_group(UserPoolId="us-east-1_missing00", GroupName="g")
    assert error_code(excinfo) == "ResourceNotFoundException"
    assert "does not exist" in excinfo.value.response["Error"]["Message"]


def test_list_groups_paginates(idp, pool_id):
    names = [f"group-{i:02d}" for i in range(7)]
    for name in names:
        idp.create_group(UserPoolId=pool_id, GroupName=name)
    other_pool = idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    idp.create_group(UserPoolId=other_pool, GroupName="elsewhere")
    seen, token = [], None
    while True:
        page = idp.list_groups(UserPoolId=pool_id, Limit=3, **({"NextToken": token} if token else {}))
        assert len(page["Groups"]) <= 3
        seen += [g["GroupName"] for g in page["Groups"]]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == names
    everything = idp.list_groups(UserPoolId=pool_id)
    assert len(everything["Groups"]) == 7 and "NextToken" not in everything
    paginator = idp.get_paginator("list_groups")
    assert sum(len(p["Groups"]) for p in paginator.paginate(UserPoolId=pool_id, PaginationConfig={"PageSize": 2})) == 7


def test_list_groups_rejects_foreign_token(idp, pool_id):
    for name in ("a", "b"):
        idp.create_group(UserPoolId=pool_id, GroupName=name)
    token = idp.list_groups(UserPoolId=pool_id, Limit=1)["NextToken"]
    other_pool = idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    with pytest.raises(ClientError) as excinfo:
        idp.list_groups(UserPoolId=other_pool, Limit=1, NextToken=token)
    assert error_code(excinfo) == "InvalidParameterException"
