"""The pure claim builders of the token service (userpools/domain/claims.py)."""
from userpools.domain.claims import (
    ADMIN_SCOPE,
    GroupInfo,
    TokenSubject,
    access_token_claims,
    claim_value,
    id_token_claims,
    preferred_role,
    profile_claims,
)

ROLE = "arn:aws:iam::000000000000:role/{}"


def subject(**overrides) -> TokenSubject:
    values = dict(
        issuer="http://id.example/us-east-1_Abc123xyZ", client_id="client1", sub="11111111-2222-3333-4444-555555555555",
        username="alice", auth_time=1_700_000_000, issued_at=1_700_000_100, origin_jti="origin-1", event_id="event-1",
    )
    values.update(overrides)
    return TokenSubject(**values)


def test_id_token_claims():
    claims = id_token_claims(subject(profile={"email": "a@example.com", "email_verified": True}), 3600, "jti-1")
    assert claims == {
        "sub": "11111111-2222-3333-4444-555555555555",
        "email": "a@example.com",
        "email_verified": True,
        "iss": "http://id.example/us-east-1_Abc123xyZ",
        "cognito:username": "alice",
        "origin_jti": "origin-1",
        "aud": "client1",
        "event_id": "event-1",
        "token_use": "id",
        "auth_time": 1_700_000_000,
        "exp": 1_700_003_700,
        "iat": 1_700_000_100,
        "jti": "jti-1",
    }


def test_access_token_claims():
    groups = [GroupInfo("admins", ROLE.format("a"), 1)]
    claims = access_token_claims(subject(groups=groups, profile={"email": "a@example.com"}), 300, "jti-2")
    assert claims == {
        "sub": "11111111-2222-3333-4444-555555555555",
        "cognito:groups": ["admins"],
        "iss": "http://id.example/us-east-1_Abc123xyZ",
        "client_id": "client1",
        "origin_jti": "origin-1",
        "event_id": "event-1",
        "token_use": "access",
        "scope": ADMIN_SCOPE,
        "auth_time": 1_700_000_000,
        "exp": 1_700_000_400,
        "iat": 1_700_000_100,
        "jti": "jti-2",
        "username": "alice",
    }


def test_no_origin_jti_when_revocation_is_off():
    assert "origin_jti" not in id_token_claims(subject(origin_jti=None), 60, "j")
    assert "origin_jti" not in access_token_claims(subject(origin_jti=None), 60, "j")


def test_group_claims_in_id_token():
    groups = [GroupInfo("a", ROLE.format("a"), 2), GroupInfo("b", "", 0), GroupInfo("c", ROLE.format("c"), None)]
    claims = id_token_claims(subject(groups=groups), 60, "j")
    assert claims["cognito:groups"] == ["a", "b", "c"]
    assert claims["cognito:roles"] == [ROLE.format("a"), ROLE.format("c")]
    assert claims["cognito:preferred_role"] == ROLE.format("a")


def test_preferred_role_rules():
    assert preferred_role([]) is None
    assert preferred_role([GroupInfo("x", "", 0)]) is None
    # NULL precedence ranks last.
    assert preferred_role([GroupInfo("x", ROLE.format("x"), None), GroupInfo("y", ROLE.format("y"), 9)]) == ROLE.format("y")
    # Equal best precedence: the same role is used, different roles leave the claim out.
    assert preferred_role([GroupInfo("x", ROLE.format("r"), 1), GroupInfo("y", ROLE.format("r"), 1)]) == ROLE.format("r")
    assert preferred_role([GroupInfo("x", ROLE.format("x"), 1), GroupInfo("y", ROLE.format("y"), 1)]) is None


def test_claim_values_are_typed():
    boolean = {"AttributeDataType": "Boolean"}
    assert claim_value("email_verified", boolean, "true") is True
    assert claim_value("phone_number_verified", boolean, "false") is False
    assert claim_value("updated_at", {"AttributeDataType": "Number"}, "1700000000") == 1_700_000_000
    assert claim_value("address", {"AttributeDataType": "String"}, "1 Main St") == {"formatted": "1 Main St"}
    assert claim_value("identities", {"AttributeDataType": "String"}, '[{"providerName": "Google"}]') == [{"providerName": "Google"}]
    assert claim_value("custom:count", {"AttributeDataType": "Number"}, "7") == "7"


def test_profile_claims_respect_read_attributes_and_developer_only():
    definitions = {
        "email": {"AttributeDataType": "String"},
        "email_verified": {"AttributeDataType": "Boolean"},
        "custom:secret": {"AttributeDataType": "String", "DeveloperOnlyAttribute": True},
    }
    values = {"email": "a@example.com", "email_verified": "true", "custom:secret": "s", "unknown": "u"}
    assert profile_claims(values, definitions, None) == {"email": "a@example.com", "email_verified": True}
    assert profile_claims(values, definitions, {"email"}) == {"email": "a@example.com"}
