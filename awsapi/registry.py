"""The operation registry: which AWS services and operations this server answers.

Nothing registers by being imported. Each app keeps one table module (`OPERATIONS = {"Name":
handler, ...}`) and hands it to `register()` from its `AppConfig.ready()`. A handler takes the
validated request members and a CallContext and returns the response members.

This module knows no app: per-operation IAM resources come from the resolver an app gives
with its service.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import botocore.session
from botocore.model import OperationModel, ServiceModel

from iam.models import Principal
from iam.services import Session

ResourceResolver = Callable[[str, dict], str]  # (operation name, request members) -> resource ARN
Precheck = Callable[[str, dict], None]  # (operation name, request members) -> raises the service's own error


def _any_resource(operation: str, params: dict) -> str:
    return "*"


@dataclass(frozen=True)
class AwsService:
    """One AWS service as the wire, IAM and the audit trail name it."""

    model_name: str  # botocore service name, e.g. "cognito-idp"
    iam_prefix: str  # IAM action prefix, e.g. "cognito-idp"
    signing_name: str  # SigV4 credential-scope service, e.g. "cognito-idp"
    event_source: str  # CloudTrail eventSource, e.g. "cognito-idp.amazonaws.com"
    target_prefix: str = ""  # X-Amz-Target prefix for JSON services, e.g. "AWSCognitoIdentityProviderService"
    resource: ResourceResolver = _any_resource
    # Checks the service makes before generic shape validation, raising its own errors
    # (CloudTrail's InvalidMaxResultsException where validation would say InvalidParameter).
    precheck: Precheck | None = None
    # Operations whose handlers commit some effects of a refused call on purpose (failed sign-in
    # and wrong-code counters), so the pipeline must not run them inside one transaction.
    own_transactions: frozenset[str] = frozenset()
    # Operations that change nothing: the audit record is their one write, a single INSERT that
    # is atomic alone, so they run outside a transaction (BEGIN and COMMIT are two round trips
    # of a read's five). Each statement reads its own snapshot either way.
    reads_only: frozenset[str] = frozenset()

    @property
    def model(self) -> ServiceModel:
        return service_model(self.model_name)

    @property
    def protocol(self) -> str:
        return self.model.protocol  # "json", "query", ...


@dataclass
class CallContext:
    """What a handler may know about the call besides its members."""

    principal: Principal | Session | None  # a long-term principal or an STS session
    source_ip: str | None
    access_key_id: str | None = None
    extras: dict[str, Any] = field(default_factory=dict)


Handler = Callable[[dict, CallContext], dict]


@dataclass(frozen=True)
class Operation:
    service: AwsService
    name: str
    handler: Handler

    @property
    def model(self) -> OperationModel:
        return _operation_model(self.service.model_name, self.name)

    @property
    def needs_signature(self) -> bool:
        """AWS marks the operations that take no signature (SignUp, InitiateAuth, ...) `auth_type: none`."""
        return self.model.auth_type != "none"

    @property
    def in_one_transaction(self) -> bool:
        """Whether the pipeline runs the handler and its audit record in one transaction."""
        return self.name not in self.service.own_transactions and self.name not in self.service.reads_only

    @property
    def action(self) -> str:
        return f"{self.service.iam_prefix}:{self.name}"

    def resource(self, params: dict) -> str:
        return self.service.resource(self.name, params)


class Registry:
    """Services by their wire names, operations by (service, name)."""

    def __init__(self) -> None:
        self._services: dict[str, AwsService] = {}
        self._operations: dict[tuple[str, str], Operation] = {}

    def add_service(self, service: AwsService) -> None:
        """Make a service known (its fronts answer for it) even before it has operations."""
        known = self._services.setdefault(service.model_name, service)
        if known != service:
            raise ValueError(f"Service {service.model_name} is already registered differently.")

    def register(self, service: AwsService, table: Mapping[str, Handler]) -> None:
        """Register an app's operations; a name botocore's model does not know fails here."""
        self.add_service(service)
        for name, handler in table.items():
            service.model.operation_model(name)  # raises botocore.model.OperationNotFoundError on a typo
            self._operations[(service.model_name, name)] = Operation(service, name, handler)

    def service_for_target(self, target_prefix: str) -> AwsService | None:
        return next((s for s in self._services.values() if target_prefix and s.target_prefix == target_prefix), None)

    def service_for_signing_name(self, signing_name: str) -> AwsService | None:
        return next((s for s in self._services.values() if s.signing_name == signing_name), None)

    def operation(self, service: AwsService, name: str) -> Operation | None:
        return self._operations.get((service.model_name, name))

    def operations(self) -> list[Operation]:
        return list(self._operations.values())

    def replace(self, operation: Operation) -> Operation:
        """Put `operation` in place of the registered one of its service and name, and return that
        one (tests wrap handlers, then put them back)."""
        key = (operation.service.model_name, operation.name)
        replaced = self._operations[key]
        self._operations[key] = operation
        return replaced


REGISTRY = Registry()


def register(service: AwsService, table: Mapping[str, Handler]) -> None:
    """Called from an app's `AppConfig.ready()` with its table of operations."""
    REGISTRY.register(service, table)


def find(target_prefix: str, name: str) -> Operation | None:
    """The operation an X-Amz-Target names, if registered."""
    service = REGISTRY.service_for_target(target_prefix)
    return REGISTRY.operation(service, name) if service else None


@functools.cache
def service_model(name: str) -> ServiceModel:
    return botocore.session.get_session().get_service_model(name)


@functools.cache
def _operation_model(service_name: str, name: str) -> OperationModel:
    return service_model(service_name).operation_model(name)
