"""Server CPU per call without HTTP or a client: each operation's request is made once by boto3,
then replayed straight into Django's WSGI handler `--requests` times in this process. What it
prints is this checkout's own cost per call (middleware, pipeline, services, SQL building), with
neither the HTTP server nor the client sharing the numbers, so two checkouts compare well on a busy
machine: run it in each, alternately, against the same database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/inprocess.py --requests 400

The baseline row is DescribeUserPool (one signed call, one cached pool); the other rows read as
multiples of it. Database and Redis CPU are not counted (they are other processes).
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
from servers import BENCH_KEY  # noqa: E402

os.environ.setdefault("ROOT_ACCESS_KEY_ID", BENCH_KEY[0])
os.environ.setdefault("ROOT_SECRET_ACCESS_KEY", BENCH_KEY[1])

import django  # noqa: E402

django.setup()

import boto3  # noqa: E402
from botocore import UNSIGNED  # noqa: E402
from botocore.awsrequest import AWSResponse  # noqa: E402
from botocore.config import Config  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from config.wsgi import application  # noqa: E402

BASE = "http://127.0.0.1:8000"
PASSWORD = "Bench-Passw0rd!"
SRP_A = f"{2**2000 + 12345:x}"  # any A below the group's prime and not 0 modulo it will do


class _Body:
    def __init__(self, content: bytes):
        self.content = content

    def stream(self, **_):
        yield self.content


def _environ(request) -> dict:
    """The WSGI environ of a prepared botocore request (kept, to be replayed)."""
    url = urlsplit(request.url)
    body = request.body or b""
    body = body.encode() if isinstance(body, str) else body
    text = {name: value.decode() if isinstance(value, bytes) else value for name, value in request.headers.items()}
    environ = {
        "REQUEST_METHOD": request.method, "PATH_INFO": url.path or "/", "QUERY_STRING": url.query, "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr, "CONTENT_TYPE": text.get("Content-Type", ""), "CONTENT_LENGTH": str(len(body)), "body": body,
    }
    for name, value in text.items():
        if name.lower() not in ("content-type", "content-length"):
            environ["HTTP_" + name.upper().replace("-", "_")] = value
    environ["HTTP_HOST"] = "127.0.0.1:8000"
    return environ


def _call(kept: dict) -> tuple[int, bytes]:
    environ = dict(kept)
    environ["wsgi.input"] = io.BytesIO(environ.pop("body"))
    status: list[str] = []
    body = b"".join(application(environ, lambda line, headers, exc_info=None: status.append(line)))
    return int(status[0].split()[0]), body


class Recorder:
    """boto3 clients whose calls go into the WSGI handler; the last request is kept."""

    def __init__(self) -> None:
        self.last: dict = {}

    def send(self, request, **_):
        self.last = _environ(request)
        status, body = _call(self.last)
        return AWSResponse(request.url, status, {}, _Body(body))

    def client(self, signed: bool):
        config = Config(retries={"max_attempts": 1})
        if signed:
            made = boto3.client("cognito-idp", endpoint_url=BASE, region_name="us-east-1", config=config,
                                aws_access_key_id=settings.ROOT_ACCESS_KEY_ID, aws_secret_access_key=settings.ROOT_SECRET_ACCESS_KEY)
        else:
            made = boto3.client("cognito-idp", endpoint_url=BASE, region_name="us-east-1", config=config.merge(Config(signature_version=UNSIGNED)))
        made.meta.events.register("before-send", self.send)
        return made


def requests_to_replay() -> dict[str, dict]:
    """One kept request per operation, against a fresh pool with two users."""
    recorder = Recorder()
    admin, public = recorder.client(True), recorder.client(False)
    pool_id = admin.create_user_pool(PoolName=f"inprocess-{uuid.uuid4().hex[:6]}")["UserPool"]["Id"]
    flows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    client_id = admin.create_user_pool_client(UserPoolId=pool_id, ClientName="bench", ExplicitAuthFlows=flows)["UserPoolClient"]["ClientId"]
    for name in ("alice", "bob"):
        public.sign_up(ClientId=client_id, Username=name, Password=PASSWORD, UserAttributes=[{"Name": "email", "Value": f"{name}@example.com"}])
        admin.admin_confirm_sign_up(UserPoolId=pool_id, Username=name)
    tokens = public.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                  AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD})["AuthenticationResult"]
    calls = {
        "DescribeUserPool (baseline)": lambda: admin.describe_user_pool(UserPoolId=pool_id),
        "GetUser": lambda: public.get_user(AccessToken=tokens["AccessToken"]),
        "AdminGetUser": lambda: admin.admin_get_user(UserPoolId=pool_id, Username="alice"),
        "InitiateAuth REFRESH_TOKEN_AUTH": lambda: public.initiate_auth(
            ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]}),
        "ListUsers (2 users)": lambda: admin.list_users(UserPoolId=pool_id, Limit=60),
        # The first SRP call (a fresh b and B each time the same A comes); the answer cannot be replayed.
        "InitiateAuth USER_SRP_AUTH": lambda: public.initiate_auth(
            ClientId=client_id, AuthFlow="USER_SRP_AUTH", AuthParameters={"USERNAME": "bob", "SRP_A": SRP_A}),
        "InitiateAuth USER_PASSWORD_AUTH": lambda: public.initiate_auth(
            ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "bob", "PASSWORD": PASSWORD}),
    }
    kept = {}
    for name, call in calls.items():
        call()
        kept[name] = recorder.last
    return kept


def prepared_requests() -> dict[str, dict]:
    """The database migrated and bootstrapped, and one kept request per operation."""
    call_command("migrate", verbosity=0)
    call_command("bootstrap", stdout=io.StringIO())
    return requests_to_replay()


def backends() -> str:
    """The database and the cache the figures were made on, for the table's heading."""
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"{database}, cache {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}"


def measure(kept: dict, count: int) -> dict:
    for _ in range(20):  # warm the per-process caches
        _call(kept)
    status, body = _call(kept)
    assert status == 200, body[:300]
    latencies = []
    cpu_started, wall_started = time.process_time(), time.perf_counter()
    for _ in range(count):
        started = time.perf_counter()
        _call(kept)
        latencies.append((time.perf_counter() - started) * 1000)
    cpu, wall = time.process_time() - cpu_started, time.perf_counter() - wall_started
    latencies.sort()
    return {"ops": count / wall, "p50": statistics.median(latencies), "p99": latencies[int(len(latencies) * 0.99) - 1],
            "cpu": cpu / count * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    rows = {name: measure(kept, args.requests) for name, kept in prepared_requests().items()}
    baseline = rows["DescribeUserPool (baseline)"]["cpu"]
    print(f"\n{args.requests} calls per row, in process; {backends()}")
    print(f"{'operation':34} {'ops/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'CPU ms':>7} {'x base':>7}")
    for name, row in rows.items():
        print(f"{name:34} {row['ops']:8.1f} {row['p50']:7.2f} {row['p99']:7.2f} {row['cpu']:7.2f} {row['cpu'] / baseline:7.2f}")


if __name__ == "__main__":
    main()
