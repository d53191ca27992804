"""The query protocol (IAM 2010-05-08, STS 2011-06-15): `POST /` with a form-encoded
`Action=...&Version=...` body, answered in AWS's XML.

A call is routed by its SigV4 credential scope's service (`iam`, `sts`). An unsigned call may
only be STS `AssumeRoleWithWebIdentity` or `AssumeRoleWithSAML`, which AWS takes unsigned.
Errors are rendered here and only here for this protocol, as `<ErrorResponse>`.
"""
from __future__ import annotations

import logging
import uuid
from xml.etree import ElementTree as ET

from django.http import HttpRequest, HttpResponse

from awsapi import pipeline, registry
from awsapi.fronts import limits, query_shapes
from awsapi.registry import AwsService, Operation
from core import errors
from iam import sigv4

log = logging.getLogger(__name__)
XML_CONTENT_TYPE = "text/xml"
UNSIGNED_STS_ACTIONS = frozenset({"AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"})


def endpoint(request: HttpRequest) -> HttpResponse:
    request_id: str | None = None
    namespace = None
    try:
        limits.form(request)  # size before anything reads the body
        caller = pipeline.Caller.of(request)
        request_id = caller.request_id
        service = _service(request)
        namespace = service.model.metadata.get("xmlNamespace")
        op = _operation(service, request)
        flat = {key: request.POST[key] for key in request.POST if key not in ("Action", "Version")}
        params = query_shapes.parse(op.model.input_shape, flat)
        output = pipeline.run(op, params, caller)
        return render(op, output, caller.request_id, namespace)
    except errors.ServiceError as exc:
        return render_error(exc, request_id, namespace)
    except Exception:  # our own fault: log it, never show a traceback
        log.exception("Unhandled error in query action")
        return render_error(errors.InternalErrorException(), request_id, namespace)


def _service(request: HttpRequest) -> AwsService:
    """The service the credential scope names; unsigned calls can only mean STS."""
    header = request.META.get("HTTP_AUTHORIZATION")
    action = request.POST.get("Action", "")
    if not header:
        service = registry.REGISTRY.service_for_signing_name("sts")
        if service is None or action not in UNSIGNED_STS_ACTIONS:
            raise errors.MissingAuthenticationTokenException(
                "Request is missing Authentication Token" if action not in UNSIGNED_STS_ACTIONS else None
            )
        return service
    try:
        scope = sigv4.parse_authorization(header).service
    except sigv4.SignatureError as exc:
        raise errors.IncompleteSignatureException(exc.message) from None
    service = registry.REGISTRY.service_for_signing_name(scope)
    if service is None or service.protocol != "query":
        raise errors.InvalidSignatureException(f"Credential should be scoped to a valid service: '{scope}'.")
    return service


def _operation(service: AwsService, request: HttpRequest) -> Operation:
    action, version = request.POST.get("Action", ""), request.POST.get("Version")
    api_version = service.model.api_version
    op = registry.REGISTRY.operation(service, action)
    if op is None or (version is not None and version != api_version):
        raise errors.UnknownOperationException(f"Could not find operation {action} for version {version or api_version}")
    return op


def _root(tag: str, namespace: str | None) -> ET.Element:
    return ET.Element(tag, {"xmlns": namespace} if namespace else {})


def _xml_response(root: ET.Element, status: int = 200) -> HttpResponse:
    body = b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")
    return HttpResponse(body, status=status, content_type=XML_CONTENT_TYPE)


def render(op: Operation, output: dict, request_id: str, namespace: str | None) -> HttpResponse:
    """`<ActionResponse><ActionResult>...</ActionResult><ResponseMetadata>...`."""
    root = _root(f"{op.name}Response", namespace)
    shape = op.model.output_shape
    if shape is not None:
        wrapper = shape.serialization.get("resultWrapper", f"{op.name}Result")
        query_shapes.to_xml(ET.SubElement(root, wrapper), shape, output)
    metadata = ET.SubElement(root, "ResponseMetadata")
    ET.SubElement(metadata, "RequestId").text = request_id
    return _xml_response(root)


def render_error(exc: errors.ServiceError, request_id: str | None = None, namespace: str | None = None) -> HttpResponse:
    """AWS's `<ErrorResponse>`, with the query protocol's code and status for the error."""
    root = _root("ErrorResponse", namespace)
    error = ET.SubElement(root, "Error")
    status = exc.query_http_status
    ET.SubElement(error, "Type").text = "Receiver" if status >= 500 else "Sender"
    ET.SubElement(error, "Code").text = exc.query_error_code
    ET.SubElement(error, "Message").text = exc.message
    ET.SubElement(root, "RequestId").text = request_id or str(uuid.uuid4())
    return _xml_response(root, status)
