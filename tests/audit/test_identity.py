"""userIdentity from the caller's ARN, readOnly from the event name (pure helpers)."""
from __future__ import annotations

from audit.identity import identity_of, is_read_only, principal_type


def test_the_type_follows_the_arn():
    assert principal_type("arn:aws:iam::123456789012:root") == "Root"
    assert principal_type("arn:aws:iam::123456789012:user/Alice") == "IAMUser"
    assert principal_type("arn:aws:iam::123456789012:user/division/Alice") == "IAMUser"
    assert principal_type("arn:aws:sts::123456789012:assumed-role/Deploy/ci-run-7") == "AssumedRole"
    assert principal_type(None) == "Unknown"
    assert principal_type("nonsense") == "Unknown"


def test_user_identity_elements():
    user = identity_of("arn:aws:iam::123456789012:user/division/Alice", "AIDAEXAMPLE", "AKIAEXAMPLE")
    assert user.as_element() == {"type": "IAMUser", "principalId": "AIDAEXAMPLE", "arn": "arn:aws:iam::123456789012:user/division/Alice",
                                 "accountId": "123456789012", "accessKeyId": "AKIAEXAMPLE", "userName": "Alice"}
    root = identity_of("arn:aws:iam::123456789012:root", "123456789012", "AKIAROOT")
    assert root.type == "Root" and root.user_name == "root" and "userName" not in root.as_element()
    role = identity_of("arn:aws:sts::123456789012:assumed-role/Deploy/ci-run-7", "AROAEXAMPLE:ci-run-7", "ASIAEXAMPLE")
    assert (role.type, role.user_name, role.account_id) == ("AssumedRole", "ci-run-7", "123456789012")
    # Unsigned calls (SignUp, InitiateAuth): CloudTrail's anonymous identity.
    assert identity_of(None, None, None).as_element() == {"type": "Unknown", "principalId": "Anonymous"}
    # A refused signature has no principal, but the key it named is kept.
    assert identity_of(None, None, "AKIABAD").as_element() == {"type": "Unknown", "principalId": "Anonymous", "accessKeyId": "AKIABAD"}


def test_read_only_names():
    assert all(is_read_only(name) for name in ("GetUser", "ListUsers", "DescribeUserPool", "LookupEvents"))
    assert not any(is_read_only(name) for name in ("AdminCreateUser", "InitiateAuth", "SignUp", "Decrypt"))
