"""The Django admin site as a caller in the audit trail: a change an admin makes is recorded as a
call by the admin account (it has no AWS principal: `audit.identity`'s AdminSiteAccount), under
the name of the AWS operation it stands for, with that operation's secrets hidden."""
from __future__ import annotations

from typing import Any

from botocore.model import OperationNotFoundError
from django.http import HttpRequest

from awsapi import audit
from awsapi.registry import AwsService
from core import request_context
from core.errors import ServiceError
from core.net import client_ip


def call_record(request: HttpRequest, service: AwsService, operation: str, params: dict[str, Any], *,
                error: ServiceError | None = None, additional_event_data: dict[str, Any] | None = None) -> audit.CallRecord:
    """The record of `operation` with `params`, made by the request's admin account."""
    try:
        shape = service.model.operation_model(operation).input_shape
    except OperationNotFoundError:  # an admin change no single API operation makes
        shape = None
    return audit.CallRecord(
        request_id=request_context.request_id(),  # the id of this request's log lines
        event_source=service.event_source,
        event_name=operation,
        source_ip=client_ip(request.META),
        principal_arn=None,
        access_key_id=None,
        request_parameters=audit.writable(audit.hide_sensitive(shape, params)),
        error_code=error.error_type if error else None,
        error_message=error.message if error else None,
        user_agent=request.headers.get("User-Agent"),
        admin_account=request.user.get_username(),
        additional_event_data=additional_event_data,
    )
