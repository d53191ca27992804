"""Honour this service's credentials in a Django REST framework backend, in-process.

    from identitypools.drf import IamPermission, SigV4TemporaryCredentialsAuthentication

    class NoteView(APIView):
        authentication_classes = [SigV4TemporaryCredentialsAuthentication]
        permission_classes = [IamPermission]
        iam_action = "myapp:ReadNote"                      # or {"GET": "myapp:ReadNote", "DELETE": ...}
        iam_resource = "arn:aws:myapp:::note/{owner}/{pk}"     # formatted with the URL's kwargs

The authentication class verifies SigV4 (temporary credentials with `X-Amz-Security-Token`, or a
long-term IAM user key) with the same `iam.services.authenticate` as the AWS API, and sets
`request.user` to the `iam.models.Principal` or `iam.services.Session`. The permission evaluates
the view's action on its resource with `iam.services.decide`; a refusal is 403
`AccessDeniedException` naming the principal, action and resource (with the project's
`awsapi.fronts.rest_errors.exception_handler`; DRF's default handler shows it as `detail`).
The process needs this service's database and settings (keys, roles, ENCRYPTION_KEY); other
backends call `POST /api/v1/authorize` instead (`identitypools.authorizer`).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from core.net import client_ip
from iam import services as iam
from iam.models import Principal
from iam.rest_auth import SigV4Authentication
from iam.services import AccessDecision
from iam.services.identity import Session

ResourceResolver = Callable[[Request, Any, Any], str | None]
"""`(request, view, obj) -> resource ARN`; `obj` is None in the view-level check, and returning
None there defers the decision to the object-level check (`get_object()`)."""


class SigV4TemporaryCredentialsAuthentication(SigV4Authentication):
    """SigV4 verified in-process: STS or identity-pool temporary credentials and IAM user keys.

    No `Authorization` header: not authenticated (a permission then answers 401). A bad, expired
    or unknown signature: 401 with the AWS error (`InvalidSignatureException`, `ExpiredTokenException`, ...).
    The signature covers the Host header the client signed: a proxy in front must pass it on.
    """


def _is_signed(request: Request) -> bool:
    return isinstance(request.user, (Principal, Session))


def _action_for(declared: str | dict[str, str] | None, request: Request, view: Any) -> str | None:
    if isinstance(declared, dict):  # keyed by the viewset action ("retrieve") or the HTTP method
        return declared.get(getattr(view, "action", None) or "") or declared.get(request.method or "")
    return declared


def _template_resource(template: str, view: Any) -> str:
    return template.format(**getattr(view, "kwargs", {}))


class IamPermission(BasePermission):
    """Allow the request when the signer's IAM policies allow the view's action on its resource.

    The view declares `iam_action` (a string, or a dict keyed by viewset action or HTTP method) and
    either `iam_resource` (a template formatted with the URL kwargs) or a method
    `get_iam_resource(request, obj=None)` (returning None without an object defers the check to
    `check_object_permissions`, which the view must then call). Optionally
    `get_iam_context(request)` adds condition keys in the action's namespace (`myapp:...`; others
    are ignored: they come from the credentials). The decision is kept on the request as
    `request.iam_decision`. A view without a declared action or resource is refused (fail closed).
    """

    action: str | dict[str, str] | None = None
    resource: str | ResourceResolver | None = None

    def has_permission(self, request: Request, view: Any) -> bool:
        if not _is_signed(request):
            return False  # DRF answers 401 MissingAuthenticationToken
        resource = self._resource(request, view, None)
        if resource is None:
            if self._per_object(view):
                return True  # decided in has_object_permission (the view must call check_object_permissions)
            self.message = "No IAM resource is declared for this view."
            return False  # fail closed
        return self._check(request, view, resource)

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        resource = self._resource(request, view, obj)
        if resource is None:
            self.message = "No resource ARN could be resolved for this request."
            return False
        return self._check(request, view, resource)

    def _per_object(self, view: Any) -> bool:
        """Whether a resolver is declared that may need the object (it answered None without one)."""
        declared = self.resource if self.resource is not None else getattr(view, "iam_resource", None)
        return callable(declared) or (declared is None and getattr(view, "get_iam_resource", None) is not None)

    def _resource(self, request: Request, view: Any, obj: Any) -> str | None:
        resource = self.resource if self.resource is not None else getattr(view, "iam_resource", None)
        if callable(resource):
            return resource(request, view, obj)
        if isinstance(resource, str):
            return _template_resource(resource, view)
        getter = getattr(view, "get_iam_resource", None)
        if getter is not None:
            return getter(request, obj)
        return None

    def _check(self, request: Request, view: Any, resource: str) -> bool:
        declared = self.action if self.action is not None else getattr(view, "iam_action", None)
        action = _action_for(declared, request, view)
        if not action:
            self.message = f"No IAM action is declared for {request.method} on this view."
            return False
        context_getter = getattr(view, "get_iam_context", None)
        context = dict(context_getter(request)) if context_getter is not None else {}
        # Only keys in the action's own namespace: aws:* and a session's carried keys come from the credentials.
        prefix = action.split(":", 1)[0].lower() + ":"
        context = {key: value for key, value in context.items() if key.lower().startswith(prefix)}
        verdict = iam.decide(request.user, action, resource, source_ip=client_ip(request.META), context=context)
        _remember(request, verdict)
        if not verdict.allowed:
            self.message = verdict.message  # DRF raises PermissionDenied(self.message): AccessDeniedException
        return verdict.allowed


def _remember(request: Request, verdict: AccessDecision) -> None:
    request.iam_decision = verdict


def iam_permission(action: str | dict[str, str], resource: str | ResourceResolver) -> type[IamPermission]:
    """A permission class for one action and resource (a URL-kwargs template or a resolver
    `(request, view, obj) -> ARN`), for views that do not declare `iam_action` themselves."""
    return type("IamPermissionFor", (IamPermission,), {"action": action, "resource": staticmethod(resource) if callable(resource) else resource})
