"""Render our ServiceError hierarchy (and DRF's own errors) for the REST API: the one REST renderer.

The body is the AWS one, `{"__type", "message"}`; only the HTTP status differs, chosen for REST
here and nowhere else (the AWS JSON protocol keeps AWS's statuses).
"""
from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response

from core import errors
from iam.rest_auth import SignatureRejected

log = logging.getLogger(__name__)

_REST_STATUS = {
    "ResourceNotFoundException": 404,
    "UserNotFoundException": 404,
    "MissingAuthenticationTokenException": 401,
    "IncompleteSignatureException": 401,
    "InvalidSignatureException": 401,
    "UnrecognizedClientException": 401,
    "AccessDeniedException": 403,
    "NotAuthorizedException": 403,
    "TooManyRequestsException": 429,
    "RequestEntityTooLargeException": 413,
    "UnknownOperationException": 501,  # a route whose operation is not registered
}

# DRF's exceptions, named like the AWS errors that mean the same.
_DRF_TYPES = {
    exceptions.NotAuthenticated: errors.MissingAuthenticationTokenException.error_type,
    exceptions.AuthenticationFailed: errors.UnrecognizedClientException.error_type,
    exceptions.PermissionDenied: errors.AccessDeniedException.error_type,
    exceptions.NotFound: errors.ResourceNotFoundException.error_type,
    exceptions.ParseError: errors.SerializationException.error_type,
    exceptions.ValidationError: errors.InvalidParameterException.error_type,
    exceptions.Throttled: errors.TooManyRequestsException.error_type,
    exceptions.MethodNotAllowed: "MethodNotAllowedException",
    exceptions.NotAcceptable: "NotAcceptableException",
    exceptions.UnsupportedMediaType: "UnsupportedMediaTypeException",
}


def rest_status(error: errors.ServiceError) -> int:
    if error.status >= 500 and error.error_type != "UnknownOperationException":
        return error.status
    if error.error_type in _REST_STATUS:
        return _REST_STATUS[error.error_type]
    if error.error_type.endswith("ExistsException"):
        return 409
    return 400


def _body(error_type: str, message: str) -> dict:
    return {"__type": error_type, "message": message}


def error_body(error: errors.ServiceError) -> dict:
    return _body(error.error_type, error.message)


def _drf_error(exc: exceptions.APIException) -> Response:
    if isinstance(exc, exceptions.NotAuthenticated):
        message = errors.MissingAuthenticationTokenException.default_message
    else:
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    error_type = next((name for cls, name in _DRF_TYPES.items() if isinstance(exc, cls)), type(exc).__name__)
    response = Response(_body(error_type, str(message)), status=exc.status_code)
    if getattr(exc, "wait", None):
        response["Retry-After"] = str(int(exc.wait))
    return response


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):  # Django's own cap, met where the signature check reads the body
        exc = errors.RequestEntityTooLargeException(f"Request body exceeds the limit of {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.")
    if isinstance(exc, SignatureRejected):
        response = Response(_body(exc.error.error_type, exc.error.message), status=rest_status(exc.error))
    elif isinstance(exc, errors.ServiceError):
        response = Response(_body(exc.error_type, exc.message), status=rest_status(exc))
    elif isinstance(exc, Http404):
        response = _drf_error(exceptions.NotFound())
    elif isinstance(exc, DjangoPermissionDenied):
        response = _drf_error(exceptions.PermissionDenied())
    elif isinstance(exc, exceptions.APIException):
        response = _drf_error(exc)
    else:  # our own fault: log it, never show a traceback
        log.exception("Unhandled error in %s", context.get("view").__class__.__name__)
        error = errors.InternalErrorException()
        response = Response(_body(error.error_type, error.message), status=error.status)
    auth_header = getattr(exc, "auth_header", None)
    if auth_header:
        response["WWW-Authenticate"] = auth_header
    return response
