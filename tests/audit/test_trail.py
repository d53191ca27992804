"""Every call through the pipeline becomes a stored CloudTrail event that lookup_events returns:
allowed, refused (with and without a principal), unsigned sign-ins; no secret is ever stored."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from django.conf import settings

from audit.models import Event
from iam.models import Principal
from iam.services import create_access_key
from tests.audit.support import all_events, cloudtrail, table_dump, trail
from tests.conftest import error_code, make_client
from userpools.models import User

pytestmark = pytest.mark.django_db(transaction=True)
HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS"
TEMP_PASSWORD = "Temp-Pass-Audit-1!"
PASSWORD = "Real-Pass-Audit-2!"
WRONG_PASSWORD = "Wrong-Pass-Audit-3!"
SIGNUP_PASSWORD = "Sign-Up-Pass-Audit-4!"
STOLEN_PASSWORD = "Stolen-Pass-Audit-5!"
ROOT_ARN = f"arn:aws:iam::{settings.ACCOUNT_ID}:root"


def _by_name(events: list[dict]) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for event in events:
        found.setdefault(event["EventName"], []).append(event)
    return found


def test_allowed_refused_and_unsigned_calls_are_recorded_without_secrets(live_server, unsigned_idp):
    idp = make_client(live_server.url)
    pool = idp.create_user_pool(PoolName="audited")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=pool, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])[
        "UserPoolClient"
    ]["ClientId"]
    idp.admin_create_user(UserPoolId=pool, Username="dave", TemporaryPassword=TEMP_PASSWORD, MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool, Username="dave", Password=PASSWORD, Permanent=True)
    unsigned_idp.sign_up(ClientId=client_id, Username="erin", Password=SIGNUP_PASSWORD)
    tokens = unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "dave", "PASSWORD": PASSWORD})
    with pytest.raises(ClientError) as wrong:
        unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "dave", "PASSWORD": WRONG_PASSWORD})
    assert error_code(wrong) == "NotAuthorizedException"
    key = create_access_key(Principal.objects.create(name="mallory"))
    mallory = make_client(live_server.url, key_id=key.access_key_id, secret=key.secret_access_key)
    with pytest.raises(ClientError) as denied:
        mallory.admin_set_user_password(UserPoolId=pool, Username="dave", Password=STOLEN_PASSWORD, Permanent=True)
    assert error_code(denied) == "AccessDeniedException"
    with pytest.raises(ClientError) as bad_signature:
        make_client(live_server.url, secret="wrong-secret").describe_user_pool(UserPoolId=pool)
    assert error_code(bad_signature) == "InvalidSignatureException"

    # The refused sign-in still counted towards the lockout: its own write survived the refusal.
    assert User.objects.get(pool_id=pool, username="dave").failed_sign_ins == 1

    events = all_events(cloudtrail(live_server.url), LookupAttributes=[{"AttributeKey": "EventSource", "AttributeValue": "cognito-idp.amazonaws.com"}])
    names = [event["EventName"] for event in events]
    assert names == [  # newest first
        "DescribeUserPool", "AdminSetUserPassword", "InitiateAuth", "InitiateAuth", "SignUp",
        "AdminSetUserPassword", "AdminCreateUser", "CreateUserPoolClient", "CreateUserPool",
    ]
    by_name = _by_name(events)

    created = trail(by_name["CreateUserPool"][0])
    assert created["eventVersion"] == "1.08" and created["eventType"] == "AwsApiCall"
    assert created["userIdentity"] == {"type": "Root", "principalId": settings.ACCOUNT_ID, "arn": ROOT_ARN,
                                       "accountId": settings.ACCOUNT_ID, "accessKeyId": settings.ROOT_ACCESS_KEY_ID}
    assert (created["eventSource"], created["awsRegion"], created["sourceIPAddress"]) == ("cognito-idp.amazonaws.com", settings.REGION, "127.0.0.1")
    assert created["userAgent"].startswith("Boto3/") and created["readOnly"] is False and "errorCode" not in created
    assert created["requestParameters"]["PoolName"] == "audited"
    assert by_name["CreateUserPool"][0]["Username"] == "root" and by_name["CreateUserPool"][0]["AccessKeyId"] == settings.ROOT_ACCESS_KEY_ID

    made_user = by_name["AdminCreateUser"][0]
    assert trail(made_user)["requestParameters"]["TemporaryPassword"] == HIDDEN
    assert made_user["Resources"] == [{"ResourceType": "AWS::Cognito::UserPool", "ResourceName": pool}]

    signed_up = trail(by_name["SignUp"][0])
    assert signed_up["userIdentity"] == {"type": "Unknown", "principalId": "Anonymous"}
    assert signed_up["requestParameters"]["Password"] == HIDDEN

    failed_sign_in, sign_in = (trail(event) for event in by_name["InitiateAuth"])
    assert sign_in["userIdentity"] == {"type": "Unknown", "principalId": "Anonymous"} and "errorCode" not in sign_in
    assert sign_in["requestParameters"]["AuthParameters"] == HIDDEN and sign_in["requestParameters"]["AuthFlow"] == "USER_PASSWORD_AUTH"
    assert failed_sign_in["errorCode"] == "NotAuthorizedException" and failed_sign_in["errorMessage"] == "Incorrect username or password."
    assert "Username" not in by_name["InitiateAuth"][0] and "AccessKeyId" not in by_name["InitiateAuth"][0]

    refused = trail(by_name["AdminSetUserPassword"][0])
    assert refused["errorCode"] == "AccessDeniedException" and "is not authorized to perform" in refused["errorMessage"]
    assert refused["userIdentity"]["type"] == "IAMUser" and refused["userIdentity"]["userName"] == "mallory"
    assert refused["userIdentity"]["arn"] == f"arn:aws:iam::{settings.ACCOUNT_ID}:user/mallory"
    assert refused["userIdentity"]["principalId"].startswith("AIDA")
    assert by_name["AdminSetUserPassword"][0]["AccessKeyId"] == key.access_key_id and by_name["AdminSetUserPassword"][0]["Username"] == "mallory"
    assert refused["requestParameters"]["Password"] == HIDDEN

    unauthenticated = trail(by_name["DescribeUserPool"][0])
    assert unauthenticated["errorCode"] == "InvalidSignatureException" and unauthenticated["readOnly"] is True
    assert unauthenticated["userIdentity"] == {"type": "Unknown", "principalId": "Anonymous", "accessKeyId": settings.ROOT_ACCESS_KEY_ID}

    # No secret anywhere: not in any column of any row, nor in what lookup returns.
    secrets = [TEMP_PASSWORD, PASSWORD, WRONG_PASSWORD, SIGNUP_PASSWORD, STOLEN_PASSWORD, key.secret_access_key,
               settings.ROOT_SECRET_ACCESS_KEY, tokens["AuthenticationResult"]["AccessToken"], tokens["AuthenticationResult"]["RefreshToken"]]
    dump = table_dump() + repr(events)
    for secret in secrets:
        assert secret not in dump


def test_every_front_is_recorded_and_lookup_itself_is_a_read_only_event(live_server):
    from tests.userpools.test_rest_api import RestClient

    make_client(live_server.url, "sts").get_caller_identity()
    RestClient(live_server.url).get("/userpools")
    ct = cloudtrail(live_server.url)
    ct.lookup_events(MaxResults=1)
    rows = list(Event.objects.order_by("event_time").values_list("event_source", "event_name", "read_only", "error_code"))
    assert rows == [
        ("sts.amazonaws.com", "GetCallerIdentity", True, ""),
        ("cognito-idp.amazonaws.com", "ListUserPools", True, ""),
        # CloudTrail records its own LookupEvents calls as read-only management events.
        ("cloudtrail.amazonaws.com", "LookupEvents", True, ""),
    ]


def test_rest_calls_carry_their_user_agent(live_server):
    import http.client
    from urllib.parse import urlsplit

    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    request = AWSRequest(method="GET", url=live_server.url + "/api/v1/userpools", headers={"User-Agent": "audit-rest/1.0"})
    SigV4Auth(Credentials(settings.ROOT_ACCESS_KEY_ID, settings.ROOT_SECRET_ACCESS_KEY), "cognito-idp", "us-east-1").add_auth(request)
    connection = http.client.HTTPConnection(urlsplit(live_server.url).netloc, timeout=30)
    try:
        connection.request("GET", "/api/v1/userpools", headers=dict(request.headers.items()))
        assert connection.getresponse().status == 200
    finally:
        connection.close()
    event = Event.objects.get(event_name="ListUserPools")
    assert (event.user_agent, event.identity_type, event.error_code) == ("audit-rest/1.0", "Root", "")


def test_kms_calls_are_recorded_with_the_key_as_resource(live_server):
    kms = make_client(live_server.url, "kms")
    with pytest.raises(ClientError):
        kms.encrypt(KeyId="alias/does-not-exist", Plaintext=b"secret-plaintext-audit")
    event = Event.objects.get(event_source="kms.amazonaws.com")
    assert event.event_name == "Encrypt" and event.error_code
    assert "secret-plaintext-audit" not in table_dump()


def test_identity_provider_secrets_are_hidden(live_server):
    """ProviderDetails is a plain string map (nothing botocore marks sensitive), yet carries the
    provider's client secret, or Sign in with Apple's private key."""
    idp = make_client(live_server.url)
    pool = idp.create_user_pool(PoolName="federated")["UserPool"]["Id"]
    idp.create_identity_provider(UserPoolId=pool, ProviderName="Corp", ProviderType="OIDC", ProviderDetails={
        "client_id": "corp-client", "client_secret": "oidc-secret-audit", "attributes_request_method": "GET",
        "oidc_issuer": "https://issuer.example.com", "authorize_scopes": "openid email"})
    idp.update_identity_provider(UserPoolId=pool, ProviderName="Corp", ProviderDetails={"client_secret": "rotated-secret-audit"})
    with pytest.raises(ClientError):  # refused, still recorded: a key spelled otherwise is hidden too
        idp.create_identity_provider(UserPoolId=pool, ProviderName="Apple", ProviderType="SignInWithApple", ProviderDetails={
            "client_id": "com.example", "Private_Key": "apple-key-audit"})
    created = Event.objects.get(event_name="CreateIdentityProvider", error_code="")
    details = created.request_parameters["ProviderDetails"]
    assert details["client_secret"] == HIDDEN and details["client_id"] == "corp-client"
    assert Event.objects.get(event_name="UpdateIdentityProvider").request_parameters["ProviderDetails"] == {"client_secret": HIDDEN}
    dump = table_dump()
    assert "oidc-secret-audit" not in dump and "rotated-secret-audit" not in dump and "apple-key-audit" not in dump
