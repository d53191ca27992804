"""The evaluator on AWS's documented examples (IAM User Guide: "Policy evaluation logic",
"IAM JSON policy elements", "Condition operators", "Variables and tags", "Permissions boundaries",
"Session policies"; AWS Organizations: "SCP evaluation")."""
from __future__ import annotations

import json
from datetime import UTC

import pytest

from iam.policy import Decision, Request, evaluate, evaluate_trust, load, parse_policy

ACCOUNT = "123456789012"
POOL = f"arn:aws:cognito-idp:us-east-1:{ACCOUNT}:userpool/us-east-1_Pool1"
OTHER_POOL = f"arn:aws:cognito-idp:us-east-1:{ACCOUNT}:userpool/us-east-1_Pool2"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def policy(*statements: dict, version: str = "2012-10-17") -> str:
    return json.dumps({"Version": version, "Statement": list(statements)})


def allow(action="*", resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action="*", resource="*", **extra) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def decide(action: str, resource: str = POOL, context: dict | None = None, **policies) -> Decision:
    return evaluate(Request(action, resource, context or {}), **policies)


def kind(action: str, resource: str = POOL, context: dict | None = None, **policies) -> str:
    return decide(action, resource, context, **policies).kind


def when(condition: dict, context: dict | None, action="cognito-idp:ListUsers") -> bool:
    """Whether an Allow statement carrying ``condition`` applies under ``context``."""
    return decide(action, POOL, context, identity=[policy(allow(Condition=condition))]).allowed


# --- the evaluation flow ---------------------------------------------------------------------

def test_requests_are_implicitly_denied_by_default():
    assert decide("cognito-idp:ListUsers") == Decision(False, "ImplicitDeny", "identity")
    assert kind("cognito-idp:ListUsers", identity=[policy(allow("kms:*"))]) == "ImplicitDeny"


def test_an_allow_names_the_policy_and_statement_that_allowed():
    decision = decide("cognito-idp:ListUsers", identity=[("ReadPools", policy(allow("cognito-idp:List*", Sid="List")))])
    assert decision == Decision(True, "Allow", "identity", "ReadPools", "List")
    assert decide("cognito-idp:ListUsers", identity=[policy(allow())]).statement == "Statement[0]"


def test_an_explicit_deny_in_any_policy_overrides_any_allow():
    user = ("UserPolicy", policy(allow("cognito-idp:*")))
    group = ("GroupPolicy", policy(deny("cognito-idp:AdminDeleteUser", Sid="NoDeletes")))
    assert decide("cognito-idp:AdminDeleteUser", identity=[user, group]) == Decision(False, "ExplicitDeny", "identity", "GroupPolicy", "NoDeletes")
    assert kind("cognito-idp:ListUsers", identity=[user, group]) == "Allow"


def test_permissions_boundary_is_an_intersection():
    # IAM User Guide, "Permissions boundaries": the effective permissions are those both the
    # identity-based policy and the boundary allow.
    identity = [policy(allow(["cognito-idp:*", "kms:*"]))]
    boundary = [policy(allow("cognito-idp:*"))]
    assert kind("cognito-idp:ListUsers", identity=identity, boundaries=boundary) == "Allow"
    assert decide("kms:Encrypt", KEY, identity=identity, boundaries=boundary) == Decision(False, "ImplicitDeny", "boundary")
    # the boundary grants nothing by itself
    assert decide("cognito-idp:ListUsers", identity=[policy(allow("kms:*"))], boundaries=boundary).policy_type == "identity"
    # a deny in the boundary is an explicit deny
    assert kind("cognito-idp:ListUsers", identity=identity, boundaries=[policy(allow(), deny("cognito-idp:List*"))]) == "ExplicitDeny"


