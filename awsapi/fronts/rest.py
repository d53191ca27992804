"""The REST adapter: resource-oriented routes that run registered AWS operations.

A route names an AWS operation of a service; the view builds its request members from the URL
path (through the route's `bind`), the query string (snake_case member names) and the JSON body
(AWS member names), then runs the shared pipeline (`awsapi.pipeline`). SigV4 routes are
authenticated by DRF's `iam.rest_auth.SigV4Authentication` (the same `iam.services.authenticate`
the pipeline uses) so OpenAPI and `WWW-Authenticate` describe them; refusals there are recorded
for the audit trail too. No use case lives here.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from awsapi import pipeline, registry
from awsapi.fronts import limits
from awsapi.fronts.rest_errors import error_body, rest_status
from awsapi.fronts.rest_params import parse_body, parse_query
from awsapi.fronts.rest_schema import RouteSchema
from awsapi.registry import AwsService, Operation
from core import errors
from core.net import client_ip
from iam.rest_auth import IsSignedRequest, SignatureRejected, SigV4Authentication

SIGV4, BEARER, PUBLIC = "sigv4", "bearer", "public"
_TOKEN_MEMBER = "AccessToken"


class BearerAccessToken(authentication.BaseAuthentication):
    """Takes `Authorization: Bearer <AccessToken>` as is; the operation verifies the token."""

    def authenticate(self, request):
        scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return (None, token.strip())

    def authenticate_header(self, request) -> str:
        return "Bearer"  # makes DRF answer 401 when the token is missing


class HasBearerToken(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, str)


# How each kind of route is authenticated: SigV4 keys (admin), a user's access token, or nothing.
_AUTHENTICATION = {
    SIGV4: ([SigV4Authentication], [IsSignedRequest]),
    BEARER: ([BearerAccessToken], [HasBearerToken]),
    PUBLIC: ([], [permissions.AllowAny]),
}


def bind_kwargs(kwargs: Mapping[str, str]) -> dict[str, Any]:
    """URL variables named as the members they stand for."""
    return dict(kwargs)


@dataclass(frozen=True)
class Route:
    service: AwsService
    operation: str  # the AWS operation this route runs, e.g. "CreateUserPool"
    tag: str  # OpenAPI grouping
    status: int = 200  # when the operation answers with members; an empty answer is always 204
    defaults: Mapping[str, Any] = field(default_factory=dict)  # for members AWS requires but REST makes optional
    bind: Callable[[Mapping[str, str]], dict[str, Any]] = bind_kwargs  # URL variables -> members
    auth: str = SIGV4  # SIGV4, BEARER (the access token is the AccessToken member) or PUBLIC

    def bound_members(self, kwargs: Mapping[str, str]) -> set[str]:
        """Members the URL or the credentials supply, so the body may not."""
        return set(self.bind(kwargs)) | ({_TOKEN_MEMBER} if self.auth == BEARER else set())

    def model(self):
        return registry.service_model(self.service.model_name).operation_model(self.operation)

    def resolve(self) -> Operation:
        # Looked up per request so a route may be declared before its handler is registered.
        op = registry.find(self.service.target_prefix, self.operation)
        if op is None:
            raise errors.UnknownOperationException(f"{self.operation} is not available on this server yet.")
        return op


class LimitedJSONParser(JSONParser):
    """DRF's JSON parser behind the fronts' input limits: size, then depth, before `json.loads`."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = stream.read() if stream is not None else b""
        if len(data) > settings.AWS_MAX_REQUEST_BYTES:
            raise errors.RequestEntityTooLargeException(f"Request body exceeds the limit of {settings.AWS_MAX_REQUEST_BYTES} bytes.")
        return limits.parse_json(data) if data else {}


class RouteView(APIView):
    """Runs the route of the request's method. Subclassed per URL by `route_view`."""

    routes: Mapping[str, Route] = {}
    parser_classes = [LimitedJSONParser]
    schema = RouteSchema()

    def get(self, request: Request, **kwargs: str) -> Response:
        return self.run(request, kwargs)

    post = put = patch = delete = get

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """DRF authenticates here; a refused signature is a call the audit trail must see."""
        try:
            super().initial(request, *args, **kwargs)
        except SignatureRejected as exc:
            self._record_refusal(request, kwargs, exc.error)
            raise
        except exceptions.NotAuthenticated:
            self._record_refusal(request, kwargs, errors.MissingAuthenticationTokenException())
            raise

    def _record_refusal(self, request: Request, kwargs: Mapping[str, str], error: errors.ServiceError) -> None:
        route = self.routes.get(request.method or "")
        if route is None or route.auth != SIGV4:
            return
        op = registry.find(route.service.target_prefix, route.operation)
        if op is not None:
            caller = pipeline.Caller(source_ip=client_ip(request.META), access_key_id=pipeline.SignedRequest.of(request._request).access_key_id,
                                     user_agent=pipeline.user_agent(request._request))
            pipeline.record(op, route.bind(kwargs), caller, error)

    def run(self, request: Request, kwargs: Mapping[str, str]) -> Response:
        route = self.routes[request.method]
        op = route.resolve()
        shape = op.model.input_shape
        bound_params = route.bind(kwargs)
        if route.auth == BEARER:
            bound_params[_TOKEN_MEMBER] = request.auth
        bound = set(bound_params)
        params = {**route.defaults, **parse_query(shape, request.query_params, bound)}
        if request.method != "GET":
            params.update(parse_body(shape, request.data, bound))
        params.update(bound_params)
        principal = request.user if route.auth == SIGV4 else None
        caller = pipeline.Caller(source_ip=client_ip(request.META), principal=principal, user_agent=pipeline.user_agent(request._request))
        if principal is not None:
            caller.access_key_id = pipeline.SignedRequest.of(request._request).access_key_id
        output = pipeline.run(op, params, caller)
        if not output:
            return Response(status=204)
        return Response(output, status=route.status)


def route_view(**routes: Route):
    """A view class for one URL; keyword names are HTTP methods (GET=..., POST=...)."""
    methods = [method.upper() for method in routes]
    kinds = {route.auth for route in routes.values()}
    if len(kinds) != 1:
        raise ValueError("All methods of one URL must share one kind of authentication.")
    authentication_classes, permission_classes = _AUTHENTICATION[kinds.pop()]
    attributes = {
        "routes": {method.upper(): route for method, route in routes.items()},
        "http_method_names": [method.lower() for method in methods] + ["options"],
        "authentication_classes": authentication_classes,
        "permission_classes": permission_classes,
        "signing_name": next(iter(routes.values())).service.signing_name,  # SigV4Authentication checks the scope
    }
    name = "".join(route.operation for route in routes.values())[:80] + "View"
    # A class per URL (not initkwargs) so the schema generator sees only the methods it serves.
    view_class: type[RouteView] = type(name, (RouteView,), attributes)
    return view_class.as_view()


def no_route(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Unknown URLs under the REST prefix answer in the API's error format, not Django's HTML page."""
    error = errors.ResourceNotFoundException(f"No REST route matches {request.path}.")
    return JsonResponse(error_body(error), status=rest_status(error))


class BearerScheme(OpenApiAuthenticationExtension):
    target_class = BearerAccessToken
    name = "accessToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "A user-pool access token."}
