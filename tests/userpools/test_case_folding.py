"""Case-insensitive pools (UsernameConfiguration.CaseSensitive false) find users by email username
and by alias whatever the case, and count two spellings of one address as one; case-sensitive
pools keep them apart."""
import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code
from tests.userpools.signin_support import PASSWORD, _fresh_throttle_counters, claims, make_client, sign_in  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def pool(idp, case_sensitive: bool, **params) -> tuple[str, str]:
    pool_id = idp.create_user_pool(PoolName="folding", UsernameConfiguration={"CaseSensitive": case_sensitive}, **params)["UserPool"]["Id"]
    return pool_id, make_client(idp, pool_id)["ClientId"]


def create(idp, pool_id: str, username: str, **attributes) -> None:
    idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()])
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)


def test_email_username_signs_in_and_collides_in_any_case(idp, unsigned_idp):
    pool_id, client_id = pool(idp, False, UsernameAttributes=["email"])
    create(idp, pool_id, "Alice@Example.com")
    result = sign_in(unsigned_idp, client_id, "alice@example.COM")["AuthenticationResult"]
    assert claims(result["IdToken"])["email"] == "Alice@Example.com"
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.sign_up(ClientId=client_id, Username="ALICE@example.com", Password=PASSWORD)
    assert error_code(excinfo) == "UsernameExistsException"


def test_verified_alias_signs_in_in_any_case(idp, unsigned_idp):
    pool_id, client_id = pool(idp, False, AliasAttributes=["email", "preferred_username"])
    create(idp, pool_id, "bob", email="Bob@Example.com", email_verified="true", preferred_username="Bobby")
    for alias in ("bob@example.com", "BOBBY", "bobby"):
        assert "AuthenticationResult" in sign_in(unsigned_idp, client_id, alias), alias
    with pytest.raises(ClientError) as excinfo:
        create(idp, pool_id, "rob", email="BOB@example.com", email_verified="true")
    assert error_code(excinfo) == "AliasExistsException"


def test_case_sensitive_pools_keep_spellings_apart(idp, unsigned_idp):
    pool_id, client_id = pool(idp, True, UsernameAttributes=["email"])
    create(idp, pool_id, "Carol@Example.com")
    with pytest.raises(ClientError) as excinfo:
        sign_in(unsigned_idp, client_id, "carol@example.com")
    assert error_code(excinfo) == "UserNotFoundException"
    create(idp, pool_id, "carol@example.com")
    assert "AuthenticationResult" in sign_in(unsigned_idp, client_id, "carol@example.com")


def test_changing_an_email_username_to_a_taken_one_is_an_alias_error(idp, unsigned_idp):
    pool_id, client_id = pool(idp, False, UsernameAttributes=["email"])
    create(idp, pool_id, "dee@example.com")
    create(idp, pool_id, "eve@example.com")
    with pytest.raises(ClientError) as excinfo:
        idp.admin_update_user_attributes(UserPoolId=pool_id, Username="eve@example.com",
                                         UserAttributes=[{"Name": "email", "Value": "DEE@example.com"}])
    assert error_code(excinfo) == "AliasExistsException"
    token = sign_in(unsigned_idp, client_id, "eve@example.com")["AuthenticationResult"]["AccessToken"]
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.update_user_attributes(AccessToken=token, UserAttributes=[{"Name": "email", "Value": "dee@example.com"}])
    assert error_code(excinfo) == "AliasExistsException"
