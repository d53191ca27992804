"""The WSGI application config.serve's workers run.

`POST /`, every AWS SDK call, goes to `awsapi.fronts.root.RootHandler` (the endpoint without
Django's request handler around it); everything else to Django's handler.

A response whose body is whole (not streaming) is handed to the server as one bytes object, the
response closed first: granian then sends it from its side at once (`response_bytes`) instead of
pulling the body through a Python iterator from its I/O thread, which took the GIL back once per
chunk (GetUser's p50 on one worker: 2.5 -> 2.0 ms, and ~0.04 ms less CPU). Streaming responses
and files go through as Django gives them.
"""
import os
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from core import watchdog

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_wsgi_application()

from awsapi.fronts.root import RootHandler  # noqa: E402  (its imports need the apps set up above)

if os.environ.get(watchdog.ENV_MARK):  # a worker of config.serve: one request at a time
    watchdog.start(settings.WEB_REQUEST_TIMEOUT_SECONDS)
root_handler = RootHandler()


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if environ.get("PATH_INFO") == "/" and environ.get("REQUEST_METHOD") == "POST":
        return root_handler(environ, start_response)
    response: Any = django_application(environ, start_response)
    if getattr(response, "streaming", True):
        return response
    try:
        return [response.content]
    finally:
        response.close()  # what the server would call after sending: request_finished, connections tidied
