"""The admin site as a front of the user-pool services: each change an admin makes runs the
same service as its Admin* API operation, and is recorded in the audit trail under that
operation's name with the admin account as the caller.

As in `awsapi.pipeline`, a change and the record of its success commit together (the audit
store is a required receiver); a refusal is recorded after its changes rolled back.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from django.db import transaction
from django.http import HttpRequest

from awsapi import admin_site, audit
from core.errors import ServiceError
from userpools.api.operations import COGNITO_IDP
from userpools.models import User

log = logging.getLogger(__name__)
Result = TypeVar("Result")


def _record(request: HttpRequest, operation: str, params: dict, error: ServiceError | None, user: User | None) -> audit.CallRecord:
    # Username is hidden in the trail (as CloudTrail hides it); the sub says whom a change was about.
    about = {"sub": str(user.sub)} if user is not None else None
    return admin_site.call_record(request, COGNITO_IDP, operation, params, error=error, additional_event_data=about)


def run(request: HttpRequest, operation: str, params: dict, change: Callable[[], Result], *, user: User | None = None) -> Result:
    """Make `change` (a service call doing `operation` with `params`, about `user`) as the request's admin."""
    try:
        with transaction.atomic():
            result = change()
            audit.emit(_record(request, operation, params, None, user))
    except ServiceError as exc:
        try:
            audit.emit(_record(request, operation, params, exc, user))
        except Exception:
            log.exception("Could not record the refused admin change %s", operation)
        raise
    return result
