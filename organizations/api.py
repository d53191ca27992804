"""The Organizations operations (JSON 1.1, target prefix AWSOrganizationsV20161128): request members
in, one service call, response members out."""
from __future__ import annotations

from django.conf import settings

from awsapi.registry import CallContext
from organizations import ids, services
from organizations.errors import AccountNotFoundException
from organizations.models import Attachment, Policy

_DEFAULT_PAGE = 20  # AWS's MaxResults upper bound for these lists
_ENABLED_SCPS = [{"Type": ids.SCP, "Status": "ENABLED"}]


def _account() -> str:
    return settings.ACCOUNT_ID


def _summary(policy: Policy) -> dict:
    return {
        "Id": policy.policy_id,
        "Arn": ids.policy_arn(_account(), policy.policy_id, policy.aws_managed),
        "Name": policy.name,
        "Description": policy.description,
        "Type": ids.SCP,
        "AwsManaged": policy.aws_managed,
    }


def _policy(policy: Policy) -> dict:
    return {"Policy": {"PolicySummary": _summary(policy), "Content": policy.content}}


def _page(key: str, items: list, next_token: str | None) -> dict:
    return {key: items, **({"NextToken": next_token} if next_token else {})}


# The organization, its root and this account (one of each).

def describe_organization(params: dict, context: CallContext) -> dict:
    # The management account is the operator's, outside this service: it is not named here.
    return {
        "Organization": {
            "Id": ids.organization_id(_account()),
            "Arn": ids.organization_arn(_account()),
            "FeatureSet": "ALL",
            "AvailablePolicyTypes": _ENABLED_SCPS,
        }
    }


def list_roots(params: dict, context: CallContext) -> dict:
    root = {"Id": ids.root_id(_account()), "Arn": ids.root_arn(_account()), "Name": "Root", "PolicyTypes": _ENABLED_SCPS}
    return {"Roots": [root]}


def _account_record() -> dict:
    return {
        "Id": _account(),
        "Arn": ids.account_arn(_account()),
        "Name": f"Account {_account()}",
        "Status": "ACTIVE",
        "State": "ACTIVE",
        "JoinedMethod": "CREATED",
    }


def list_accounts(params: dict, context: CallContext) -> dict:
    return {"Accounts": [_account_record()]}


def describe_account(params: dict, context: CallContext) -> dict:
    if params["AccountId"] != _account():
        raise AccountNotFoundException()
    return {"Account": _account_record()}


# Policies.

def create_policy(params: dict, context: CallContext) -> dict:
    policy = services.create_policy(
        name=params["Name"],
        description=params["Description"],
        content=params["Content"],
        policy_type=params["Type"],
        tags=params.get("Tags"),
    )
    return _policy(policy)


def describe_policy(params: dict, context: CallContext) -> dict:
    return _policy(services.get_policy(params["PolicyId"]))


def update_policy(params: dict, context: CallContext) -> dict:
    policy = services.update_policy(
        params["PolicyId"], name=params.get("Name"), description=params.get("Description"), content=params.get("Content")
    )
    return _policy(policy)


def delete_policy(params: dict, context: CallContext) -> dict:
    services.delete_policy(params["PolicyId"])
    return {}


def list_policies(params: dict, context: CallContext) -> dict:
    found, token = services.list_policies(params["Filter"], params.get("MaxResults", _DEFAULT_PAGE), params.get("NextToken"))
    return _page("Policies", [_summary(policy) for policy in found], token)


def list_tags_for_resource(params: dict, context: CallContext) -> dict:
    tags = services.tags_of(params["ResourceId"])
    return {"Tags": [{"Key": key, "Value": value} for key, value in sorted(tags.items())]}


# Attachments.

def attach_policy(params: dict, context: CallContext) -> dict:
    services.attach_policy(params["PolicyId"], params["TargetId"])
    return {}


def detach_policy(params: dict, context: CallContext) -> dict:
    services.detach_policy(params["PolicyId"], params["TargetId"])
    return {}


def list_policies_for_target(params: dict, context: CallContext) -> dict:
    found, token = services.list_policies_for_target(
        params["TargetId"], params["Filter"], params.get("MaxResults", _DEFAULT_PAGE), params.get("NextToken")
    )
    return _page("Policies", [_summary(policy) for policy in found], token)


def _target(kind: str) -> dict:
    if kind == Attachment.ROOT:
        return {"TargetId": ids.root_id(_account()), "Arn": ids.root_arn(_account()), "Name": "Root", "Type": "ROOT"}
    return {"TargetId": _account(), "Arn": ids.account_arn(_account()), "Name": f"Account {_account()}", "Type": "ACCOUNT"}


def list_targets_for_policy(params: dict, context: CallContext) -> dict:
    kinds, token = services.list_targets_for_policy(params["PolicyId"], params.get("MaxResults", _DEFAULT_PAGE), params.get("NextToken"))
    return _page("Targets", [_target(kind) for kind in kinds], token)
