"""A real Celery worker on real Redis, started by the tests (`celery -A config worker --pool=solo`)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import dj_database_url
import pytest
from django.conf import settings
from django.db import connection

from config.celery import app

from .support import PLUGINS

ROOT = Path(__file__).resolve().parents[2]


def require_worker_services() -> None:
    """Skip on the embedded default (no REDIS_URL/DATABASE_URL). Where the production shape is
    configured, as in CI's PostgreSQL + Redis leg, the real-worker tests must run, not skip."""
    configured = bool(os.environ.get("REDIS_URL")) and os.environ.get("DATABASE_URL", "").startswith("postgres")
    if not configured:
        if os.environ.get("CI", "").lower() == "true" and (os.environ.get("REDIS_URL") or os.environ.get("DATABASE_URL")):
            pytest.fail("CI configured only part of the production shape: the worker tests need REDIS_URL and PostgreSQL")
        pytest.skip("real Celery worker tests need REDIS_URL and PostgreSQL (DATABASE_URL)")
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.fail("REDIS_URL/DATABASE_URL are set but the settings do not use them")


def test_database_url() -> str:
    """The worker must see the test database the live server and the test write to."""
    parsed = dj_database_url.parse(os.environ["DATABASE_URL"])
    name = connection.settings_dict["NAME"]
    user = parsed.get("USER") or ""
    password = f":{parsed['PASSWORD']}" if parsed.get("PASSWORD") else ""
    port = f":{parsed['PORT']}" if parsed.get("PORT") else ""
    return f"postgres://{user}{password}@{parsed.get('HOST') or 'localhost'}{port}/{name}"


class Worker:
    def __init__(self, log_path: Path, plugins: str = PLUGINS):
        self.name = f"trigger-test-{uuid.uuid4().hex[:8]}@localhost"
        self.log_path = log_path
        self.plugins = plugins
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": test_database_url(),
            "DB_CONN_MAX_AGE": "0",
            "REDIS_URL": settings.REDIS_URL,
            "TRIGGER_PLUGINS": self.plugins,
            "PYTHONPATH": str(ROOT),
        }
        command = [
            str(Path(sys.executable).with_name("celery")), "-A", "config", "worker", "-Q", "triggers,celery",
            "--pool=solo", "-n", self.name, "-l", "info", "--without-gossip", "--without-mingle",
        ]
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self._wait_until_ready(timeout)

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited early:\n{self.log_path.read_text()}")
            if app.control.ping(destination=[self.name], timeout=0.5):
                return
        raise RuntimeError(f"worker not ready after {timeout} s:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # warm shutdown: finishes the current task
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


def purge_queues() -> None:
    with app.connection_for_write() as conn:
        for queue in ("triggers", "celery"):
            conn.default_channel.queue_purge(queue)
