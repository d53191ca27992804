"""User-pool REST routes: how URL variables bind to request members of COGNITO_IDP operations."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from awsapi.fronts import rest
from userpools.api.operations import COGNITO_IDP, pool_arn

# URL variables and the request members they stand for.
PATH_MEMBERS = {
    "pool_id": "UserPoolId",
    "client_id": "ClientId",
    "group_name": "GroupName",
    "username": "Username",
    "identifier": "Identifier",
    "device_key": "DeviceKey",
    "job_id": "JobId",
}


def bind_path(kwargs: Mapping[str, str]) -> dict[str, Any]:
    return {PATH_MEMBERS[name]: value for name, value in kwargs.items()}


def bind_pool_arn(kwargs: Mapping[str, str]) -> dict[str, Any]:
    """Tag operations address the pool by ARN."""
    return {"ResourceArn": pool_arn(kwargs["pool_id"])}


def route(operation: str, tag: str, **options: Any) -> rest.Route:
    """A REST route running a user-pool operation; URL variables bind by PATH_MEMBERS."""
    options.setdefault("bind", bind_path)
    return rest.Route(COGNITO_IDP, operation, tag, **options)
