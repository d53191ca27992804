"""Shared fixtures: a live server with boto3 clients signed by the root key."""
from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from django.conf import settings

# The browser fixtures are defined once for the whole run: a fixture imported into several test
# modules would be defined (and its session-wide Playwright started) once per module.
pytest_plugins = ["tests.browser"]

REGION = "us-east-1"


def make_client(base_url: str, service: str = "cognito-idp", key_id: str | None = None, secret: str | None = None):
    return boto3.client(
        service,
        endpoint_url=base_url,
        region_name=REGION,
        aws_access_key_id=key_id or settings.ROOT_ACCESS_KEY_ID,
        aws_secret_access_key=secret or settings.ROOT_SECRET_ACCESS_KEY,
        config=Config(retries={"max_attempts": 1}),
    )


@pytest.fixture
def idp(live_server):
    """A cognito-idp client against the live server, signed by the root key."""
    client = make_client(live_server.url)
    yield client
    client.close()


@pytest.fixture
def unsigned_idp(live_server):
    from botocore import UNSIGNED

    return boto3.client(
        "cognito-idp", endpoint_url=live_server.url, region_name=REGION, config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1})
    )


@pytest.fixture
def pool_id(idp):
    return idp.create_user_pool(PoolName="test-pool")["UserPool"]["Id"]


def error_code(excinfo) -> str:
    return excinfo.value.response["Error"]["Code"]
