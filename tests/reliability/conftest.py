"""Fixtures of the reliability suite: each test gets a private Redis, its own processes, a mail
directory, and a user pool made through the app server it starts. They need PostgreSQL + Redis
(the production shape) and run in CI's PostgreSQL + Redis leg; elsewhere they skip."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config

from tests.conftest import REGION, make_client
from tests.triggers.worker import require_worker_services

from .processes import AppServer, CeleryWorker, PrivateRedis, service_env

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


@dataclass
class Stack:
    redis: PrivateRedis
    app: AppServer
    worker: CeleryWorker
    mail_dir: Path
    tmp: Path

    def make_pool(self) -> tuple[str, str]:
        """A pool that mails a confirmation code on SignUp, and an app client of it."""
        idp = make_client(self.app.url)
        pool_id = idp.create_user_pool(PoolName="reliability", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
        client_id = idp.create_user_pool_client(
            UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]
        idp.close()
        return pool_id, client_id

    def public_client(self):
        config = Config(signature_version=UNSIGNED, retries={"total_max_attempts": 1}, connect_timeout=15, read_timeout=15)
        return boto3.client("cognito-idp", endpoint_url=self.app.url, region_name=REGION, config=config)


@pytest.fixture
def stack_env() -> dict[str, str]:
    """Settings a test module gives its processes besides the common ones (override it)."""
    return {}


@pytest.fixture
def stack(transactional_db, tmp_path, stack_env) -> Iterator[Stack]:
    """A private Redis, then a Celery worker and an app server started side by side."""
    require_worker_services()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    redis = PrivateRedis(tmp_path / "redis.log")
    redis.start()
    env = service_env(redis, mail_dir, **stack_env)
    worker = CeleryWorker(env, tmp_path / "worker.log")
    app = AppServer({**env, "LOG_LEVEL": "WARNING"}, tmp_path / "app.log")
    running = Stack(redis, app, worker, mail_dir, tmp_path)
    try:
        worker.launch()
        app.launch()
        worker.wait_ready()
        app.wait_ready()
        yield running
    finally:
        app.kill()
        worker.kill()
        redis.kill()
