"""The REST API: resource-oriented routes that run the registered AWS operations.

A route names an AWS operation; the view builds its request members from the URL path, the query
string (snake_case member names) and the JSON body (AWS member names), then runs the same
validation, authorization and handler as the AWS JSON endpoint. No use case lives here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from django.conf import settings
from django.http import HttpRequest, JsonResponse, QueryDict
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, permissions
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from awsapi import registry
from awsapi.output import prune
from awsapi.registry import COGNITO_IDP, CallContext, Operation
from awsapi.validation import validate
from core import errors
from core.net import client_ip
from iam import services as iam
from iam.rest_auth import IsSignedRequest, SigV4Authentication
from userpools.api.rest_schema import RouteSchema

# URL variables and the request members they stand for.
PATH_MEMBERS = {
    "pool_id": "UserPoolId",
    "client_id": "ClientId",
    "group_name": "GroupName",
    "username": "Username",
    "identifier": "Identifier",
}


def bind_path(kwargs: Mapping[str, str]) -> dict[str, Any]:
    return {PATH_MEMBERS[name]: value for name, value in kwargs.items()}


def bind_pool_arn(kwargs: Mapping[str, str]) -> dict[str, Any]:
    """Tag operations address the pool by ARN."""
    return {"ResourceArn": f"arn:aws:cognito-idp:{settings.REGION}:{settings.ACCOUNT_ID}:userpool/{kwargs['pool_id']}"}


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


@dataclass(frozen=True)
class Route:
    operation: str  # the AWS operation this route runs, e.g. "CreateUserPool"
    tag: str  # OpenAPI grouping
    status: int = 200  # when the operation answers with members; an empty answer is always 204
    defaults: Mapping[str, Any] = field(default_factory=dict)  # for members AWS requires but REST makes optional
    bind: Callable[[Mapping[str, str]], dict[str, Any]] = bind_path
    auth: str = SIGV4  # SIGV4, BEARER (the access token is the AccessToken member) or PUBLIC

    def bound_members(self, kwargs: Mapping[str, str]) -> set[str]:
        """Members the URL or the credentials supply, so the body may not."""
        return set(self.bind(kwargs)) | ({_TOKEN_MEMBER} if self.auth == BEARER else set())

    def model(self):
        return registry.service_model(COGNITO_IDP.model_name).operation_model(self.operation)

    def resolve(self) -> Operation:
        # Looked up per request so a route may be declared before its handler is registered.
        op = registry.find(COGNITO_IDP.target_prefix, self.operation)
        if op is None:
            raise errors.UnknownOperationException(f"{self.operation} is not available on this server yet.")
        return op


def snake_case(member: str) -> str:
    """`MaxResults` -> `max_results`, `AttributesToGet` -> `attributes_to_get`."""
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", member)).lower()


def query_members(shape, bound: set[str]) -> dict[str, str]:
    """Query-parameter name -> member, for the members a URL does not already supply."""
    if shape is None:
        return {}
    return {snake_case(name): name for name in shape.members if name not in bound}


def body_members(shape, bound: set[str]) -> list[str]:
    return [name for name in (shape.members if shape is not None else ()) if name not in bound]


def _query_value(shape, values: list[str]) -> Any:
    if shape.type_name == "list":
        return values
    value = values[-1]
    # A value of the wrong form is passed on as given, so validation names the member.
    if shape.type_name in ("integer", "long") and re.fullmatch(r"-?\d+", value):
        return int(value)
    if shape.type_name == "boolean" and value in ("true", "false"):
        return value == "true"
    return value


def parse_query(shape, query: QueryDict, bound: set[str]) -> dict[str, Any]:
    names = query_members(shape, bound)
    params: dict[str, Any] = {}
    for key in query:
        member = names.get(key)
        if member is None:
            raise errors.InvalidParameterException(f"Unknown query parameter '{key}'.")
        params[member] = _query_value(shape.members[member], query.getlist(key))
    return params


def parse_body(shape, data: Any, bound: set[str]) -> dict[str, Any]:
    if not data:
        return {}
    if not isinstance(data, dict):
        raise errors.SerializationException("The request body must be a JSON object.")
    allowed = set(body_members(shape, bound))
    for name in data:
        if name not in allowed:
            where = "is taken from the URL" if name in bound else "is not a member of this request"
            raise errors.InvalidParameterException(f"'{name}' {where}.")
    return dict(data)


class RouteView(APIView):
    """Runs the route of the request's method. Subclassed per URL by `route_view`."""

    routes: Mapping[str, Route] = {}
    parser_classes = [JSONParser]
    schema = RouteSchema()

    def get(self, request: Request, **kwargs: str) -> Response:
        return self.run(request, kwargs)

    post = put = patch = delete = get

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
        validate(shape, params)
        principal = request.user if route.auth == SIGV4 else None
        if principal is not None:
            iam.authorize(principal, op.action, op.resource(params))
        output = prune(op.model.output_shape, op.handler(params, CallContext(principal=principal, source_ip=client_ip(request.META))) or {})
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
    }
    name = "".join(route.operation for route in routes.values())[:80] + "View"
    # A class per URL (not initkwargs) so the schema generator sees only the methods it serves.
    return type(name, (RouteView,), attributes).as_view()


def no_route(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Unknown URLs under /api/v1/ answer in the API's error format, not Django's HTML page."""
    error = errors.ResourceNotFoundException(f"No REST route matches {request.path}.")
    return JsonResponse({"__type": error.error_type, "message": error.message}, status=404)


class BearerScheme(OpenApiAuthenticationExtension):
    target_class = BearerAccessToken
    name = "accessToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "A user-pool access token."}
