"""Processes a reliability test starts, breaks and stops itself, all on 127.0.0.1: a private
redis-server (ports 9400-9499), an app server (`manage.py runserver`) and a Celery worker, both
with REDIS_URL pointing at that Redis and the test's PostgreSQL database."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests
from django.conf import settings

from tests.triggers.worker import test_database_url

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = "/usr/bin/redis-server"
REDIS_PORTS = range(9400, 9500)


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(candidates: range | None = None) -> int:
    if candidates is None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]
    for port in candidates:
        if _port_is_free(port):
            return port
    raise RuntimeError(f"no free port in {candidates}")


def wait_until(predicate, timeout: float, what: str, interval: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"{what}: not within {timeout} s")


class PrivateRedis:
    """A redis-server of the test's own, which it may kill, restart, freeze (SIGSTOP) and thaw."""

    def __init__(self, log_path: Path):
        self.port = free_port(REDIS_PORTS)
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=self.log_path.open("ab"), stderr=subprocess.STDOUT)
        wait_until(self._answers, 10, "redis-server did not start")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)  # a frozen process dies too
            self.process.kill()
            self.process.wait()
        self.process = None

    def freeze(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)


def service_env(redis: PrivateRedis, mail_dir: Path, **extra: str) -> dict[str, str]:
    """The production shape for a child process: the test's PostgreSQL database, the private
    Redis, mail written to files, the test settings' keys (so rows one process encrypts another reads)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": test_database_url(),
        "DB_CONN_MAX_AGE": "0",
        "REDIS_URL": redis.url,
        "SECRET_KEY": settings.SECRET_KEY,
        "ENCRYPTION_KEY": settings.ENCRYPTION_KEY,
        "ROOT_ACCESS_KEY_ID": settings.ROOT_ACCESS_KEY_ID,
        "ROOT_SECRET_ACCESS_KEY": settings.ROOT_SECRET_ACCESS_KEY,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "OUTBOX_RELAY_INTERVAL_SECONDS": "1",
        **extra,
    }


class AppServer:
    """`manage.py runserver` (threaded, no reloader) in a process of its own."""

    def __init__(self, env: dict[str, str], log_path: Path):
        self.port = free_port()
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> None:
        self.launch()
        self.wait_ready(timeout)

    def launch(self) -> None:
        command = [sys.executable, "manage.py", "runserver", "--noreload", "--insecure", "--skip-checks", f"127.0.0.1:{self.port}"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=self.log_path.open("ab"), stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 60) -> None:
        wait_until(self._answers, timeout, f"app server did not start:\n{self.log_path.read_text()}", interval=0.3)

    def _answers(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise RuntimeError(f"app server exited:\n{self.log_path.read_text()}")
        try:
            requests.get(self.url + "/", timeout=1)
        except requests.RequestException:
            return False
        return True

    def kill(self) -> None:
        """SIGKILL: no clean-up, as when a host dies."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None


class CeleryWorker:
    """`celery -A config worker --pool=solo`; ready once its log says so."""

    def __init__(self, env: dict[str, str], log_path: Path):
        self.name = f"reliability-{uuid.uuid4().hex[:8]}@localhost"
        self._offset = 0
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        self.launch()
        self.wait_ready(timeout)

    def launch(self) -> None:
        self.log_path.touch()
        self._offset = self.log_path.stat().st_size
        command = [
            str(Path(sys.executable).with_name("celery")), "-A", "config", "worker", "-Q", "triggers,celery",
            "--pool=solo", "-n", self.name, "-l", "info", "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=self.log_path.open("ab"), stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 60) -> None:
        wait_until(lambda: self._ready(self._offset), timeout, f"worker not ready:\n{self.log_path.read_text()}", interval=0.3)

    def _ready(self, offset: int) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise RuntimeError(f"worker exited:\n{self.log_path.read_text()}")
        return " ready." in self.log_path.read_bytes()[offset:].decode(errors="replace")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None
