"""DRF authentication with the same SigV4 access keys as the AWS API."""
from __future__ import annotations

from rest_framework import authentication, exceptions

from core.errors import ServiceError
from iam import services


class SigV4Authentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION")
        if not header:
            return None  # DRF then answers 401/403 via the permission check
        try:
            principal = services.authenticate(
                authorization=header,
                method=request.method,
                path=request._request.path,
                query_string=request.META.get("QUERY_STRING", ""),
                headers={name.lower(): value for name, value in request._request.headers.items()},
                body=request._request.body,
            )
        except ServiceError as exc:
            raise exceptions.AuthenticationFailed({"__type": exc.error_type, "message": exc.message}) from None
        return (principal, None)

    def authenticate_header(self, request):
        return "AWS4-HMAC-SHA256"
