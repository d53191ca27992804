"""AWS Organizations' SCP operations, driven by boto3's organizations client against the live server."""
from __future__ import annotations

import json

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from django.conf import settings

from awsapi import audit
from iam.models import Principal
from iam.services import create_access_key
from organizations import ids
from tests.conftest import REGION, error_code, make_client

pytestmark = pytest.mark.django_db(transaction=True)
SCP = "SERVICE_CONTROL_POLICY"
DENY_KMS = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "kms:*", "Resource": "*"}]})
ALLOW_IDP = json.dumps({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["cognito-idp:*"], "Resource": "*"}})


@pytest.fixture
def orgs(live_server):
    client = make_client(live_server.url, "organizations")
    yield client
    client.close()  # a kept-alive connection outliving the test trips the live server's shared SQLite connection


@pytest.fixture
def root_id(orgs):
    return orgs.list_roots()["Roots"][0]["Id"]


def create(orgs, name="DenyKms", content=DENY_KMS, **extra) -> dict:
    return orgs.create_policy(Name=name, Description="test", Content=content, Type=SCP, **extra)["Policy"]


def code_of(call, **params) -> str:
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    return error_code(excinfo)


def test_one_organization_with_its_root_and_this_account(orgs):
    organization = orgs.describe_organization()["Organization"]
    assert organization["FeatureSet"] == "ALL" and organization["Id"].startswith("o-") and len(organization["Id"]) == 12
    assert organization["Arn"] == f"arn:aws:organizations::{settings.ACCOUNT_ID}:organization/{organization['Id']}"
    (root,) = orgs.list_roots()["Roots"]
    assert root["Id"].startswith("r-") and root["PolicyTypes"] == [{"Type": SCP, "Status": "ENABLED"}]
    assert root["Arn"].endswith(f":root/{organization['Id']}/{root['Id']}")
    (account,) = orgs.list_accounts()["Accounts"]
    assert account["Id"] == settings.ACCOUNT_ID and account["Status"] == "ACTIVE"
    assert orgs.describe_account(AccountId=settings.ACCOUNT_ID)["Account"]["Arn"] == account["Arn"]
    assert code_of(orgs.describe_account, AccountId="123456789012") == "AccountNotFoundException"


