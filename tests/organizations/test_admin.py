"""The SCP admin pages load and offer no way to change a guardrail behind the services' back."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from organizations import services

pytestmark = pytest.mark.django_db(transaction=True)


def test_policies_are_listed_and_read_only(client):
    client.force_login(get_user_model().objects.create_superuser("admin", "admin@example.com", "admin-password"))
    full = services.ensure_defaults()
    listing = client.get("/admin/organizations/policy/")
    assert listing.status_code == 200 and b"FullAWSAccess" in listing.content
    page = client.get(f"/admin/organizations/policy/{full.pk}/change/")
    assert page.status_code == 200 and b"ACCOUNT" in page.content and b'name="_save"' not in page.content
    assert client.get("/admin/organizations/policy/add/").status_code == 403
