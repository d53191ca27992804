"""The role-mapping rules on plain values (identitypools.domain.roles) and principal tags."""
from __future__ import annotations

import pytest

from identitypools.domain.roles import choose_role, rule_matches
from identitypools.domain.tags import principal_tags

A, B, DEFAULT = "arn:aws:iam::000000000000:role/a", "arn:aws:iam::000000000000:role/b", "arn:aws:iam::000000000000:role/default"


@pytest.mark.parametrize(
    ("match", "value", "claim", "expected"),
    [
        ("Equals", "eng", "eng", True), ("Equals", "eng", "engineering", False),
        ("Contains", "gin", "engineering", True), ("Contains", "xyz", "engineering", False),
        ("StartsWith", "eng", "engineering", True), ("StartsWith", "ring", "engineering", False),
        ("NotEqual", "eng", "sales", True), ("NotEqual", "eng", "eng", False),
        ("Equals", "admins", ["users", "admins"], True), ("NotEqual", "admins", ["users", "admins"], False),
    ],
)
def test_match_types(match, value, claim, expected):
    assert rule_matches({"Claim": "dept", "MatchType": match, "Value": value, "RoleARN": A}, {"dept": claim}) is expected


def test_a_missing_claim_matches_no_rule_not_even_not_equal():
    assert rule_matches({"Claim": "dept", "MatchType": "NotEqual", "Value": "x", "RoleARN": A}, {}) is False


def test_rules_first_match_wins_then_ambiguity():
    mapping = {"Type": "Rules", "AmbiguousRoleResolution": "Deny", "RulesConfiguration": {"Rules": [
        {"Claim": "dept", "MatchType": "StartsWith", "Value": "e", "RoleARN": A},
        {"Claim": "dept", "MatchType": "Equals", "Value": "eng", "RoleARN": B},
    ]}}
    assert choose_role(mapping, {"dept": "eng"}, DEFAULT, None).role_arn == A
    assert choose_role(mapping, {"dept": "sales"}, DEFAULT, None).denied
    assert choose_role({**mapping, "AmbiguousRoleResolution": "AuthenticatedRole"}, {"dept": "sales"}, DEFAULT, None).role_arn == DEFAULT


def test_token_preferred_role_custom_role_and_ambiguity():
    mapping = {"Type": "Token", "AmbiguousRoleResolution": "Deny"}
    both = {"cognito:roles": [A, B], "cognito:preferred_role": A}
    assert choose_role(mapping, both, DEFAULT, None).role_arn == A
    assert choose_role(mapping, both, DEFAULT, B).role_arn == B  # CustomRoleArn among the token's roles
    assert choose_role(mapping, both, DEFAULT, "arn:aws:iam::000000000000:role/elsewhere").role_arn == A
    assert choose_role(mapping, {"cognito:roles": [B]}, DEFAULT, None).role_arn == B
    assert choose_role(mapping, {"cognito:roles": [A, B]}, DEFAULT, None).denied
    assert choose_role({**mapping, "AmbiguousRoleResolution": "AuthenticatedRole"}, {}, DEFAULT, None).role_arn == DEFAULT
    assert choose_role(None, both, DEFAULT, None).role_arn == DEFAULT


def test_principal_tags_defaults_and_custom_claims():
    claims = {"aud": "client1", "sub": "abc", "custom:dept": "eng", "cognito:groups": ["x", "y"]}
    assert principal_tags({"UseDefaults": True}, claims) == {"client": "client1", "username": "abc"}
    assert principal_tags({"UseDefaults": False, "PrincipalTags": {"dept": "custom:dept", "groups": "cognito:groups", "none": "missing"}}, claims) == {
        "dept": "eng", "groups": "x,y",
    }
    assert principal_tags(None, claims) == {}
