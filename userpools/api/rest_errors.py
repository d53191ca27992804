"""Render our ServiceError hierarchy (and DRF's own errors) for the REST API."""
from __future__ import annotations

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ServiceError


def exception_handler(exc, context):
    if isinstance(exc, ServiceError):
        return Response({"__type": exc.error_type, "message": exc.message}, status=exc.status)
    return drf_exception_handler(exc, context)
