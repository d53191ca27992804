"""Policy documents validated on write as IAM does: grammar, version, shapes, size quotas."""
from __future__ import annotations

import json

import pytest

from iam.policy import (
    MANAGED_POLICY_SIZE,
    SCP_SIZE,
    USER_INLINE_SIZE,
    Policy,
    PolicyError,
    parse_policy,
    policy_size,
)


def doc(*statements: dict, version: str | None = "2012-10-17", **top) -> str:
    document: dict = {"Statement": list(statements) if len(statements) != 1 else statements[0], **top}
    if version is not None:
        document["Version"] = version
    return json.dumps(document)


ALLOW = {"Effect": "Allow", "Action": "cognito-idp:ListUsers", "Resource": "*"}


def error(text: str, **kwargs) -> PolicyError:
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, **kwargs)
    return caught.value


def test_a_valid_identity_policy_compiles_to_an_immutable_policy():
    policy = parse_policy(doc(ALLOW, {**ALLOW, "Sid": "Two", "Effect": "Deny"}, Id="MyPolicy"), name="p")
    assert isinstance(policy, Policy)
    assert (policy.name, policy.kind, policy.version, policy.id) == ("p", "identity", "2012-10-17", "MyPolicy")
    assert [s.allow for s in policy.statements] == [True, False]
    with pytest.raises(AttributeError):
        policy.name = "other"  # type: ignore[misc]


def test_statement_may_be_a_single_object_or_a_list():
    assert len(parse_policy(doc(ALLOW)).statements) == 1
    assert len(parse_policy(json.dumps({"Version": "2012-10-17", "Statement": [ALLOW]})).statements) == 1


@pytest.mark.parametrize("text", ["", "not json", "[]", '{"Version": "2012-10-17"}', '{"Statement": []}', doc(ALLOW, Extra=1)])
def test_syntax_errors(text):
    err = error(text)
    assert err.message == "Syntax errors in policy." and err.code == "MalformedPolicyDocument"


def test_version_is_one_of_the_two_iam_knows_and_defaults_to_the_legacy_one():
    assert parse_policy(doc(ALLOW, version="2008-10-17")).version == "2008-10-17"
    assert parse_policy(doc(ALLOW, version=None)).version == "2008-10-17"
    assert error(doc(ALLOW, version="2012-10-18")).message == "Syntax errors in policy."


def test_sid_is_alphanumeric_and_unique():
    assert "alpha-numeric" in error(doc({**ALLOW, "Sid": "has space"})).message
    assert error(doc({**ALLOW, "Sid": "A"}, {**ALLOW, "Sid": "A"})).message == "Statement IDs (SID) in a single policy must be unique."
    assert parse_policy(doc({**ALLOW, "Sid": "Abc123"})).statements[0].label == "Abc123"


def test_effect_is_allow_or_deny():
    assert error(doc({k: v for k, v in ALLOW.items() if k != "Effect"})).message == "Missing required field Effect"
    assert error(doc({**ALLOW, "Effect": "allow"})).message == "Invalid effect: allow"


def test_exactly_one_of_action_and_not_action():
    assert error(doc({"Effect": "Allow", "Resource": "*"})).message == "Policy statement must contain actions."
    assert error(doc({**ALLOW, "NotAction": "kms:*"})).message == "Syntax errors in policy."
    assert parse_policy(doc({"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"})).statements[0].not_action


@pytest.mark.parametrize("action", ["*", "cognito-idp:*", "cognito-idp:List*", "kms:?ncrypt", "iam:Get*Policy"])
def test_action_shapes_accepted(action):
    parse_policy(doc({**ALLOW, "Action": action}))


def test_actions_need_a_vendor_prefix_without_wildcards():
    assert error(doc({**ALLOW, "Action": "ListUsers"})).message.startswith("Actions/Conditions must be prefaced by a vendor")
    assert "not valid" in error(doc({**ALLOW, "Action": "cognito*:ListUsers"})).message
    assert error(doc({**ALLOW, "Action": []})).message == "Syntax errors in policy."


def test_identity_policies_need_resources_in_arn_form_and_no_principal():
    assert error(doc({"Effect": "Allow", "Action": "s3:*"})).message == "Policy statement must contain resources."
    assert error(doc({**ALLOW, "Resource": "bucket"})).message == 'Resource bucket must be in ARN format or "*".'
    assert error(doc({**ALLOW, "Principal": "*"})).message == "Policy document should not specify a principal."
    parse_policy(doc({**ALLOW, "Resource": ["arn:aws:cognito-idp:us-east-1:123456789012:userpool/*", "arn:aws:kms:*"]}))


def test_trust_policies_need_a_principal_and_take_no_resource():
    trust = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}
    assert parse_policy(doc(trust), kind="trust").statements[0].principals is not None
    assert error(doc({**trust, "Resource": "*"}), kind="trust").message == "Has prohibited field Resource"
    assert error(doc({"Effect": "Allow", "Action": "sts:AssumeRole"}), kind="trust").message == "Missing required field Principal"
    assert error(doc({**trust, "Principal": {"Nobody": "x"}}), kind="trust").message == "Invalid principal in policy"
    parse_policy(doc({**trust, "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "sts:AssumeRoleWithWebIdentity"}), kind="trust")


def test_service_control_policies_follow_the_identity_grammar():
    parse_policy(doc({"Effect": "Deny", "NotAction": "iam:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}), kind="scp")
    assert error(doc({**ALLOW, "Principal": "*"}), kind="scp").message == "Policy document should not specify a principal."


def test_condition_block_shape_and_unknown_operators():
    ok = {"StringEquals": {"aws:username": ["alice", "bob"]}, "ForAnyValue:StringLikeIfExists": {"aws:TagKeys": "a*"}, "Null": {"aws:TokenIssueTime": True}}
    assert len(parse_policy(doc({**ALLOW, "Condition": ok})).statements[0].conditions) == 3
    assert error(doc({**ALLOW, "Condition": {"StringEqualz": {"aws:username": "a"}}})).message == "Invalid Condition type : StringEqualz"
    assert error(doc({**ALLOW, "Condition": {"ForSomeValues:StringEquals": {"k": "a"}}})).message.startswith("Invalid Condition type")
    assert error(doc({**ALLOW, "Condition": {"NullIfExists": {"k": "true"}}})).message.startswith("Invalid Condition type")
    assert error(doc({**ALLOW, "Condition": {"StringEquals": "alice"}})).message == "Syntax errors in policy."
    assert error(doc({**ALLOW, "Condition": {"StringEquals": {"k": {"nested": 1}}}})).message == "Syntax errors in policy."


def test_size_counts_characters_other_than_whitespace():
    compact = doc(ALLOW)
    padded = json.dumps(json.loads(compact), indent=8)
    assert policy_size(padded) == policy_size(compact) < len(padded)
    big = doc({**ALLOW, "Resource": [f"arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_{i:06d}" for i in range(60)]})
    parse_policy(big, max_size=MANAGED_POLICY_SIZE)
    err = error(big, max_size=USER_INLINE_SIZE)
    assert err.code == "LimitExceeded" and err.message == f"Cannot exceed quota for PolicySize: {USER_INLINE_SIZE}"


def test_scp_size_counts_every_character():
    padded = json.dumps({"Version": "2012-10-17", "Statement": [ALLOW] * 40}, indent=12)
    assert policy_size(padded) <= SCP_SIZE < len(padded)
    assert error(padded, kind="scp", max_size=SCP_SIZE).code == "ConstraintViolationException"
    parse_policy(padded, kind="identity", max_size=SCP_SIZE)
