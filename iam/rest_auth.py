"""DRF authentication with the same SigV4 access keys as the AWS API."""
from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from core.errors import ServiceError
from iam import services
from iam.models import Principal
from iam.services.identity import Session
from iam.sigv4 import ALGORITHM


class SignatureRejected(exceptions.AuthenticationFailed):
    """A signature that was present but not good; carries the wire error to render."""

    def __init__(self, error: ServiceError):
        super().__init__(error.message)
        self.error = error


class SigV4Authentication(authentication.BaseAuthentication):
    """A view with a `signing_name` (the REST adapter's routes: "cognito-idp") wants the
    credential scope to name that service and our region; other views (the authorizer, app
    backends' own views) accept any scope."""

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION")
        if not header:
            return None  # the permission check then answers 401 MissingAuthenticationToken
        django_request = request._request
        try:
            principal = services.authenticate(
                authorization=header,
                method=request.method,
                path=django_request.path,  # decoded; sigv4 canonicalizes it as signers do
                query_string=request.META.get("QUERY_STRING", ""),
                headers={name.lower(): value for name, value in django_request.headers.items()},
                body=django_request.body,
                service=getattr(request.parser_context.get("view"), "signing_name", None),
            )
        except ServiceError as exc:
            raise SignatureRejected(exc) from None
        return (principal, None)

    def authenticate_header(self, request):
        return ALGORITHM  # makes DRF answer 401 rather than 403


class IsSignedRequest(permissions.BasePermission):
    """The request was signed by an access key (an `iam.Principal` or an STS session)."""

    def has_permission(self, request, view) -> bool:
        return isinstance(request.user, (Principal, Session))


class SigV4Scheme(OpenApiAuthenticationExtension):
    target_class = SigV4Authentication
    name = "sigv4"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "AWS Signature Version 4 (service `cognito-idp`), as boto3/botocore sign requests.",
        }
