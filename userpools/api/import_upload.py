"""The pre-signed upload URL of a user import job: `PUT /user-import-uploads/<job id>?expires=..&signature=..`
takes the CSV body, as S3 takes it from Cognito's pre-signed URL (headers such as
`x-amz-server-side-encryption` are accepted and have nothing to do here). Errors answer in S3's XML."""
from __future__ import annotations

from collections.abc import Iterator
from xml.sax.saxutils import escape

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core.errors import NotAuthorizedException, ServiceError
from userpools.services import import_jobs

_CHUNK = 64 * 1024


def _chunks(request: HttpRequest) -> Iterator[bytes]:
    while chunk := request.read(_CHUNK):
        yield chunk


def render_error(error: ServiceError) -> HttpResponse:
    code, status = ("AccessDenied", 403) if isinstance(error, NotAuthorizedException) else (error.error_type, 400)
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{escape(error.message)}</Message></Error>'
    return HttpResponse(body, status=status, content_type="application/xml")


@csrf_exempt
@require_http_methods(["PUT"])
def upload(request: HttpRequest, job_id: str) -> HttpResponse:
    try:
        import_jobs.receive_upload(job_id, request.GET.get("expires", ""), request.GET.get("signature", ""), _chunks(request))
    except ServiceError as error:
        return render_error(error)
    return HttpResponse(status=200)
