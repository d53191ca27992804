"""The Django admin pages of identity pools, identities and their logins load."""
from __future__ import annotations

import pytest
from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.urls import reverse

from identitypools.models import Identity, IdentityPool, Login

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("admin", "admin@example.com", "admin-password"))
    return client


def _url(obj, page: str) -> str:
    meta = obj._meta
    if page == "changelist":
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[quote(obj.pk)])


def test_pages_load_and_show_roles_mappings_and_logins(admin_client):
    pool = IdentityPool.objects.create(
        pool_id="us-east-1:11111111-2222-3333-4444-555555555555", name="admin-pool", allow_unauthenticated=True,
        roles={"authenticated": "arn:aws:iam::000000000000:role/auth"},
        role_mappings={"issuer.example.com": {"Type": "Token", "AmbiguousRoleResolution": "Deny"}},
    )
    identity = Identity.objects.create(identity_id="us-east-1:66666666-7777-8888-9999-000000000000", pool=pool)
    login = Login.objects.create(pool=pool, identity=identity, provider="issuer.example.com", subject="user-1")
    for obj in (pool, identity, login):
        for page in ("changelist", "change"):
            response = admin_client.get(_url(obj, page))
            assert response.status_code == 200, (obj, page)
    page = admin_client.get(_url(pool, "change")).content.decode()
    assert "role/auth" in page and "AmbiguousRoleResolution" in page
    assert "user-1" in admin_client.get(_url(identity, "change")).content.decode()
