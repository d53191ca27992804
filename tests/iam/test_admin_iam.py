"""The IAM admin pages: they load, validate policy JSON with the API's parser, make new policy
versions, and show an access key's secret exactly once."""
from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse

from iam.models import AccessKey, Group, InlinePolicy, ManagedPolicy, PolicyVersion, Principal, Role
from iam.services import policies

pytestmark = pytest.mark.django_db

GOOD = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]})
OTHER = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]})
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]})


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("admin", "admin@example.com", "pw"))
    return client


def _errors(response) -> str:
    context = response.context
    return (
        str(context["adminform"].form.errors)
        + str([f.formset.errors for f in context["inline_admin_formsets"]])
        + str([f.formset.non_form_errors() for f in context["inline_admin_formsets"]])
        if context
        else ""
    )


def test_pages_load(admin_client):
    user = Principal.objects.create(name="alice")
    group = Group.objects.create(name="g", group_id="AGPA" + "A" * 17)
    role = Role.objects.create(name="r", role_id="AROA" + "A" * 17, assume_role_policy=TRUST)
    policy = policies.create_policy("p", GOOD)
    InlinePolicy.objects.create(user=user, name="inline", document=GOOD)
    for obj in (user, group, role, policy):
        meta = obj._meta
        assert admin_client.get(reverse(f"admin:iam_{meta.model_name}_changelist")).status_code == 200
        assert admin_client.get(reverse(f"admin:iam_{meta.model_name}_change", args=[obj.pk])).status_code == 200
    assert admin_client.get(reverse("admin:iam_accesskey_add")).status_code == 200


def test_managed_policy_json_is_validated_and_edits_make_versions(admin_client):
    url = reverse("admin:iam_managedpolicy_add")
    form = {"name": "p", "path": "/", "description": "", "tags": "{}", "document": '{"Version": "2012-10-17"}',
            "versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0"}
    response = admin_client.post(url, form)
    assert response.status_code == 200 and not ManagedPolicy.objects.exists()
    assert "Syntax errors in policy." in response.content.decode() or "errorlist" in response.content.decode()
    response = admin_client.post(url, {**form, "document": GOOD})
    assert response.status_code == 302, _errors(response)
    policy = ManagedPolicy.objects.get(name="p")
    assert policy.default_version_id == "v1" and policy.default_document() == GOOD
    change = reverse("admin:iam_managedpolicy_change", args=[policy.pk])
    inline = {"versions-TOTAL_FORMS": "1", "versions-INITIAL_FORMS": "1", "versions-0-id": str(policy.versions.get().pk), "versions-0-policy": str(policy.pk)}
    response = admin_client.post(change, {**form, "document": OTHER, **inline})
    assert response.status_code == 302, response.content.decode()[:2000]
    policy.refresh_from_db()
    assert policy.default_version_id == "v2" and json.loads(policy.default_document()) == json.loads(OTHER)
    assert PolicyVersion.objects.filter(policy=policy).count() == 2


def test_role_trust_policy_is_validated(admin_client):
    url = reverse("admin:iam_role_add")
    form = {"name": "r", "path": "/", "description": "", "max_session_duration": "3600", "tags": "{}"}
    form["inline_policies-TOTAL_FORMS"] = "0"
    form["inline_policies-INITIAL_FORMS"] = "0"
    response = admin_client.post(url, {**form, "assume_role_policy": GOOD})  # an identity policy is no trust policy
    assert response.status_code == 200 and not Role.objects.exists()
    response = admin_client.post(url, {**form, "assume_role_policy": TRUST})
    assert response.status_code == 302, _errors(response)
    assert Role.objects.get(name="r").role_id.startswith("AROA")


def test_access_key_made_in_admin_shows_its_secret_once(admin_client):
    user = Principal.objects.create(name="keyed")
    response = admin_client.post(reverse("admin:iam_accesskey_add"), {"principal": str(user.pk)})
    assert response.status_code == 302
    key = AccessKey.objects.get(principal=user)
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(key.access_key_id in m and key.secret in m for m in shown)
    admin_client.get(response.url)  # the page after save shows the message, once
    page = admin_client.get(reverse("admin:iam_accesskey_change", args=[key.pk])).content.decode()
    assert key.secret not in page and key.secret_encrypted not in page
