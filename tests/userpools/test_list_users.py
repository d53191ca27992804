import pytest
from botocore.exceptions import ClientError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import error_code
from userpools.models import User
from userpools.services import listing

pytestmark = pytest.mark.django_db(transaction=True)


def add(idp, pool_id, username, **attributes):
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": name, "Value": value} for name, value in attributes.items()],
    )


@pytest.fixture
def people(idp, pool_id):
    add(idp, pool_id, "ann", email="ann@example.com", given_name="Ann", family_name="O\"Neil")
    add(idp, pool_id, "anna", email="anna@example.org", given_name="Anna")
    add(idp, pool_id, "Andy", email="andy@example.com", given_name="andy")
    add(idp, pool_id, "bob", email="bob@example.com", given_name="Bob", phone_number="+15555550101")
    idp.admin_disable_user(UserPoolId=pool_id, Username="bob")
    idp.admin_set_user_password(UserPoolId=pool_id, Username="anna", Password="Perm#Pass1", Permanent=True)
    return pool_id


def names(idp, pool_id, expression="", **kwargs) -> list[str]:
    return [user["Username"] for user in idp.list_users(UserPoolId=pool_id, Filter=expression, **kwargs)["Users"]]


def test_empty_filter_lists_everyone_in_creation_order(idp, people):
    assert names(idp, people) == ["ann", "anna", "Andy", "bob"]
    user = idp.list_users(UserPoolId=people)["Users"][0]
    assert set(user) == {"Username", "Attributes", "UserCreateDate", "UserLastModifiedDate", "Enabled", "UserStatus"}
    assert {a["Name"] for a in user["Attributes"]} == {"sub", "email", "given_name", "family_name"}


def test_exact_and_prefix_attribute_filters(idp, people):
    assert names(idp, people, 'email = "ann@example.com"') == ["ann"]
    assert names(idp, people, 'email ^= "ann"') == ["ann", "anna"]
    assert names(idp, people, 'given_name ^= "An"') == ["ann", "anna"]  # case-sensitive: not "andy"
    assert names(idp, people, 'given_name = "ann"') == []
    assert names(idp, people, 'family_name = "O\\"Neil"') == ["ann"]
    assert names(idp, people, 'phone_number ^= "+1555"') == ["bob"]
    assert names(idp, people, 'email ^= ""') == ["Andy", "ann", "anna", "bob"]  # in value order


def test_username_status_and_sub_filters(idp, people):
    assert names(idp, people, 'username = "ann"') == ["ann"]
    assert names(idp, people, 'username ^= "an"') == ["ann", "anna"]
    assert names(idp, people, 'username ^= "An"') == ["Andy"]
    assert names(idp, people, 'status = "Disabled"') == ["bob"]
    assert names(idp, people, 'status = "Enabled"') == ["ann", "anna", "Andy"]
    assert names(idp, people, 'cognito:user_status = "confirmed"') == ["anna"]
    assert names(idp, people, 'cognito:user_status ^= "FORCE"') == ["ann", "Andy", "bob"]
    sub = User.objects.get(pool_id=people, username="Andy").sub
    assert names(idp, people, f'sub = "{sub}"') == ["Andy"]
    assert names(idp, people, f'sub ^= "{str(sub)[:8]}"') == ["Andy"]
    assert names(idp, people, 'sub = "not-a-uuid"') == []


def test_case_insensitive_pool_matches_username_in_any_case(idp):
    pool_id = idp.create_user_pool(PoolName="ci", UsernameConfiguration={"CaseSensitive": False})["UserPool"]["Id"]
    add(idp, pool_id, "Zed")
    assert names(idp, pool_id, 'username = "zED"') == ["Zed"]


def test_bad_filters(idp, people):
    cases = {
        'custom:tenant = "x"': "Invalid search attribute: custom:tenant",
        'nickname = "x"': "Invalid search attribute: nickname",
        "email = ann@example.com": "Error while parsing filter.",
        'email ~= "x"': "Error while parsing filter.",
    }
    for expression, message in cases.items():
        with pytest.raises(ClientError) as excinfo:
            idp.list_users(UserPoolId=people, Filter=expression)
        assert error_code(excinfo) == "InvalidParameterException"
        assert excinfo.value.response["Error"]["Message"] == message


