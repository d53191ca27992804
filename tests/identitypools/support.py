"""Helpers for identity-pool tests: clients, a user pool with a signed-in user, roles trusted by
cognito-identity.amazonaws.com."""
from __future__ import annotations

import json

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from django.conf import settings

from tests.conftest import make_client
from tests.iam.support import ACCOUNT, client_for

PASSWORD = "Passw0rd!xy"
COGNITO = "cognito-identity.amazonaws.com"


def unsigned(base_url: str, service: str = "cognito-identity"):
    return boto3.client(service, endpoint_url=base_url, region_name="us-east-1", config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}))


def root_clients(base_url: str) -> dict:
    return {name: make_client(base_url, name) for name in ("cognito-identity", "cognito-idp", "iam", "sts")}


def user_pool(idp, name: str = "up") -> tuple[str, str]:
    """A user pool and an app client allowing password sign-in: (pool id, client id)."""
    pool = idp.create_user_pool(PoolName=name)["UserPool"]["Id"]
    client = idp.create_user_pool_client(
        UserPoolId=pool, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )["UserPoolClient"]["ClientId"]
    return pool, client


def sign_in(idp, pool: str, client: str, username: str, groups: tuple[str, ...] = (), **attributes: str) -> dict:
    """Create a confirmed user (in `groups`) and sign it in with USER_PASSWORD_AUTH: its tokens."""
    attrs = [{"Name": k, "Value": v} for k, v in attributes.items()]
    idp.admin_create_user(UserPoolId=pool, Username=username, TemporaryPassword="Temp0rary!x", MessageAction="SUPPRESS", UserAttributes=attrs)
    idp.admin_set_user_password(UserPoolId=pool, Username=username, Password=PASSWORD, Permanent=True)
    for group in groups:
        idp.admin_add_user_to_group(UserPoolId=pool, Username=username, GroupName=group)
    return idp.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD})[
        "AuthenticationResult"
    ]


def provider_name(pool: str) -> str:
    """A user pool's provider name as AWS writes it (the alias this service accepts)."""
    return f"cognito-idp.{settings.REGION}.amazonaws.com/{pool}"


def own_provider_name(pool: str) -> str:
    return settings.PUBLIC_URL.split("://", 1)[1] + "/" + pool


def cognito_trust(identity_pool: str, amr: str = "authenticated", actions: tuple[str, ...] = ("sts:AssumeRoleWithWebIdentity",)) -> str:
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow", "Principal": {"Federated": COGNITO}, "Action": list(actions),
            "Condition": {"StringEquals": {f"{COGNITO}:aud": identity_pool}, "ForAnyValue:StringLike": {f"{COGNITO}:amr": amr}},
        }],
    })


WEB = ("sts:AssumeRoleWithWebIdentity",)


def role(iam, name: str, identity_pool: str, policy: str | None, amr: str = "authenticated", actions: tuple[str, ...] = WEB) -> str:
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=cognito_trust(identity_pool, amr, actions))["Role"]["Arn"]
    if policy:
        iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=policy)
    return arn


def session(base_url: str, credentials: dict, service: str):
    return client_for(base_url, service, credentials["AccessKeyId"], credentials["SecretKey"], credentials["SessionToken"])


__all__ = ["ACCOUNT", "COGNITO", "unsigned", "root_clients", "user_pool", "sign_in", "provider_name", "role", "session"]