def test_session_policies_narrow_a_role_session():
    role = [policy(allow("cognito-idp:*"))]
    session = [policy(allow("cognito-idp:ListUsers"))]
    assert kind("cognito-idp:ListUsers", identity=role, session=session) == "Allow"
    assert decide("cognito-idp:AdminDeleteUser", identity=role, session=session) == Decision(False, "ImplicitDeny", "session")
    # a session policy cannot grant more than the role has
    assert kind("kms:Encrypt", KEY, identity=role, session=[policy(allow())]) == "ImplicitDeny"
    assert kind("cognito-idp:ListUsers", identity=role, session=[policy(deny("cognito-idp:List*"))]) == "ExplicitDeny"


def test_service_control_policies_must_allow_and_their_denies_win():
    identity = [policy(allow())]
    full_access = ("FullAWSAccess", policy(allow(Sid="FullAWSAccess")))
    guardrail = ("NoKeyDeletion", policy(deny("kms:ScheduleKeyDeletion")))
    assert kind("kms:Encrypt", KEY, identity=identity, scps=[full_access, guardrail]) == "Allow"
    assert decide("kms:ScheduleKeyDeletion", KEY, identity=identity, scps=[full_access, guardrail]).policy == "NoKeyDeletion"
    # an SCP that allows only cognito-idp leaves kms implicitly denied, whatever the identity allows
    only_idp = [policy(allow("cognito-idp:*"))]
    assert decide("kms:Encrypt", KEY, identity=identity, scps=only_idp) == Decision(False, "ImplicitDeny", "scp")
    # SCPs grant nothing by themselves
    assert kind("cognito-idp:ListUsers", identity=[], scps=[full_access]) == "ImplicitDeny"


