"""A record is written in the transaction of the change it describes, or not at all."""
from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from django.conf import settings

from audit.models import Event
from awsapi import audit, registry
from awsapi.registry import Operation
from core import errors
from tests.conftest import error_code, make_client
from userpools.models import User, UserPool

pytestmark = pytest.mark.django_db(transaction=True)


def _no_retry_client(base_url: str):
    """One attempt only (legacy `max_attempts: 1` would still retry a 500 once)."""
    return boto3.client("cognito-idp", endpoint_url=base_url, region_name="us-east-1", aws_access_key_id=settings.ROOT_ACCESS_KEY_ID,
                        aws_secret_access_key=settings.ROOT_SECRET_ACCESS_KEY, config=Config(retries={"mode": "standard", "total_max_attempts": 1}))


def _replace_handler(request, name: str, handler) -> None:
    real = registry.find("AWSCognitoIdentityProviderService", name)
    assert real is not None
    registry.REGISTRY.replace(Operation(real.service, real.name, handler(real.handler)))
    request.addfinalizer(lambda: registry.REGISTRY.replace(real))


@pytest.mark.parametrize("failure, code", [
    (errors.InvalidParameterException("refused after writing"), "InvalidParameterException"),
    (RuntimeError("a bug after writing"), "InternalErrorException"),
])
def test_a_handler_that_raises_after_writing_leaves_only_the_failure_record(live_server, request, failure, code):
    def raising_after(real):
        def handler(params, context):
            real(params, context)  # the pool is written ...
            raise failure  # ... and then the call fails

        return handler

    _replace_handler(request, "CreateUserPool", raising_after)
    with pytest.raises(ClientError) as excinfo:
        _no_retry_client(live_server.url).create_user_pool(PoolName="doomed")
    assert error_code(excinfo) == code
    assert not UserPool.objects.exists()  # the change rolled back
    assert list(Event.objects.values_list("event_name", "error_code")) == [("CreateUserPool", code)]


def test_a_change_whose_record_cannot_be_written_rolls_back(live_server):
    def trail_down_for_successes(record: audit.CallRecord) -> None:
        if record.error_code is None:
            raise RuntimeError("trail unavailable")

    idp = _no_retry_client(live_server.url)
    pool = idp.create_user_pool(PoolName="kept")["UserPool"]["Id"]
    audit.add_receiver(trail_down_for_successes, required=True)
    try:
        with pytest.raises(ClientError) as excinfo:
            idp.admin_create_user(UserPoolId=pool, Username="ghost", MessageAction="SUPPRESS")
    finally:
        audit.remove_receiver(trail_down_for_successes)
    assert error_code(excinfo) == "InternalErrorException"
    assert not User.objects.filter(username="ghost").exists()  # no unaudited change
    assert list(Event.objects.order_by("event_time").values_list("event_name", "error_code")) == [
        ("CreateUserPool", ""), ("AdminCreateUser", "InternalErrorException"),
    ]


def test_refused_sign_ins_keep_their_lockout_counts_and_are_recorded(live_server, unsigned_idp):
    idp = make_client(live_server.url)
    pool = idp.create_user_pool(PoolName="locks")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=pool, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])[
        "UserPoolClient"
    ]["ClientId"]
    idp.admin_create_user(UserPoolId=pool, Username="dave", TemporaryPassword="Temp-Pass-123!", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool, Username="dave", Password="Real-Pass-123!", Permanent=True)
    for _ in range(3):
        with pytest.raises(ClientError):
            unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "dave", "PASSWORD": "nope-nope-1A!"})
    assert User.objects.get(username="dave").failed_sign_ins == 3
    assert Event.objects.filter(event_name="InitiateAuth", error_code="NotAuthorizedException").count() == 3
