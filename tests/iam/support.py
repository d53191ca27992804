"""Helpers for IAM tests: root clients, users with keys and policies, documents."""
from __future__ import annotations

import json

from django.conf import settings

from tests.conftest import make_client

ACCOUNT = settings.ACCOUNT_ID


def doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action, resource="*", **extra) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def trust(principal: dict | str, **extra) -> str:
    return json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole", **extra}]}
    )


def user_with_key(iam, name: str, *policies: str):
    """An IAM user with inline policies and an access key; returns (key id, secret)."""
    iam.create_user(UserName=name)
    for index, policy in enumerate(policies):
        iam.put_user_policy(UserName=name, PolicyName=f"p{index}", PolicyDocument=policy)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def client_for(base_url: str, service: str, key_id: str, secret: str, token: str | None = None):
    import boto3
    from botocore.config import Config

    return boto3.client(
        service,
        endpoint_url=base_url,
        region_name="us-east-1",
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        aws_session_token=token,
        config=Config(retries={"max_attempts": 1}),
    )


def unvalidated(base_url: str, service: str):
    """A root client that sends what it is given, so the server's own validation is seen."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        service, endpoint_url=base_url, region_name="us-east-1", aws_access_key_id=settings.ROOT_ACCESS_KEY_ID,
        aws_secret_access_key=settings.ROOT_SECRET_ACCESS_KEY,
        config=Config(retries={"max_attempts": 1}, parameter_validation=False),
    )


def clients(base_url: str, key_id: str, secret: str, token: str | None = None) -> dict:
    return {name: client_for(base_url, name, key_id, secret, token) for name in ("iam", "sts", "cognito-idp")}


__all__ = ["make_client", "doc", "allow", "deny", "trust", "user_with_key", "client_for", "clients", "ACCOUNT"]
