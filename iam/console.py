"""IAM changes made in the Django admin site, in the audit trail.

The admin edits IAM's models directly (forms validated by the API's own parsers), not through
the API. So that no IAM change goes unrecorded, each add, change and delete of an IAM user,
group, role, managed policy, access key or OIDC provider made there is recorded under the IAM
operation it stands for, with the admin account as the caller and the entity named by the
members the API names it by. A change's record also carries the admin's own description of
what changed (fields, inline policies, access keys) as `additionalEventData.changes`.

Each record is written in the change's transaction, as the API's are: the admin runs adding,
changing and deleting one object in a transaction, and `AuditedAdmin` runs a bulk delete in one.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from awsapi import admin_site, audit
from iam.models import AccessKey, Group, ManagedPolicy, OpenIDConnectProvider, Principal, Role
from iam.operations import IAM


@dataclass(frozen=True)
class _Operations:
    create: str
    update: str
    delete: str
    names: Callable[[Any], dict[str, Any]]  # the request members that name the entity, as the API's


OPERATIONS: dict[type[models.Model], _Operations] = {
    Principal: _Operations("CreateUser", "UpdateUser", "DeleteUser", lambda user: {"UserName": user.name, "Path": user.path}),
    Group: _Operations("CreateGroup", "UpdateGroup", "DeleteGroup", lambda group: {"GroupName": group.name, "Path": group.path}),
    Role: _Operations("CreateRole", "UpdateRole", "DeleteRole", lambda role: {"RoleName": role.name, "Path": role.path}),
    # IAM has no single call for what a policy's or a provider's admin page changes (a policy's new
    # default version, attachments and description; a provider's client ids and thumbprints):
    # "UpdatePolicy" and "UpdateOpenIDConnectProvider" are the admin's own names.
    ManagedPolicy: _Operations("CreatePolicy", "UpdatePolicy", "DeletePolicy", lambda policy: {"PolicyArn": policy.arn(settings.ACCOUNT_ID)}),
    AccessKey: _Operations("CreateAccessKey", "UpdateAccessKey", "DeleteAccessKey",
                           lambda key: {"UserName": key.principal.name, "AccessKeyId": key.access_key_id, "Status": key.status}),
    OpenIDConnectProvider: _Operations("CreateOpenIDConnectProvider", "UpdateOpenIDConnectProvider", "DeleteOpenIDConnectProvider",
                                       lambda provider: {"OpenIDConnectProviderArn": provider.arn(settings.ACCOUNT_ID)}),
}


def record(request: HttpRequest, operation: str, members: dict[str, Any], changes: Any = None) -> None:
    """Record `operation` with `members` as the request's admin account made it (call inside the change's transaction)."""
    described = {"changes": changes} if changes else None
    audit.emit(admin_site.call_record(request, IAM, operation, members, additional_event_data=described))


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin of an IAM model whose adds, changes and deletes are in the audit trail."""

    def _record(self, request: HttpRequest, step: str, obj: models.Model, changes: Any = None) -> None:
        operations = OPERATIONS[type(obj)]
        record(request, getattr(operations, step), operations.names(obj), changes)

    def log_addition(self, request, obj, message):
        self._record(request, "create", obj)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._record(request, "update", obj, message)  # the admin's list of what changed
        return super().log_change(request, obj, message)

    def delete_model(self, request, obj):
        self._record(request, "delete", obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # The admin's bulk delete runs outside a transaction: the records and the deletion commit together here.
        with transaction.atomic(using=queryset.db):
            for obj in queryset:
                self._record(request, "delete", obj)
            super().delete_queryset(request, queryset)
