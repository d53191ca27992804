"""sigv4.check_scope and check_signed: AWS's wording, pure."""
import pytest

from iam import sigv4


def auth(region="us-east-1", service="cognito-idp", signed=("host", "x-amz-date")) -> sigv4.Authorization:
    return sigv4.Authorization("AKIDEXAMPLE", "20260101", region, service, signed, "00")


def test_scope_must_name_the_region_then_the_service():
    sigv4.check_scope(auth(), region="us-east-1", service="cognito-idp")
    with pytest.raises(sigv4.SignatureError, match=r"^Credential should be scoped to a valid region\.$"):
        sigv4.check_scope(auth(region="eu-west-1", service="kms"), region="us-east-1", service="cognito-idp")
    with pytest.raises(sigv4.SignatureError, match=r"^Credential should be scoped to correct service: 'cognito-idp'\.$"):
        sigv4.check_scope(auth(service="kms"), region="us-east-1", service="cognito-idp")


def test_a_present_header_must_be_signed():
    sigv4.check_signed(auth(), {"host": "h"}, ("x-amz-target",))  # absent: nothing to sign
    sigv4.check_signed(auth(signed=("host", "x-amz-date", "x-amz-target")), {"x-amz-target": "T.Op"}, ("x-amz-target",))
    with pytest.raises(sigv4.SignatureError, match="'X-Amz-Target' must be a 'SignedHeader'") as refused:
        sigv4.check_signed(auth(), {"x-amz-target": "T.Op"}, ("x-amz-target",))
    assert refused.value.kind == "incomplete"