def test_full_aws_access_is_there_and_attached_to_root_and_account(orgs, root_id):
    (policy,) = orgs.list_policies(Filter=SCP)["Policies"]
    assert policy["Id"] == "p-FullAWSAccess" and policy["AwsManaged"] is True and policy["Name"] == "FullAWSAccess"
    assert policy["Arn"] == "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess"
    content = json.loads(orgs.describe_policy(PolicyId="p-FullAWSAccess")["Policy"]["Content"])
    assert content["Statement"] == [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
    targets = orgs.list_targets_for_policy(PolicyId="p-FullAWSAccess")["Targets"]
    assert {(t["TargetId"], t["Type"]) for t in targets} == {(root_id, "ROOT"), (settings.ACCOUNT_ID, "ACCOUNT")}
    for target in (root_id, settings.ACCOUNT_ID):
        assert [p["Id"] for p in orgs.list_policies_for_target(TargetId=target, Filter=SCP)["Policies"]] == ["p-FullAWSAccess"]


def test_create_describe_update_delete(orgs):
    policy = create(orgs, Tags=[{"Key": "team", "Value": "security"}])
    summary = policy["PolicySummary"]
    organization_id = orgs.describe_organization()["Organization"]["Id"]
    assert summary["Id"].startswith("p-") and len(summary["Id"]) == 12 and summary["Id"][2:].islower()
    assert summary["Arn"] == f"arn:aws:organizations::{settings.ACCOUNT_ID}:policy/{organization_id}/service_control_policy/{summary['Id']}"
    assert summary["Type"] == SCP and summary["AwsManaged"] is False and policy["Content"] == DENY_KMS
    assert orgs.describe_policy(PolicyId=summary["Id"])["Policy"] == policy
    updated = orgs.update_policy(PolicyId=summary["Id"], Name="Renamed", Description="new", Content=ALLOW_IDP)["Policy"]
    assert updated["PolicySummary"]["Name"] == "Renamed" and updated["PolicySummary"]["Description"] == "new"
    assert updated["Content"] == ALLOW_IDP
    assert orgs.list_tags_for_resource(ResourceId=summary["Id"])["Tags"] == [{"Key": "team", "Value": "security"}]
    assert orgs.list_tags_for_resource(ResourceId=settings.ACCOUNT_ID)["Tags"] == []
    orgs.delete_policy(PolicyId=summary["Id"])
    assert code_of(orgs.describe_policy, PolicyId=summary["Id"]) == "PolicyNotFoundException"
    assert code_of(orgs.list_tags_for_resource, ResourceId=summary["Id"]) == "TargetNotFoundException"


def test_create_refusals(orgs):
    create(orgs, name="Taken")
    cases = [
        ({"Name": "Taken"}, "DuplicatePolicyException"),
        ({"Type": "TAG_POLICY"}, "PolicyTypeNotAvailableForOrganizationException"),
        ({"Content": "not json"}, "MalformedPolicyDocumentException"),
        (
            {"Content": json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Principal": "*"}]})},
            "MalformedPolicyDocumentException",
        ),
        ({"Content": json.dumps({"Version": "2008-10-17", "Statement": [{"Effect": "Deny", "Action": "*"}]})}, "MalformedPolicyDocumentException"),
        ({"Content": json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Maybe", "Action": "*"}]})}, "MalformedPolicyDocumentException"),
        (
            {"Content": json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "NotAction": "s3:*"}]})},
            "MalformedPolicyDocumentException",
        ),
        (
            {"Content": json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "kms", "Resource": "*"}]})},
            "MalformedPolicyDocumentException",
        ),
        (
            {"Content": json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "bucket"}]})},
            "MalformedPolicyDocumentException",
        ),
        (
            {"Content": json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Condition": {"Nope": {"a": "b"}}}]})},
            "MalformedPolicyDocumentException",
        ),
        ({"Content": json.dumps({"Statement": [{"Effect": "Deny", "Action": "*"}]})}, "MalformedPolicyDocumentException"),
        # Every character counts for an SCP, white space included.
        ({"Content": DENY_KMS[:-1] + " " * 5200 + "}"}, "ConstraintViolationException"),
        ({"Tags": [{"Key": f"k{index}", "Value": "v"} for index in range(51)]}, "ConstraintViolationException"),
        ({"Tags": [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]}, "InvalidInputException"),
    ]
    for override, expected in cases:
        params = {"Name": "Fresh", "Description": "d", "Content": DENY_KMS, "Type": SCP, **override}
        assert code_of(orgs.create_policy, **params) == expected, override
    assert code_of(orgs.update_policy, PolicyId=create(orgs, name="Other")["PolicySummary"]["Id"], Name="Taken") == "DuplicatePolicyException"
    assert code_of(orgs.update_policy, PolicyId="p-abcdefghij", Name="x") == "PolicyNotFoundException"


def test_aws_examples_are_accepted(orgs):
    # The CreatePolicy example of AWS's API reference leaves Resource out; Condition and NotAction are fine too.
    create(orgs, name="AllowAllS3Actions", content='{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*"}}')
    region_guard = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "DenyOutsideUsEast1", "Effect": "Deny", "NotAction": ["iam:*", "organizations:*"], "Resource": "*",
                       "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1"]}}}],
    }
    create(orgs, name="RegionGuard", content=json.dumps(region_guard, indent=4))


def test_full_aws_access_is_immutable(orgs):
    assert code_of(orgs.update_policy, PolicyId="p-FullAWSAccess", Name="Mine") == "InvalidInputException"
    assert code_of(orgs.delete_policy, PolicyId="p-FullAWSAccess") == "InvalidInputException"


def test_attach_detach_and_their_refusals(orgs, root_id):
    policy_id = create(orgs)["PolicySummary"]["Id"]
    account = settings.ACCOUNT_ID
    orgs.attach_policy(PolicyId=policy_id, TargetId=account)
    orgs.attach_policy(PolicyId=policy_id, TargetId=root_id)
    assert {t["TargetId"] for t in orgs.list_targets_for_policy(PolicyId=policy_id)["Targets"]} == {account, root_id}
    assert code_of(orgs.attach_policy, PolicyId=policy_id, TargetId=account) == "DuplicatePolicyAttachmentException"
    assert code_of(orgs.delete_policy, PolicyId=policy_id) == "PolicyInUseException"
    assert code_of(orgs.attach_policy, PolicyId=policy_id, TargetId="123456789012") == "TargetNotFoundException"
    assert code_of(orgs.attach_policy, PolicyId=policy_id, TargetId="r-zzzz") == "TargetNotFoundException"
    assert code_of(orgs.attach_policy, PolicyId="p-abcdefghij", TargetId=account) == "PolicyNotFoundException"
    assert code_of(orgs.list_policies_for_target, TargetId="r-zzzz", Filter=SCP) == "TargetNotFoundException"
    assert code_of(orgs.list_targets_for_policy, PolicyId="p-abcdefghij") == "PolicyNotFoundException"
    for target in (account, root_id):
        orgs.detach_policy(PolicyId=policy_id, TargetId=target)
    assert code_of(orgs.detach_policy, PolicyId=policy_id, TargetId=account) == "PolicyNotAttachedException"
    assert code_of(orgs.detach_policy, PolicyId="p-abcdefghij", TargetId=account) == "PolicyNotFoundException"
    assert code_of(orgs.detach_policy, PolicyId=policy_id, TargetId="111111111111") == "TargetNotFoundException"
    assert orgs.list_targets_for_policy(PolicyId=policy_id)["Targets"] == []
    orgs.delete_policy(PolicyId=policy_id)


