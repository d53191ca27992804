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


@pytest.fixture(autouse=True, scope="session")
def reads_only_operations_write_nothing():
    """Every operation a service lists in `reads_only` runs outside a transaction (awsapi.pipeline),
    so a write in one would commit on its own: throughout the suite, such a handler's INSERT,
    UPDATE or DELETE fails the test that made it."""
    import dataclasses

    from awsapi import registry

    kept = [op for op in registry.REGISTRY.operations() if op.name in op.service.reads_only]
    for op in kept:
        registry.REGISTRY.replace(dataclasses.replace(op, handler=_refusing_writes(op.name, op.handler)))
    yield
    for op in kept:
        registry.REGISTRY.replace(op)


def _refusing_writes(name, handler):
    import functools
    from contextlib import ExitStack

    from django.db import connections

    def refuse(execute, sql, params, many, context):
        assert sql.lstrip()[:6].upper() not in ("INSERT", "UPDATE", "DELETE"), f"{name} is listed in reads_only but wrote: {sql[:200]}"
        return execute(sql, params, many, context)

    @functools.wraps(handler)  # inspect.unwrap gives the handler back
    def guarded(params, context):
        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(refuse))
            return handler(params, context)

    return guarded
