import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code
from userpools.models import GroupMembership

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def team(idp, pool_id):
    for name in ("amy", "ben", "cat"):
        idp.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS", UserAttributes=[{"Name": "email", "Value": f"{name}@example.com"}])
    for group in ("admins", "staff", "readers"):
        idp.create_group(UserPoolId=pool_id, GroupName=group, Description=f"the {group}", Precedence=len(group))
    return pool_id


def groups_of(idp, pool_id, username) -> list[str]:
    return [g["GroupName"] for g in idp.admin_list_groups_for_user(UserPoolId=pool_id, Username=username)["Groups"]]


def test_add_is_idempotent_and_listed_both_ways(idp, team):
    idp.admin_add_user_to_group(UserPoolId=team, Username="amy", GroupName="admins")
    idp.admin_add_user_to_group(UserPoolId=team, Username="amy", GroupName="admins")
    idp.admin_add_user_to_group(UserPoolId=team, Username="amy", GroupName="staff")
    idp.admin_add_user_to_group(UserPoolId=team, Username="ben", GroupName="staff")
    assert GroupMembership.objects.filter(user__username="amy").count() == 2
    groups = idp.admin_list_groups_for_user(UserPoolId=team, Username="amy")["Groups"]
    assert [g["GroupName"] for g in groups] == ["admins", "staff"]
    assert groups[0]["UserPoolId"] == team and groups[0]["Description"] == "the admins" and groups[0]["Precedence"] == 6
    members = idp.list_users_in_group(UserPoolId=team, GroupName="staff")["Users"]
    assert [u["Username"] for u in members] == ["amy", "ben"]
    assert {a["Name"]: a["Value"] for a in members[1]["Attributes"]}["email"] == "ben@example.com"
    assert members[0]["UserStatus"] == "FORCE_CHANGE_PASSWORD" and members[0]["Enabled"] is True


def test_remove(idp, team):
    idp.admin_add_user_to_group(UserPoolId=team, Username="cat", GroupName="readers")
    idp.admin_remove_user_from_group(UserPoolId=team, Username="cat", GroupName="readers")
    assert groups_of(idp, team, "cat") == []
    idp.admin_remove_user_from_group(UserPoolId=team, Username="cat", GroupName="readers")  # not a member: no error
    assert idp.list_users_in_group(UserPoolId=team, GroupName="readers")["Users"] == []


def test_missing_group_user_and_pool(idp, team):
    calls = [
        (idp.admin_add_user_to_group, {"Username": "amy", "GroupName": "nope"}, "ResourceNotFoundException"),
        (idp.admin_add_user_to_group, {"Username": "ghost", "GroupName": "staff"}, "UserNotFoundException"),
        (idp.admin_remove_user_from_group, {"Username": "ghost", "GroupName": "staff"}, "UserNotFoundException"),
        (idp.admin_remove_user_from_group, {"Username": "amy", "GroupName": "nope"}, "ResourceNotFoundException"),
        (idp.admin_list_groups_for_user, {"Username": "ghost"}, "UserNotFoundException"),
        (idp.list_users_in_group, {"GroupName": "nope"}, "ResourceNotFoundException"),
    ]
    for call, kwargs, code in calls:
        with pytest.raises(ClientError) as excinfo:
            call(UserPoolId=team, **kwargs)
        assert error_code(excinfo) == code, (call, kwargs)
    with pytest.raises(ClientError) as excinfo:
        idp.list_users_in_group(UserPoolId="us-east-1_missing00", GroupName="staff")
    assert error_code(excinfo) == "ResourceNotFoundException"


def test_deleting_user_or_group_drops_memberships(idp, team):
    idp.admin_add_user_to_group(UserPoolId=team, Username="amy", GroupName="staff")
    idp.admin_add_user_to_group(UserPoolId=team, Username="ben", GroupName="staff")
    idp.admin_delete_user(UserPoolId=team, Username="amy")
    assert [u["Username"] for u in idp.list_users_in_group(UserPoolId=team, GroupName="staff")["Users"]] == ["ben"]
    idp.delete_group(UserPoolId=team, GroupName="staff")
    assert groups_of(idp, team, "ben") == []


def test_pagination(idp, team):
    for group in ("admins", "staff", "readers"):
        for name in ("amy", "ben", "cat"):
            idp.admin_add_user_to_group(UserPoolId=team, Username=name, GroupName=group)

    def walk(call, key, **kwargs):
        seen, token = [], None
        while True:
            response = call(UserPoolId=team, Limit=2, **({"NextToken": token} if token else {}), **kwargs)
            assert len(response[key]) <= 2
            seen += response[key]
            token = response.get("NextToken")
            if not token:
                return seen

    assert [g["GroupName"] for g in walk(idp.admin_list_groups_for_user, "Groups", Username="amy")] == ["admins", "staff", "readers"]
    assert [u["Username"] for u in walk(idp.list_users_in_group, "Users", GroupName="readers")] == ["amy", "ben", "cat"]
    token = idp.list_users_in_group(UserPoolId=team, GroupName="readers", Limit=1)["NextToken"]
    with pytest.raises(ClientError) as excinfo:  # a token from another list is refused
        idp.admin_list_groups_for_user(UserPoolId=team, Username="amy", NextToken=token)
    assert error_code(excinfo) == "InvalidParameterException"
