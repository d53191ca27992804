"""The hand-written reads (userpools.hot_reads) give what the ORM gives, on SQLite and PostgreSQL."""
import hashlib

import pytest

from userpools import hot_reads
from userpools.models import GroupMembership, RefreshToken, User
from userpools.services import attributes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def alice(idp, pool_id):
    idp.admin_create_user(UserPoolId=pool_id, Username="alice", MessageAction="SUPPRESS", UserAttributes=[
        {"Name": "email", "Value": "alice@example.com"}, {"Name": "given_name", "Value": "Ålice \"A\""},
        {"Name": "family_name", "Value": "O'Neil"},
    ])
    for name, precedence in (("admins", 1), ("readers", None)):
        idp.create_group(UserPoolId=pool_id, GroupName=name, RoleArn=f"arn:aws:iam::123456789012:role/{name}",
                         **({"Precedence": precedence} if precedence is not None else {}))
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username="alice", GroupName=name)
    return User.objects.get(pool_id=pool_id, username="alice")


def _orm_attributes(user: User) -> dict[str, str]:
    return {row.name: row.value for row in user.attributes.order_by("id")}


def test_a_user_by_name_or_sub_is_the_orm_row_with_its_attributes(alice, pool_id):
    for found in (hot_reads.user_by_name(pool_id, "alice", with_attributes=True), hot_reads.user_by_sub(pool_id, alice.sub, None)):
        assert [getattr(found, field.attname) for field in User._meta.concrete_fields] == \
               [getattr(alice, field.attname) for field in User._meta.concrete_fields]
        assert found.attribute_values() == _orm_attributes(alice)
        assert list(found.attribute_values())[:3] == ["email", "given_name", "family_name"]  # the order they were set in


def test_a_user_without_attributes_has_none(idp, pool_id):
    idp.admin_create_user(UserPoolId=pool_id, Username="bare", MessageAction="SUPPRESS")
    assert hot_reads.user_by_name(pool_id, "bare", with_attributes=True).attribute_values() == {}


def test_attributes_read_ahead_are_dropped_when_they_change(alice, pool_id):
    found = hot_reads.user_by_name(pool_id, "alice", with_attributes=True)
    attributes.write(found, {"given_name": "Al"})
    assert found.attribute_values()["given_name"] == "Al"
    stale = hot_reads.user_by_name(pool_id, "alice", with_attributes=True)
    User.objects.get(pk=alice.pk).attributes.filter(name="family_name").update(value="Smith")
    stale.refresh_from_db()
    assert stale.attribute_values()["family_name"] == "Smith"


def test_a_refresh_token_comes_with_its_user_attributes_and_groups(alice, pool_id, idp):
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c")["UserPoolClient"]["ClientId"]
    token = RefreshToken.objects.create(user=alice, client_id=client_id, token_hash=hashlib.sha256(b"t").hexdigest(),
                                        origin_jti="jti-1", auth_time=alice.created, expires_at=alice.created)
    found = hot_reads.refresh_token(token.token_hash)
    assert found.pk == token.pk and found.expires_at == token.expires_at and found.user.pk == alice.pk
    assert found.user.attribute_values() == _orm_attributes(alice)
    groups = sorted((group.name, group.role_arn, group.precedence) for group in hot_reads.groups_of(found.user))
    assert groups == sorted((m.group.name, m.group.role_arn, m.group.precedence) for m in GroupMembership.objects.filter(user=alice))
    assert groups[0] == ("admins", "arn:aws:iam::123456789012:role/admins", 1) and groups[1][2] is None
    assert hot_reads.refresh_token("0" * 64) is None