def test_deny_with_not_action_denies_everything_else():
    # IAM User Guide, NotAction example: deny all but IAM actions when MFA is absent.
    mfa_guard = policy(
        allow(), {"Effect": "Deny", "NotAction": "iam:*", "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}
    )
    assert kind("cognito-idp:ListUsers", context={"aws:MultiFactorAuthPresent": "false"}, identity=[mfa_guard]) == "ExplicitDeny"
    assert kind("cognito-idp:ListUsers", context={}, identity=[mfa_guard]) == "ExplicitDeny"  # IfExists: a missing key is true
    assert kind("cognito-idp:ListUsers", context={"aws:MultiFactorAuthPresent": "true"}, identity=[mfa_guard]) == "Allow"
    assert kind("iam:GetUser", "*", {"aws:MultiFactorAuthPresent": "false"}, identity=[mfa_guard]) == "Allow"


def test_allow_with_not_action_and_deny_with_not_resource():
    everything_but_iam = policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    assert kind("cognito-idp:ListUsers", identity=[everything_but_iam]) == "Allow"
    assert kind("iam:CreateUser", "*", identity=[everything_but_iam]) == "ImplicitDeny"
    only_pool1 = policy(allow(), {"Effect": "Deny", "Action": "cognito-idp:*", "NotResource": POOL})
    assert kind("cognito-idp:ListUsers", POOL, identity=[only_pool1]) == "Allow"
    assert kind("cognito-idp:ListUsers", OTHER_POOL, identity=[only_pool1]) == "ExplicitDeny"


# --- actions and resources -------------------------------------------------------------------

def test_actions_match_case_insensitively_with_wildcards():
    for pattern in ["cognito-idp:listusers", "COGNITO-IDP:List*", "cognito-idp:?istUsers", "cognito-idp:*", "*"]:
        assert kind("cognito-idp:ListUsers", identity=[policy(allow(pattern))]) == "Allow", pattern
    assert kind("cognito-idp:ListUsers", identity=[policy(allow("cognito-idp:List"))]) == "ImplicitDeny"
    assert kind("cognito-identity:ListIdentities", identity=[policy(allow("cognito-idp:*"))]) == "ImplicitDeny"


def test_resources_match_case_sensitively_component_by_component():
    def allowed(pattern: str, resource: str = POOL) -> bool:
        return decide("cognito-idp:ListUsers", resource, identity=[policy(allow(resource=pattern))]).allowed
    assert allowed(POOL) and allowed(f"arn:aws:cognito-idp:*:{ACCOUNT}:userpool/*") and allowed("arn:aws:cognito-idp:us-east-1:*:userpool/us-east-1_Pool?")
    assert not allowed(POOL.replace("Pool1", "pool1"))  # case-sensitive
    assert not allowed("arn:aws:cognito-idp:us-east-1:111111111111:userpool/*")
    # a wildcard inside a component stays in it ...
    assert not allowed("arn:aws:cognito-idp:us-*-1:userpool/*")
    assert not allowed(f"arn:aws:cognito-idp:u?:{ACCOUNT}:userpool/*")
    # ... but "If the * wildcard is the last character of a resource ARN segment, it can expand to
    # match beyond colon boundaries"
    assert allowed("arn:aws:cognito-idp:us-east-1*:userpool/*")
    # in the resource component it spans anything, colons and slashes included
    assert allowed("arn:aws:cognito-idp:us-east-1:123456789012:*")
    # so a short wildcard ARN stands for everything under it
    assert allowed("arn:aws:cognito-idp:*")
    assert not allowed("arn:aws:cognito-idp:us-east-1")
    # variables only count in the resource part, after the fifth colon
    tables = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/alice"
    in_account = policy(allow("dynamodb:*", "arn:aws:dynamodb:us-east-1:${aws:PrincipalAccount}:table/*"))
    assert kind("dynamodb:GetItem", tables, {"aws:PrincipalAccount": ACCOUNT}, identity=[in_account]) == "ImplicitDeny"
    # actions that take no resource are asked about "*", which only "*" matches
    assert kind("cognito-idp:ListUserPools", "*", identity=[policy(allow(resource=f"arn:aws:cognito-idp:*:{ACCOUNT}:userpool/*"))]) == "ImplicitDeny"
    assert kind("cognito-idp:ListUserPools", "*", identity=[policy(allow(resource="*"))]) == "Allow"


# --- policy variables ------------------------------------------------------------------------

def test_variables_in_resources():
    # IAM User Guide, "Variables and tags": a table per user.
    own_table = policy(allow("dynamodb:*", f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/${{aws:username}}"))
    table = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/"
    assert kind("dynamodb:GetItem", table + "alice", {"aws:username": "alice"}, identity=[own_table]) == "Allow"
    assert kind("dynamodb:GetItem", table + "bob", {"aws:username": "alice"}, identity=[own_table]) == "ImplicitDeny"
    # no value: the resource matches nothing (a role session has no aws:username)
    assert kind("dynamodb:GetItem", table + "${aws:username}", {}, identity=[own_table]) == "ImplicitDeny"
    # identity pools: a prefix per Cognito identity
    per_identity = policy(allow("dynamodb:*", table + "app/${cognito-identity.amazonaws.com:sub}/*"))
    sub = "us-east-1:11111111-2222-3333-4444-555555555555"
    assert kind("dynamodb:GetItem", table + f"app/{sub}/item", {"cognito-identity.amazonaws.com:sub": sub}, identity=[per_identity]) == "Allow"
    # principal tags
    by_team = policy(allow("dynamodb:*", table + "${aws:PrincipalTag/team}"))
    assert kind("dynamodb:GetItem", table + "red", {"aws:PrincipalTag/team": "red"}, identity=[by_team]) == "Allow"


def test_variable_defaults_escapes_and_the_legacy_version():
    table = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/"
    with_default = policy(allow("dynamodb:*", table + "${aws:username, 'shared'}"))
    assert kind("dynamodb:GetItem", table + "shared", {}, identity=[with_default]) == "Allow"
    assert kind("dynamodb:GetItem", table + "alice", {"aws:username": "alice"}, identity=[with_default]) == "Allow"
    assert kind("dynamodb:GetItem", table + "shared", {"aws:username": "alice"}, identity=[with_default]) == "ImplicitDeny"
    # ${*} is a literal asterisk, not a wildcard
    literal_star = policy(allow("dynamodb:*", table + "${*}"))
    assert kind("dynamodb:GetItem", table + "*", identity=[literal_star]) == "Allow"
    assert kind("dynamodb:GetItem", table + "alice", identity=[literal_star]) == "ImplicitDeny"
    # a variable's value is literal too: a '*' in a username is no wildcard
    own = policy(allow("dynamodb:*", table + "${aws:username}"))
    assert kind("dynamodb:GetItem", table + "alice", {"aws:username": "*"}, identity=[own]) == "ImplicitDeny"
    # under 2008-10-17 variables are plain text
    legacy = policy(allow("dynamodb:*", table + "${aws:username}"), version="2008-10-17")
    assert kind("dynamodb:GetItem", table + "alice", {"aws:username": "alice"}, identity=[legacy]) == "ImplicitDeny"
    assert kind("dynamodb:GetItem", table + "${aws:username}", {"aws:username": "alice"}, identity=[legacy]) == "Allow"


def test_variables_in_condition_values():
    condition = {"StringLike": {"aws:userid": "AIDA*:${aws:username}"}}
    assert when(condition, {"aws:userid": "AIDAEXAMPLE:alice", "aws:username": "alice"})
    assert not when(condition, {"aws:userid": "AIDAEXAMPLE:bob", "aws:username": "alice"})
    assert not when(condition, {"aws:userid": "AIDAEXAMPLE:alice"})  # variable missing: no match
    # a negated operator whose value cannot be resolved does not hold either
    assert not when({"StringNotEquals": {"aws:userid": "${aws:username}"}}, {"aws:userid": "x"})


# --- condition operators ---------------------------------------------------------------------

def test_string_operators():
    assert when({"StringEquals": {"aws:PrincipalTag/team": "red"}}, {"aws:PrincipalTag/team": "red"})
    assert not when({"StringEquals": {"aws:PrincipalTag/team": "red"}}, {"aws:PrincipalTag/team": "Red"})
    assert when({"StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "red"}}, {"aws:PrincipalTag/team": "RED"})
    assert when({"StringLike": {"aws:RequestTag/env": ["prod-*", "?ev"]}}, {"aws:RequestTag/env": "dev"})
    assert not when({"StringLike": {"aws:RequestTag/env": "prod-*"}}, {"aws:RequestTag/env": "production"})
    assert when({"StringNotEquals": {"aws:RequestTag/env": ["prod", "dev"]}}, {"aws:RequestTag/env": "test"})  # NOR
    assert not when({"StringNotEquals": {"aws:RequestTag/env": ["prod", "dev"]}}, {"aws:RequestTag/env": "dev"})
    assert not when({"StringNotEqualsIgnoreCase": {"aws:RequestTag/env": "prod"}}, {"aws:RequestTag/env": "PROD"})
    assert when({"StringNotLike": {"aws:RequestTag/env": "prod*"}}, {"aws:RequestTag/env": "dev"})


def test_a_missing_key_fails_positive_operators_and_passes_negated_ones():
    # "If the key that you specify in a policy condition is not present in the request context, the
    # values do not match and the condition is false. If the policy condition requires that the key
    # is not matched, such as StringNotLike or ArnNotLike, and the right key is not present, the
    # condition is true."
    for operator in ["StringEquals", "StringLike", "NumericEquals", "DateEquals", "Bool", "BinaryEquals", "IpAddress", "ArnLike", "ArnEquals"]:
        assert not when({operator: {"custom:key": "x"}}, {}), operator
    for operator in [
        "StringNotEquals",
        "StringNotLike",
        "StringNotEqualsIgnoreCase",
        "NumericNotEquals",
        "DateNotEquals",
        "NotIpAddress",
        "ArnNotLike",
        "ArnNotEquals",
    ]:
        assert when({operator: {"custom:key": "x"}}, {}), operator


def test_numeric_operators():
    def age(op, value, got):
        return when({op: {"aws:MultiFactorAuthAge": value}}, {"aws:MultiFactorAuthAge": got})

    assert age("NumericLessThan", "3600", "300") and not age("NumericLessThan", "3600", "3600")
    assert age("NumericLessThanEquals", "3600", "3600") and age("NumericGreaterThan", 10, "11")
    assert age("NumericGreaterThanEquals", "1.5", "1.50") and age("NumericEquals", "300", "300.0")
    assert age("NumericNotEquals", ["1", "2"], "3") and not age("NumericNotEquals", ["1", "2"], "2")
    assert not age("NumericEquals", "300", "three hundred")


def test_date_operators_take_iso_8601_and_epoch_seconds():
    window = {"DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}, "DateLessThan": {"aws:CurrentTime": "2026-12-31T23:59:59Z"}}
    assert when(window, {"aws:CurrentTime": "2026-11-29T12:00:00Z"})
    assert not when(window, {"aws:CurrentTime": "2027-01-01T00:00:00Z"})
    assert when({"DateEquals": {"aws:CurrentTime": "2026-11-29T14:00:00+02:00"}}, {"aws:CurrentTime": "2026-11-29T12:00:00Z"})
    assert when({"DateGreaterThanEquals": {"aws:EpochTime": "1577836800"}}, {"aws:EpochTime": "1790000000"})
    assert when({"DateLessThanEquals": {"aws:EpochTime": "2026-01-01"}}, {"aws:EpochTime": "1577836800"})  # epoch vs date: seconds
    assert when({"DateNotEquals": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}, {"aws:CurrentTime": "2026-11-29T12:00:00Z"})
    assert not when({"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}, {"aws:CurrentTime": "not a date"})


def test_bool_binary_and_null():
    # "Deny requests not over TLS"
    tls = policy(allow(), deny(Condition={"Bool": {"aws:SecureTransport": "false"}}))
    assert kind("cognito-idp:ListUsers", context={"aws:SecureTransport": "false"}, identity=[tls]) == "ExplicitDeny"
    assert kind("cognito-idp:ListUsers", context={"aws:SecureTransport": "true"}, identity=[tls]) == "Allow"
    assert when({"Bool": {"aws:SecureTransport": True}}, {"aws:SecureTransport": "TRUE"})
    assert when({"BinaryEquals": {"custom:blob": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}, {"custom:blob": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="})
    # Null "true": the key is absent; "false": it is present
    assert when({"Null": {"aws:TokenIssueTime": "true"}}, {})
    assert not when({"Null": {"aws:TokenIssueTime": "true"}}, {"aws:TokenIssueTime": "2026-11-29T12:00:00Z"})
    assert when({"Null": {"aws:TokenIssueTime": False}}, {"aws:TokenIssueTime": "2026-11-29T12:00:00Z"})


def test_ip_address_operators():
    office = {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"]}}
    assert when(office, {"aws:SourceIp": "203.0.113.7"}) and when(office, {"aws:SourceIp": "2001:db8:1234:5678::9"})
    assert not when(office, {"aws:SourceIp": "198.51.100.1"}) and not when(office, {"aws:SourceIp": "garbage"})
    assert when({"IpAddress": {"aws:SourceIp": "203.0.113.9"}}, {"aws:SourceIp": "203.0.113.9"})  # a bare address is /32
    # "deny all outside these addresses"
    outside = policy(allow(), deny(Condition={"NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"]}}))
    assert kind("cognito-idp:ListUsers", context={"aws:SourceIp": "198.51.100.1"}, identity=[outside]) == "ExplicitDeny"
    assert kind("cognito-idp:ListUsers", context={"aws:SourceIp": "192.0.2.10"}, identity=[outside]) == "Allow"
    assert kind("cognito-idp:ListUsers", context={"aws:SourceIp": "2001:db8::1"}, identity=[outside]) == "ExplicitDeny"


def test_arn_operators():
    assert when({"ArnLike": {"aws:SourceArn": f"arn:aws:cognito-idp:*:{ACCOUNT}:userpool/*"}}, {"aws:SourceArn": POOL})
    assert when({"ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/Admin"}}, {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/Admin"})
    assert not when({"ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/Admin"}}, {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/admin"})
    assert not when({"ArnLike": {"aws:SourceArn": "arn:aws:cognito-idp:us-*:userpool/*"}}, {"aws:SourceArn": POOL})  # * stays in its component
    assert not when({"ArnLike": {"aws:SourceArn": "arn:aws:*"}}, {"aws:SourceArn": "not-an-arn"})
    assert when({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Admin*"}}, {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:user/alice"})
    assert when(
        {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}"}},
        {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:user/alice", "aws:username": "alice"},
    )


def test_if_exists():
    condition = {"StringEqualsIfExists": {"aws:RequestTag/env": "prod"}}
    assert when(condition, {}) and when(condition, {"aws:RequestTag/env": "prod"}) and not when(condition, {"aws:RequestTag/env": "dev"})
    assert when({"NumericLessThanIfExists": {"aws:MultiFactorAuthAge": "3600"}}, {})
    assert when({"ArnLikeIfExists": {"aws:SourceArn": "arn:aws:cognito-idp:*"}}, {})


def test_set_operators_on_multivalued_keys():
    # IAM User Guide, "Single-valued vs. multivalued context keys" examples with aws:TagKeys.
    for_all = {"ForAllValues:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}}
    assert when(for_all, {"aws:TagKeys": ["environment"]})
    assert when(for_all, {"aws:TagKeys": ["environment", "cost-center"]})
    assert not when(for_all, {"aws:TagKeys": ["environment", "owner"]})
    assert when(for_all, {})  # "It also returns true if there are no context keys in the request"
    assert when(for_all, {"aws:TagKeys": []})
    for_any = {"ForAnyValue:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}}
    assert when(for_any, {"aws:TagKeys": ["owner", "environment"]})
    assert not when(for_any, {"aws:TagKeys": ["owner"]})
    assert not when(for_any, {})  # a missing key: false ...
    assert not when({"ForAnyValue:StringEqualsIfExists": {"aws:TagKeys": "environment"}}, {})  # ... even with IfExists
    # ForAllValues with a negated operator: no value may be listed
    deny_key1 = {"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}}
    assert when(deny_key1, {"aws:TagKeys": ["key2:audit"]}) and not when(deny_key1, {"aws:TagKeys": ["key1:legal", "key2:x"]})
    assert when(
        {"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "graph.*"}},
        {"cognito-identity.amazonaws.com:amr": ["authenticated", "graph.facebook.com"]},
    )
    # a single-valued operator does not match a multivalued request value
    assert not when({"StringEquals": {"aws:TagKeys": "environment"}}, {"aws:TagKeys": ["environment"]})


def test_and_across_operators_and_keys_or_across_values_and_key_names_ignore_case():
    condition = {"StringEquals": {"aws:PrincipalTag/team": ["red", "blue"], "aws:RequestTag/env": "prod"}, "Bool": {"aws:SecureTransport": "true"}}
    good = {"aws:PrincipalTag/team": "blue", "aws:RequestTag/env": "prod", "aws:SecureTransport": "true"}
    assert when(condition, good)
    assert not when(condition, {**good, "aws:RequestTag/env": "dev"})
    assert not when(condition, {**good, "aws:SecureTransport": "false"})
    assert when({"StringEquals": {"AWS:UserName": "alice"}}, {"aws:username": "alice"})
    assert when({"StringEquals": {"aws:username": "alice"}}, {"AWS:USERNAME": "alice"})


# --- trust policies and caching --------------------------------------------------------------

def test_trust_policy_names_who_may_assume_the_role():
    trust = policy({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"sts:ExternalId": "secret"}}})
    asking = Request("sts:AssumeRole", "*", {"sts:ExternalId": "secret"}, principal=f"arn:aws:iam::{ACCOUNT}:user/alice")
    assert evaluate_trust(asking, trust).allowed
    assert not evaluate_trust(Request("sts:AssumeRole", "*", {}, principal=f"arn:aws:iam::{ACCOUNT}:user/alice"), trust).allowed
    assert not evaluate_trust(Request("sts:AssumeRole", "*", {"sts:ExternalId": "secret"}, principal="arn:aws:iam::111111111111:user/x"), trust).allowed
    # a role session answers to its role's ARN
    role_trust = policy({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/Deployer"}, "Action": "sts:AssumeRole"})
    session = f"arn:aws:sts::{ACCOUNT}:assumed-role/Deployer/ci"
    assert evaluate_trust(Request("sts:AssumeRole", "*", {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/Deployer"}, principal=session), role_trust).allowed
    assert not evaluate_trust(Request("sts:AssumeRole", "*", {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/Other"}, principal=session), role_trust).allowed
    web = policy(
        {
            "Effect": "Allow",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:pool"},
                "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"},
            },
        }
    )
    context = {"cognito-identity.amazonaws.com:aud": "us-east-1:pool", "cognito-identity.amazonaws.com:amr": ["authenticated"]}
    assert evaluate_trust(Request("sts:AssumeRoleWithWebIdentity", "*", context, principal="cognito-identity.amazonaws.com"), web).allowed
    assert not evaluate_trust(
        Request(
            "sts:AssumeRoleWithWebIdentity",
            "*",
            {**context, "cognito-identity.amazonaws.com:amr": ["unauthenticated"]},
            principal="cognito-identity.amazonaws.com",
        ),
        web,
    ).allowed


def test_compiled_documents_are_cached_by_text():
    text = policy(allow("cognito-idp:*"))
    assert load(text) is load(text)
    assert load(text, "named") is not load(text)
    compiled = parse_policy(text, name="direct")
    assert decide("cognito-idp:ListUsers", identity=[compiled]).policy == "direct"


@pytest.mark.parametrize("action", ["cognito-idp:ListUsers", "kms:Decrypt"])
def test_request_context_is_read_only(action):
    request = Request(action, "*", {"aws:TagKeys": ("a", "b")})
    assert request.keys["aws:tagkeys"] == ["a", "b"]
    with pytest.raises(TypeError):
        request.keys["x"] = "y"  # type: ignore[index]


def test_global_context_feeds_the_documented_keys():
    from datetime import datetime

    from iam.policy import global_context

    context = global_context(
        principal_arn=f"arn:aws:iam::{ACCOUNT}:user/alice", userid="AIDAEXAMPLE", username="alice", source_ip="10.0.0.1",
        secure_transport=True, now=datetime(2026, 11, 29, 12, tzinfo=UTC), principal_tags={"team": "red"},
        request_tags={"env": "prod"}, extra={"cognito-identity.amazonaws.com:sub": "us-east-1:abc"},
    )
    assert context["aws:PrincipalAccount"] == ACCOUNT and context["aws:EpochTime"] == "1795953600"
    assert context["aws:CurrentTime"] == "2026-11-29T12:00:00Z" and context["aws:TagKeys"] == ["env"]
    assert "aws:MultiFactorAuthPresent" not in context
    own_table = policy(allow("dynamodb:*", f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/${{aws:username}}",
                             Condition={"StringEquals": {"aws:PrincipalTag/team": "red"}, "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))
    assert kind("dynamodb:GetItem", f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/alice", context, identity=[own_table]) == "Allow"
