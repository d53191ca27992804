"""boto3 clients whose requests go through Django's test client instead of a socket.

The whole server stack runs (middleware, fronts, pipeline, services) in the test's own thread,
so `statements` sees every query a call makes. botocore's `before-send` event lets a
handler answer a prepared request; this one hands it to django.test.Client.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import boto3
from botocore import UNSIGNED
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client

BASE = "http://testserver"


class _Body:
    def __init__(self, content: bytes):
        self.content = content

    def stream(self, **_):
        yield self.content


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _send(django_client: Client):
    def send(request, **_):
        url = urlsplit(request.url)
        headers = {"HTTP_" + name.upper().replace("-", "_"): _text(value) for name, value in request.headers.items()
                   if name.lower() not in ("content-type", "content-length")}
        headers.setdefault("HTTP_HOST", url.netloc)
        body = request.body or b""
        if hasattr(body, "read"):
            body = body.read()
        path = url.path + (f"?{url.query}" if url.query else "")
        response = django_client.generic(request.method, path, data=body, content_type=_text(request.headers.get("Content-Type", "")), **headers)
        return AWSResponse(request.url, response.status_code, dict(response.items()), _Body(response.content))

    return send


def client(service: str = "cognito-idp", *, signed: bool = True, key: tuple[str, str] | None = None):
    """A boto3 client for `service` served in-process; signed by `key` (default: the root key)."""
    config = Config(retries={"max_attempts": 1})
    if signed:
        key_id, secret = key or (settings.ROOT_ACCESS_KEY_ID, settings.ROOT_SECRET_ACCESS_KEY)
        made = boto3.client(service, endpoint_url=BASE, region_name="us-east-1", aws_access_key_id=key_id, aws_secret_access_key=secret, config=config)
    else:
        made = boto3.client(service, endpoint_url=BASE, region_name="us-east-1", config=config.merge(Config(signature_version=UNSIGNED)))
    made.meta.events.register("before-send", _send(Client()))
    return made


def statements(call) -> list[tuple[str, list]]:
    """The SQL `call` sends on the default database, with its parameters, in order.

    Not CaptureQueriesContext: each request's start empties the connection's query log, so it
    misses the statements sent before the last request began."""
    sent: list[tuple[str, list]] = []

    def record(execute, sql, params, many, context):
        sent.append((sql, list(params or [])))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        call()
    return sent


def commits(call) -> int:
    """How many transactions `call` commits on the default database (each costs BEGIN and COMMIT
    round trips; a statement in autocommit costs neither)."""
    made = 0
    commit = connection.commit

    def counted() -> None:
        nonlocal made
        made += 1
        commit()

    connection.commit = counted
    try:
        call()
    finally:
        del connection.commit  # the instance attribute goes; the method shows again
    return made



def cache_reads(call) -> int:
    """How many reads of the shared cache (each a Redis round trip in production) `call` makes:
    `get` and `get_many` calls, a backend's own nested calls left out."""
    backend = type(caches["default"])
    made, depth = 0, 0
    originals = {name: getattr(backend, name) for name in ("get", "get_many")}

    def counting(original):
        def read(self, *args, **kwargs):
            nonlocal made, depth
            made += depth == 0
            depth += 1
            try:
                return original(self, *args, **kwargs)
            finally:
                depth -= 1
        return read

    for name, original in originals.items():
        setattr(backend, name, counting(original))
    try:
        call()
    finally:
        for name, original in originals.items():
            setattr(backend, name, original)
    return made
