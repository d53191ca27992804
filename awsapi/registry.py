"""Operation registry: (target prefix, operation name) -> handler, with its auth needs.

Handlers take the validated request members and a CallContext and return the response members.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Callable

import botocore.session
from django.conf import settings

from iam.models import Principal


@dataclass(frozen=True)
class AwsService:
    target_prefix: str  # X-Amz-Target prefix, e.g. AWSCognitoIdentityProviderService
    model_name: str  # botocore service name, e.g. cognito-idp
    iam_prefix: str  # IAM action prefix, e.g. cognito-idp


COGNITO_IDP = AwsService("AWSCognitoIdentityProviderService", "cognito-idp", "cognito-idp")
KMS = AwsService("TrentService", "kms", "kms")


@dataclass
class CallContext:
    principal: Principal | None
    source_ip: str | None
    extras: dict[str, Any] = field(default_factory=dict)


Handler = Callable[[dict, CallContext], dict]


@dataclass(frozen=True)
class Operation:
    service: AwsService
    name: str
    handler: Handler

    @functools.cached_property
    def model(self):
        return service_model(self.service.model_name).operation_model(self.name)

    @property
    def needs_signature(self) -> bool:
        return self.model.auth_type != "none"

    @property
    def action(self) -> str:
        return f"{self.service.iam_prefix}:{self.name}"

    def resource(self, params: dict) -> str:
        if "UserPoolId" in params:
            return f"arn:aws:cognito-idp:{settings.REGION}:{settings.ACCOUNT_ID}:userpool/{params['UserPoolId']}"
        if self.service is KMS and "KeyId" in params:
            from kms.keys import key_arn  # NotFoundException for names no key has

            return key_arn(params["KeyId"])
        return params.get("ResourceArn") or "*"


_OPERATIONS: dict[tuple[str, str], Operation] = {}


def operation(service: AwsService, name: str | None = None) -> Callable[[Handler], Handler]:
    """Register a handler; the operation name defaults to the function name in CamelCase."""

    def register(func: Handler) -> Handler:
        op_name = name or "".join(part.capitalize() for part in func.__name__.split("_"))
        service_model(service.model_name).operation_model(op_name)  # fail fast on a typo
        _OPERATIONS[(service.target_prefix, op_name)] = Operation(service, op_name, func)
        return func

    return register


def find(target_prefix: str, name: str) -> Operation | None:
    _load_handlers()
    return _OPERATIONS.get((target_prefix, name))


def all_operations() -> list[Operation]:
    _load_handlers()
    return list(_OPERATIONS.values())


@functools.cache
def service_model(name: str):
    return botocore.session.get_session().get_service_model(name)


@functools.cache
def _load_handlers() -> None:
    import kms.api  # noqa: F401  (each registers its operations)
    import userpools.api.aws  # noqa: F401
