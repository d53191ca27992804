"""REST endpoints for signed-in users, authorized by their access token (`Authorization:
Bearer <AccessToken>`) rather than SigV4:

    GET    /api/v1/me            GetUser
    PATCH  /api/v1/me            UpdateUserAttributes   {"UserAttributes": [...]}
    DELETE /api/v1/me            DeleteUser
    POST   /api/v1/me/password   ChangePassword         {"PreviousPassword", "ProposedPassword"}
    POST   /api/v1/me/sign-out   GlobalSignOut

Each runs the registered AWS operation (same validation, same service, same errors) with the
bearer token as its AccessToken.
"""
from __future__ import annotations

from django.urls import path
from rest_framework import authentication, permissions
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from awsapi import registry
from awsapi.registry import COGNITO_IDP, CallContext
from awsapi.validation import validate
from core import errors
from core.net import client_ip
from userpools.api.rest import parse_body

_TOKEN_MEMBER = "AccessToken"


class BearerAccessToken(authentication.BaseAuthentication):
    """Takes the bearer token as is; the operation verifies it (signature, expiry, revocation)."""

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


class MeView(APIView):
    """Subclassed per URL with `operations`: HTTP method -> AWS operation name."""

    operations: dict[str, str] = {}
    authentication_classes = [BearerAccessToken]
    permission_classes = [HasBearerToken]
    parser_classes = [JSONParser]
    schema = None  # not SigV4-described like the admin routes; documented in this module

    def get(self, request: Request) -> Response:
        return self.run(request)

    post = patch = delete = get

    def run(self, request: Request) -> Response:
        op = registry.find(COGNITO_IDP.target_prefix, self.operations[request.method])
        if op is None:
            raise errors.UnknownOperationException(f"{self.operations[request.method]} is not available on this server yet.")
        shape = op.model.input_shape
        params = parse_body(shape, request.data, {_TOKEN_MEMBER}) if request.method != "GET" else {}
        params[_TOKEN_MEMBER] = request.auth
        validate(shape, params)
        output = op.handler(params, CallContext(principal=None, source_ip=client_ip(request.META))) or {}
        if not (op.model.output_shape and op.model.output_shape.members):
            return Response(status=204)
        return Response(output)


def me_view(**operations: str):
    attributes = {
        "operations": {method.upper(): name for method, name in operations.items()},
        "http_method_names": [method.lower() for method in operations] + ["options"],
    }
    return type("".join(operations.values()) + "View", (MeView,), attributes).as_view()


urlpatterns = [
    path("me", me_view(GET="GetUser", PATCH="UpdateUserAttributes", DELETE="DeleteUser"), name="me"),
    path("me/password", me_view(POST="ChangePassword"), name="me-password"),
    path("me/sign-out", me_view(POST="GlobalSignOut"), name="me-sign-out"),
]
