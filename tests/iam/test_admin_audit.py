"""IAM changes made in the Django admin are in the audit trail: under the IAM operation each
stands for, by the admin account, in the change's own transaction. The admin is driven through
Django's test client; the trail is read back with boto3's CloudTrail client against the live server."""
from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from audit.models import Event
from awsapi import audit
from iam.models import AccessKey, ManagedPolicy, Principal, Role
from tests.conftest import make_client

pytestmark = pytest.mark.django_db(transaction=True)

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]})
GOOD = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]})
OTHER = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]})
ROLE_FORM = {"name": "deployer", "path": "/", "description": "", "max_session_duration": "3600", "tags": "{}",
             "assume_role_policy": TRUST, "inline_policies-TOTAL_FORMS": "0", "inline_policies-INITIAL_FORMS": "0"}


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("ops-iam", "ops@example.com", "admin-password"))
    return client


def admin_events(name: str) -> list[Event]:
    return list(Event.objects.filter(event_name=name, identity_type="AdminSiteAccount", username="ops-iam"))


def test_a_role_added_changed_and_deleted_in_admin_is_in_the_trail(admin_client, live_server):
    assert admin_client.post(reverse("admin:iam_role_add"), ROLE_FORM).status_code == 302
    role = Role.objects.get(name="deployer")
    change = reverse("admin:iam_role_change", args=[role.pk])
    # As a browser posts it: tags (a callable default) come with their hidden initial value.
    assert admin_client.post(change, {**ROLE_FORM, "initial-tags": "{}", "description": "CI deploys"}).status_code == 302
    assert admin_client.post(reverse("admin:iam_role_delete", args=[role.pk]), {"post": "yes"}).status_code == 302
    assert not Role.objects.exists()

    created, = admin_events("CreateRole")
    assert created.event_source == "iam.amazonaws.com" and created.request_parameters == {"RoleName": "deployer", "Path": "/"}
    assert created.resources == [{"ResourceType": "AWS::IAM::Role", "ResourceName": "deployer"}]
    updated, = admin_events("UpdateRole")
    assert updated.additional_event_data == {"changes": [{"changed": {"fields": ["Description"]}}]}
    assert len(admin_events("DeleteRole")) == 1
    # An auditor finds them with CloudTrail's LookupEvents, by the admin account's name.
    trail = make_client(live_server.url, "cloudtrail")
    found = trail.lookup_events(LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": "ops-iam"}])["Events"]
    assert [event["EventName"] for event in found] == ["DeleteRole", "UpdateRole", "CreateRole"]
    record = json.loads(found[2]["CloudTrailEvent"])
    assert record["userIdentity"] == {"type": "AdminSiteAccount", "principalId": "ops-iam", "accountId": "000000000000", "userName": "ops-iam"}


def test_access_keys_made_and_deleted_in_admin_are_in_the_trail_without_their_secret(admin_client):
    user = Principal.objects.create(name="ci")
    assert admin_client.post(reverse("admin:iam_accesskey_add"), {"principal": str(user.pk)}).status_code == 302
    changelist = reverse("admin:iam_principal_changelist")
    assert admin_client.post(changelist, {"action": "create_access_key", "_selected_action": [str(user.pk)]}).status_code == 302
    keys = list(AccessKey.objects.filter(principal=user).order_by("created"))
    made = admin_events("CreateAccessKey")
    assert sorted(event.request_parameters["AccessKeyId"] for event in made) == sorted(key.access_key_id for key in keys)
    assert all(event.request_parameters["UserName"] == "ci" for event in made)
    stored = json.dumps([event.request_parameters for event in made]) + json.dumps([event.additional_event_data for event in made])
    assert not any(key.secret in stored for key in keys)
    # A bulk delete (the changelist's action) records each key, in the deletion's transaction.
    bulk = {"action": "delete_selected", "_selected_action": [str(key.pk) for key in keys], "post": "yes"}
    assert admin_client.post(reverse("admin:iam_accesskey_changelist"), bulk).status_code == 302
    assert not AccessKey.objects.exists()
    assert sorted(event.request_parameters["AccessKeyId"] for event in admin_events("DeleteAccessKey")) == sorted(key.access_key_id for key in keys)


def test_a_managed_policy_made_and_edited_in_admin_is_in_the_trail(admin_client):
    form = {"name": "deploy", "path": "/", "description": "", "tags": "{}", "document": GOOD,
            "versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0"}
    assert admin_client.post(reverse("admin:iam_managedpolicy_add"), form).status_code == 302
    policy = ManagedPolicy.objects.get(name="deploy")
    version = {"versions-TOTAL_FORMS": "1", "versions-INITIAL_FORMS": "1", "versions-0-id": str(policy.versions.get().pk),
               "versions-0-policy": str(policy.pk)}
    edited = {**form, "initial-tags": "{}", "document": OTHER, **version}
    assert admin_client.post(reverse("admin:iam_managedpolicy_change", args=[policy.pk]), edited).status_code == 302
    arn = f"arn:aws:iam::000000000000:policy/{policy.name}"
    created, = admin_events("CreatePolicy")
    assert created.request_parameters == {"PolicyArn": arn} and created.resource_type == "AWS::IAM::Policy"
    updated, = admin_events("UpdatePolicy")
    assert updated.request_parameters == {"PolicyArn": arn}
    assert updated.additional_event_data == {"changes": [{"changed": {"fields": ["document"]}}]}


def test_a_change_whose_record_cannot_be_written_is_not_made(admin_client):
    def refuse(record: audit.CallRecord) -> None:
        raise RuntimeError("the trail is unavailable")

    audit.add_receiver(refuse, required=True)
    try:
        with pytest.raises(RuntimeError):
            admin_client.post(reverse("admin:iam_role_add"), ROLE_FORM)
    finally:
        audit.remove_receiver(refuse)
    assert not Role.objects.exists() and not admin_events("CreateRole")
