"""The Organizations operations this server answers: one line per AWS operation.

Registered from `OrganizationsConfig.ready()`.
"""
from __future__ import annotations

from django.conf import settings

from awsapi.registry import AwsService, Handler
from organizations import api, ids


def resource(operation: str, params: dict) -> str:
    """The IAM resource of a call: the policy it names (its ARN as AWS's authorization reference has it)."""
    policy_id = params.get("PolicyId", params.get("ResourceId"))
    if not isinstance(policy_id, str) or not policy_id.startswith("p-"):
        return "*"
    return ids.policy_arn(settings.ACCOUNT_ID, policy_id, aws_managed=policy_id == ids.FULL_AWS_ACCESS_ID)


ORGANIZATIONS = AwsService(
    model_name="organizations",
    iam_prefix="organizations",
    signing_name="organizations",
    event_source="organizations.amazonaws.com",
    target_prefix="AWSOrganizationsV20161128",
    resource=resource,
)

OPERATIONS: dict[str, Handler] = {
    "DescribeOrganization": api.describe_organization,
    "ListRoots": api.list_roots,
    "ListAccounts": api.list_accounts,
    "DescribeAccount": api.describe_account,
    "CreatePolicy": api.create_policy,
    "DescribePolicy": api.describe_policy,
    "UpdatePolicy": api.update_policy,
    "DeletePolicy": api.delete_policy,
    "ListPolicies": api.list_policies,
    "ListTagsForResource": api.list_tags_for_resource,
    "AttachPolicy": api.attach_policy,
    "DetachPolicy": api.detach_policy,
    "ListPoliciesForTarget": api.list_policies_for_target,
    "ListTargetsForPolicy": api.list_targets_for_policy,
}