def test_attributes_to_get(idp, people):
    users = idp.list_users(UserPoolId=people, Filter='username = "ann"', AttributesToGet=["email"])["Users"]
    assert users[0]["Attributes"] == [{"Name": "email", "Value": "ann@example.com"}]
    with pytest.raises(ClientError) as excinfo:
        idp.list_users(UserPoolId=people, AttributesToGet=["custom:nothing"])
    assert error_code(excinfo) == "InvalidParameterException"


@pytest.mark.parametrize("expression", ["", 'email ^= ""', 'username ^= ""', 'status = "Enabled"'])
def test_pagination_walks_every_user_once(idp, pool_id, expression):
    for i in range(7):
        add(idp, pool_id, f"user{i}", email=f"user{i}@example.com")
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"PaginationToken": token} if token else {}
        response = idp.list_users(UserPoolId=pool_id, Filter=expression, Limit=3, **kwargs)
        assert len(response["Users"]) <= 3
        seen += [user["Username"] for user in response["Users"]]
        pages += 1
        token = response.get("PaginationToken")
        if not token:
            break
    assert sorted(seen) == [f"user{i}" for i in range(7)] and len(seen) == 7
    assert pages == 3


def test_pagination_token_is_bound_to_its_filter(idp, pool_id):
    for i in range(3):
        add(idp, pool_id, f"p{i}", email=f"p{i}@example.com")
    token = idp.list_users(UserPoolId=pool_id, Limit=1)["PaginationToken"]
    with pytest.raises(ClientError) as excinfo:
        idp.list_users(UserPoolId=pool_id, Limit=1, Filter='email ^= "p"', PaginationToken=token)
    assert error_code(excinfo) == "InvalidParameterException"
    with pytest.raises(ClientError) as excinfo:
        idp.list_users(UserPoolId=pool_id, PaginationToken="forged")
    assert error_code(excinfo) == "InvalidParameterException"


def test_unknown_pool(idp):
    with pytest.raises(ClientError) as excinfo:
        idp.list_users(UserPoolId="us-east-1_missing00")
    assert error_code(excinfo) == "ResourceNotFoundException"


def test_a_page_costs_a_fixed_number_of_queries(idp, pool_id):
    for i in range(12):
        add(idp, pool_id, f"q{i}", email=f"q{i}@example.com", given_name="Q")
    for expression in ("", 'email ^= "q"', 'username ^= "q"'):
        with CaptureQueriesContext(connection) as queries:
            found, _ = listing.list_users(pool_id, expression, 10, None, None)
            assert len(found) == 10
            assert all(user.attribute_values() for user in found)  # read with the page, no query per user
        assert len(queries) <= 4, [q["sql"] for q in queries]


def test_an_unfiltered_page_shows_each_user_as_a_filtered_listing_and_admin_get_user_do(idp, people):
    """The unfiltered page is made from its rows without model instances (hot_reads.ListedUser);
    what it shows of each user must be what the ORM-backed paths show."""
    unfiltered = idp.list_users(UserPoolId=people)["Users"]
    for user in unfiltered:
        filtered = idp.list_users(UserPoolId=people, Filter=f'username = "{user["Username"]}"')["Users"]
        assert filtered == [user]
        described = idp.admin_get_user(UserPoolId=people, Username=user["Username"])
        assert user["Attributes"] == described["UserAttributes"]
        assert (user["UserCreateDate"], user["UserLastModifiedDate"], user["Enabled"], user["UserStatus"]) == (
            described["UserCreateDate"], described["UserLastModifiedDate"], described["Enabled"], described["UserStatus"])
    assert [user["Enabled"] for user in unfiltered] == [True, True, True, False]
    assert [user["UserStatus"] for user in unfiltered] == ["FORCE_CHANGE_PASSWORD", "CONFIRMED", "FORCE_CHANGE_PASSWORD", "FORCE_CHANGE_PASSWORD"]
