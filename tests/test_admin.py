"""The Django admin pages for user pools load, and never show a client secret."""
from __future__ import annotations

import pytest
from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.urls import reverse

from userpools.models import Group, GroupMembership, ResourceServer, User, UserAttribute, UserPoolClient
from userpools.services import clients, pools

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    superuser = get_user_model().objects.create_superuser("admin", "admin@example.com", "admin-password")
    client.force_login(superuser)
    return client


@pytest.fixture
def objects():
    pool = pools.create_pool({"PoolName": "admin-pool", "UserPoolTags": {"team": "identity"}})
    app = clients.create_client(pool.id, {"ClientName": "web", "GenerateSecret": True})
    user = User.objects.create(pool=pool, username="Alice", username_key="Alice", status=User.CONFIRMED)
    UserAttribute.objects.create(user=user, pool=pool, name="email", value="alice@example.com")
    group = Group.objects.create(pool=pool, name="admins", precedence=1)
    GroupMembership.objects.create(group=group, user=user)
    server = ResourceServer.objects.create(pool=pool, identifier="https://api.example.com", name="api",
                                           scopes=[{"ScopeName": "read", "ScopeDescription": "Read"}])
    return {"pool": pool, "client": app, "user": user, "group": group, "server": server}


def _url(obj, page: str) -> str:
    meta = obj._meta
    if page == "changelist":
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[quote(obj.pk)])  # "_40" would read as "@"


@pytest.mark.parametrize("name", ["pool", "client", "user", "group", "server"])
def test_changelist_and_change_pages_load(admin_client, objects, name):
    obj = objects[name]
    secret = UserPoolClient.objects.get(pk=objects["client"].pk).secret
    assert secret
    for page in ("changelist", "change"):
        response = admin_client.get(_url(obj, page))
        assert response.status_code == 200, (name, page)
        content = response.content.decode()
        assert str(obj) in content or getattr(obj, "name", "") in content
        assert secret not in content
        assert objects["client"].secret_encrypted not in content


def test_pool_page_shows_configuration_read_only(admin_client, objects):
    content = admin_client.get(_url(objects["pool"], "change")).content.decode()
    assert "PasswordPolicy" in content and "identity" in content
    assert 'name="config"' not in content  # not an editable field


def test_client_pages_say_whether_there_is_a_secret(admin_client, objects):
    content = admin_client.get(_url(objects["client"], "change")).content.decode()
    assert "Has secret" in content and "icon-yes" in content


def test_user_page_shows_attributes_and_groups(admin_client, objects):
    content = admin_client.get(_url(objects["user"], "change")).content.decode()
    assert "alice@example.com" in content and "admins" in content


def test_user_search_by_username_prefix_and_sub(admin_client, objects):
    changelist = _url(objects["user"], "changelist")
    assert "Alice" in admin_client.get(changelist, {"q": "Ali"}).content.decode()
    assert "Alice" in admin_client.get(changelist, {"q": str(objects["user"].sub)}).content.decode()
    assert "Alice" not in admin_client.get(changelist, {"q": "Bob"}).content.decode()


def test_user_list_filters(admin_client, objects):
    changelist = _url(objects["user"], "changelist")
    assert "Alice" in admin_client.get(changelist, {"status__exact": "CONFIRMED"}).content.decode()
    assert "Alice" not in admin_client.get(changelist, {"status__exact": "UNCONFIRMED"}).content.decode()


def test_objects_are_not_added_through_the_admin(admin_client, objects):
    for obj in objects.values():
        meta = obj._meta
        assert admin_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add")).status_code == 403