def test_every_target_keeps_one_scp_and_at_most_five(orgs):
    account = settings.ACCOUNT_ID
    # The last SCP cannot be detached: AWS asks for the replacement to be attached first.
    assert code_of(orgs.detach_policy, PolicyId="p-FullAWSAccess", TargetId=account) == "ConstraintViolationException"
    replacement = create(orgs, name="AllowIdp", content=ALLOW_IDP)["PolicySummary"]["Id"]
    orgs.attach_policy(PolicyId=replacement, TargetId=account)
    orgs.detach_policy(PolicyId="p-FullAWSAccess", TargetId=account)
    assert [p["Id"] for p in orgs.list_policies_for_target(TargetId=account, Filter=SCP)["Policies"]] == [replacement]
    for index in range(4):
        orgs.attach_policy(PolicyId=create(orgs, name=f"Extra{index}")["PolicySummary"]["Id"], TargetId=account)
    sixth = create(orgs, name="Sixth")["PolicySummary"]["Id"]
    assert code_of(orgs.attach_policy, PolicyId=sixth, TargetId=account) == "ConstraintViolationException"


def test_lists_page_with_next_token(orgs):
    made = {create(orgs, name=f"Policy{index}")["PolicySummary"]["Id"] for index in range(5)}
    seen, token = [], None
    while True:
        page = orgs.list_policies(Filter=SCP, MaxResults=2, **({"NextToken": token} if token else {}))
        assert len(page["Policies"]) <= 2
        seen += [p["Id"] for p in page["Policies"]]
        token = page.get("NextToken")
        if not token:
            break
    assert seen[0] == "p-FullAWSAccess" and set(seen[1:]) == made and len(seen) == 6
    assert code_of(orgs.list_policies, Filter=SCP, NextToken="forged") == "InvalidInputException"
    assert orgs.list_policies(Filter="TAG_POLICY")["Policies"] == []
    paginator = orgs.get_paginator("list_policies_for_target")
    pages = list(paginator.paginate(TargetId=settings.ACCOUNT_ID, Filter=SCP, PaginationConfig={"PageSize": 1}))
    assert [p["Id"] for page in pages for p in page["Policies"]] == ["p-FullAWSAccess"]


def test_ids_are_stable_for_the_account():
    assert ids.organization_id("000000000000") == ids.organization_id("000000000000") != ids.organization_id("111111111111")
    assert len(ids.root_id("000000000000")) == 6


def test_calls_are_recorded_and_need_a_signature_and_a_permission(live_server, orgs):
    seen: list[audit.CallRecord] = []
    audit.add_receiver(seen.append)
    try:
        policy_id = create(orgs)["PolicySummary"]["Id"]
        assert code_of(orgs.attach_policy, PolicyId=policy_id, TargetId="123456789012") == "TargetNotFoundException"
    finally:
        audit.remove_receiver(seen.append)
    assert [(r.event_source, r.event_name, r.error_code) for r in seen] == [
        ("organizations.amazonaws.com", "CreatePolicy", None),
        ("organizations.amazonaws.com", "AttachPolicy", "TargetNotFoundException"),
    ]
    unsigned = boto3.client("organizations", endpoint_url=live_server.url, region_name=REGION,
                            config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}))
    assert code_of(unsigned.list_policies, Filter=SCP) == "MissingAuthenticationTokenException"
    key = create_access_key(Principal.objects.create(name="intern"))
    intern = make_client(live_server.url, "organizations", key_id=key.access_key_id, secret=key.secret_access_key)
    assert code_of(intern.detach_policy, PolicyId="p-FullAWSAccess", TargetId=settings.ACCOUNT_ID) == "AccessDeniedException"
    for client in (unsigned, intern):  # no kept-alive connection may outlive the live server
        client.close()
