"""Real server processes for the production-shape tests: the web server as `make run` starts it
(config/serve.py), and a private redis-server, each on a free port and stopped by the test."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
ROOT_KEY_ID = "AKIAOPSTESTROOT00001"
ROOT_SECRET = "ops-test-root-secret-0000000000000000000"
_CLEARED = ("DJANGO_SETTINGS_MODULE", "REDIS_URL", "DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR", "SECRET_KEY", "PORT", "HOST")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """The real settings (not the test ones) with their own var/ and the test's root key."""
    env = {key: value for key, value in os.environ.items() if key not in _CLEARED}
    env.update(VAR_DIR=str(var_dir), ROOT_ACCESS_KEY_ID=ROOT_KEY_ID, ROOT_SECRET_ACCESS_KEY=ROOT_SECRET, **extra)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


@dataclass
class WebServer:
    url: str
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def web_server(env: dict[str, str], workers: int) -> Iterator[WebServer]:
    """Migrate and bootstrap as `make run` does, then serve with config/serve.py."""
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "bootstrap")
    port = free_port()
    log = Path(env["VAR_DIR"]) / "web.log"
    run_env = dict(env, HOST="127.0.0.1", PORT=str(port), WEB_CONCURRENCY=str(workers))
    with log.open("w") as sink:
        process = subprocess.Popen([sys.executable, "-m", "config.serve"], cwd=ROOT, env=run_env, stdout=sink, stderr=subprocess.STDOUT)
    server = WebServer(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_until_up(server)
        yield server
    finally:
        server.stop()


def _wait_until_up(server: WebServer) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"the web server exited: {server.log.read_text()}")
        try:
            if requests.get(server.url + "/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or a worker still booting
            pass
        time.sleep(0.2)
    raise AssertionError(f"the web server did not come up: {server.log.read_text()}")


@contextmanager
def redis_server(tmp_path: Path) -> Iterator[tuple[int, subprocess.Popen]]:
    """A private redis-server (no persistence) on a free port."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port, process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture
def scratch_database():
    """A database of its own for the server (named after the suite's), dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("needs DATABASE_URL on PostgreSQL")
    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_conns"
    admin_url = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, "")), admin_url, name
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
