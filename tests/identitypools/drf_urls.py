"""A tiny notes API guarded by identitypools.drf, mounted only by tests/identitypools/test_drf.py."""
from __future__ import annotations

from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import urlpatterns as service_urlpatterns
from identitypools.authorizer_views import matched_statement, principal_json
from identitypools.drf import IamPermission, SigV4TemporaryCredentialsAuthentication, iam_permission

NOTE_OWNERS = {"n1": "blue", "n2": "red"}


def _reply(request, **fields) -> Response:
    decision = getattr(request, "iam_decision", None)
    return Response({**fields, "principal": principal_json(request.user), "statement": matched_statement(decision.decision if decision else None)})


class NoteView(APIView):
    """Resource from the URL: /notes/<owner>/<note>."""

    authentication_classes = [SigV4TemporaryCredentialsAuthentication]
    permission_classes = [IamPermission]
    iam_action = {"GET": "myapp:ReadNote", "DELETE": "myapp:DeleteNote"}
    iam_resource = "arn:aws:myapp:::note/{owner}/{note}"

    def get(self, request, owner: str, note: str) -> Response:
        return _reply(request, owner=owner, note=note)

    def delete(self, request, owner: str, note: str) -> Response:
        return _reply(request, deleted=note)


class NoteByIdView(APIView):
    """Resource from the object: /by-id/<note>, whose owner is only known once it is loaded."""

    authentication_classes = [SigV4TemporaryCredentialsAuthentication]
    permission_classes = [IamPermission]
    iam_action = "myapp:ReadNote"

    def get_iam_resource(self, request, obj=None) -> str | None:
        return None if obj is None else f"arn:aws:myapp:::note/{obj['owner']}/{obj['id']}"

    def get(self, request, note: str) -> Response:
        obj = {"id": note, "owner": NOTE_OWNERS.get(note, "nobody")}
        self.check_object_permissions(request, obj)
        return _reply(request, **obj)


class SharedNoteView(APIView):
    """A permission class from the factory, for views that declare nothing."""

    authentication_classes = [SigV4TemporaryCredentialsAuthentication]
    permission_classes = [iam_permission("myapp:ReadNote", lambda request, view, obj: f"arn:aws:myapp:::note/blue/{view.kwargs['note']}")]

    def get(self, request, note: str) -> Response:
        return _reply(request, note=note)


class ListNotesView(APIView):
    """Condition keys from the view: `myapp:Scope` counts, a smuggled `aws:` key does not."""

    authentication_classes = [SigV4TemporaryCredentialsAuthentication]
    permission_classes = [IamPermission]
    iam_action = "myapp:ListNotes"
    iam_resource = "arn:aws:myapp:::note"

    def get_iam_context(self, request) -> dict:
        return {"myapp:Scope": request.query_params.get("scope", ""), "aws:PrincipalTag/team": "red"}

    def get(self, request) -> Response:
        return _reply(request, listed=True)


class RedNoteView(APIView):
    """A view that tries to pass for team red through its context."""

    authentication_classes = [SigV4TemporaryCredentialsAuthentication]
    permission_classes = [IamPermission]
    iam_action = "myapp:ReadNote"
    iam_resource = "arn:aws:myapp:::note/red/{note}"

    def get_iam_context(self, request) -> dict:
        return {"aws:PrincipalTag/team": "red", "myapp:Scope": "mine"}

    def get(self, request, note: str) -> Response:
        return _reply(request, note=note)


class UndeclaredView(APIView):
    """An action but no resource: refused, never waved through."""

    authentication_classes = [SigV4TemporaryCredentialsAuthentication]
    permission_classes = [IamPermission]
    iam_action = "myapp:ReadNote"

    def get(self, request) -> Response:
        return Response({"leaked": True})


urlpatterns = [
    path("undeclared", UndeclaredView.as_view()),
    path("list", ListNotesView.as_view()),
    path("red/<str:note>", RedNoteView.as_view()),
    path("notes/<str:owner>/<str:note>", NoteView.as_view()),
    path("by-id/<str:note>", NoteByIdView.as_view()),
    path("shared/<str:note>", SharedNoteView.as_view()),
    *service_urlpatterns,  # the AWS endpoint the fixtures set IAM up through
]
