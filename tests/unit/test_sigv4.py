"""SigV4: AWS's published test vectors, and agreement with botocore's signer."""
from datetime import UTC, datetime, timedelta, timezone

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from iam import sigv4

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
EMPTY_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def _vector_signature(method, path, query, headers, signed, body_hash=EMPTY_HASH):
    auth = sigv4.Authorization("AKIDEXAMPLE", "20150830", "us-east-1", "service", signed, "")
    canonical = sigv4.canonical_request(method, path, query, headers, signed, body_hash)
    return sigv4.signature(SECRET, auth, "20150830T123600Z", canonical)


def test_aws_vector_get_vanilla():
    headers = {"host": "example.amazonaws.com", "x-amz-date": "20150830T123600Z"}
    assert _vector_signature("GET", "/", "", headers, ("host", "x-amz-date")) == (
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    )


def test_aws_vector_signing_key():
    # From AWS's "Examples of how to derive a signing key" (IAM, 20120215).
    key = sigv4.signing_key(SECRET, "20120215", "us-east-1", "iam")
    assert key.hex() == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"


def test_aws_vector_canonical_query_is_sorted_and_encoded():
    assert sigv4.canonical_query("Param2=value2&Param1=value1") == "Param1=value1&Param2=value2"
    assert sigv4.canonical_query("b=a b&a=é") == "a=%C3%A9&b=a%20b"


def _botocore_signed(body=b'{"x": 1}', path="/"):
    request = AWSRequest(
        method="POST",
        url=f"http://127.0.0.1:8000{path}",
        data=body,
        headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "Svc.Op"},
    )
    signer = SigV4Auth(Credentials("AKIAEXAMPLE", "secret/key"), "cognito-idp", "us-east-1")
    signer.add_auth(request)
    headers = {name.lower(): value for name, value in request.headers.items()}
    headers["host"] = "127.0.0.1:8000"
    return headers


def _verify(headers, body=b'{"x": 1}', secret="secret/key", now=None, path="/"):
    auth = sigv4.parse_authorization(headers["authorization"])
    sigv4.verify(
        secret=secret, auth=auth, method="POST", path=path, query_string="", headers=headers, body=body,
        now=now or datetime.now(UTC),
    )


def test_botocore_signature_verifies():
    _verify(_botocore_signed())


def test_path_with_special_characters_verifies():
    _verify(_botocore_signed(path="/api/v1/a%3Ab"), path="/api/v1/a:b")


def test_wrong_secret_is_mismatch():
    with pytest.raises(sigv4.SignatureError) as excinfo:
        _verify(_botocore_signed(), secret="other")
    assert excinfo.value.kind == "mismatch"


def test_tampered_body_is_mismatch():
    with pytest.raises(sigv4.SignatureError) as excinfo:
        _verify(_botocore_signed(), body=b'{"x": 2}')
    assert excinfo.value.kind == "mismatch"


def test_old_signature_is_expired():
    later = datetime.now(UTC) + timedelta(minutes=20)
    with pytest.raises(sigv4.SignatureError) as excinfo:
        _verify(_botocore_signed(), now=later)
    assert excinfo.value.kind == "expired"
    assert excinfo.value.message.startswith("Signature expired:")


def test_future_signature_is_rejected():
    earlier = datetime.now(UTC) - timedelta(minutes=20)
    with pytest.raises(sigv4.SignatureError) as excinfo:
        _verify(_botocore_signed(), now=earlier)
    assert excinfo.value.kind == "expired"


@pytest.mark.parametrize(
    "header,kind",
    [
        (None, "missing"),
        ("", "missing"),
        ("AWS4-HMAC-SHA256 Credential=AKIA/20150830/us-east-1/svc/aws4_request", "incomplete"),
        ("Basic dXNlcjpwYXNz", "incomplete"),
        ("AWS4-HMAC-SHA256 Credential=AKIA/bad, SignedHeaders=host, Signature=abc", "incomplete"),
        ("AWS4-HMAC-SHA256 Credential=AKIA/20150830/us-east-1/svc/aws4_request, SignedHeaders=x-amz-date, Signature=abc", "incomplete"),
    ],
)
def test_malformed_authorization(header, kind):
    with pytest.raises(sigv4.SignatureError) as excinfo:
        sigv4.parse_authorization(header)
    assert excinfo.value.kind == kind


@pytest.mark.parametrize(
    "sent, decoded",
    [
        ("/api/v1/userpools/us-east-1_abc/users/dave@example.com", "/api/v1/userpools/us-east-1_abc/users/dave@example.com"),
        ("/api/v1/userpools/us-east-1_abc/users/dave%40example.com", "/api/v1/userpools/us-east-1_abc/users/dave@example.com"),
        ("/api/v1/a:b+c=d,e", "/api/v1/a:b+c=d,e"),
        ("/api/v1/da%20ve/%C3%A9", "/api/v1/da ve/é"),
        ("/api/v1/100%25", "/api/v1/100%"),
        ("/api/v1/./x//y/", "/api/v1/./x//y/"),
    ],
)
def test_botocore_signatures_verify_on_the_decoded_path_whatever_the_client_escaped(sent, decoded):
    # The server sees the path decoded (Django's request.path): '@' and '%40' arrive the same.
    _verify(_botocore_signed(path=sent), path=decoded)


def test_canonical_uri_is_botocores():
    assert sigv4.canonical_uri("/a/./b//c@d/%40/") == "/a/b/c%40d/%2540/"
    assert sigv4.canonical_uri("") == "/"


def test_a_signature_for_another_path_still_fails():
    with pytest.raises(sigv4.SignatureError):
        _verify(_botocore_signed(path="/api/v1/users/dave@example.com"), path="/api/v1/users/eve@example.com")


@pytest.mark.parametrize("value", ["20150830T123600", "2015-08-30T12:36:00Z", "20151330T123600Z", "20150830T246000Z", "２0150830T123600Z", ""])
def test_amz_date_must_be_iso8601_basic(value):
    with pytest.raises(sigv4.SignatureError) as excinfo:
        sigv4.parse_amz_date(value)
    assert excinfo.value.kind == "incomplete"


def test_amz_date_parses_to_utc():
    assert sigv4.parse_amz_date("20150830T123600Z") == datetime(2015, 8, 30, 12, 36, tzinfo=UTC)
