"""`GET /api/v1/userpools/<pool>/import-jobs/<job>/lines`: an import job's skipped and failed
lines with Cognito's messages. Cognito writes these to CloudWatch Logs; here they are kept
with the job and read like its description (the caller needs cognito-idp:DescribeUserImportJob)."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import InvalidParameterException
from core.net import client_ip
from iam import services as iam
from iam.rest_auth import IsSignedRequest, SigV4Authentication
from userpools.api.operations import COGNITO_IDP, pool_arn
from userpools.services import import_jobs

_MAX_RESULTS = 1000
_LINE = inline_serializer("UserImportJobLine", fields={
    "LineNumber": serializers.IntegerField(), "Outcome": serializers.ChoiceField(choices=["SKIPPED", "FAILED"]), "Message": serializers.CharField(),
})
_PAGE = inline_serializer("UserImportJobLines", fields={"Lines": _LINE.__class__(many=True), "NextToken": serializers.CharField(required=False)})


class ImportJobLinesView(APIView):
    authentication_classes = [SigV4Authentication]
    permission_classes = [IsSignedRequest]
    signing_name = COGNITO_IDP.signing_name

    @extend_schema(tags=["import-jobs"], operation_id="ListUserImportJobLines", parameters=[
        OpenApiParameter("max_results", int, description=f"1 to {_MAX_RESULTS} (default 100)"),
        OpenApiParameter("next_token", str),
    ], responses={200: _PAGE})
    def get(self, request: Request, pool_id: str, job_id: str) -> Response:
        iam.authorize(request.user, f"{COGNITO_IDP.iam_prefix}:DescribeUserImportJob", pool_arn(pool_id), source_ip=client_ip(request.META))
        try:
            limit = int(request.query_params.get("max_results", 100))
        except ValueError:
            raise InvalidParameterException("max_results must be a number.") from None
        if not 1 <= limit <= _MAX_RESULTS:
            raise InvalidParameterException(f"max_results must be between 1 and {_MAX_RESULTS}.")
        lines, token = import_jobs.job_lines(pool_id, job_id, limit, request.query_params.get("next_token"))
        body: dict = {"Lines": [{"LineNumber": line.line_number, "Outcome": line.outcome, "Message": line.message} for line in lines]}
        if token:
            body["NextToken"] = token
        return Response(body)
