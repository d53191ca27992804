"""The web server for `make run` and production: `python -m config.serve`.

granian (HTTP in Rust, with keep-alive) runs Django's WSGI app in worker processes. Each worker
calls Django from one thread, so it serves one request at a time and holds at most two database
connections, its requests' and its audit writer's (three without Redis: the shared cache's), kept
for DB_CONN_MAX_AGE and health-checked before reuse. The HTTP side costs ~0.2 ms less CPU per request than gunicorn's sync workers
(bench/README.md). The worker count follows the CPUs (WEB_CONCURRENCY overrides it); a worker
that dies is started again, and one held by a request for longer than WEB_REQUEST_TIMEOUT_SECONDS
ends itself (core/watchdog.py). Each worker keeps its Prometheus values in files under
PROMETHEUS_MULTIPROC_DIR, summed at every scrape.
"""
from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile

from granian.constants import Interfaces
from granian.log import LogLevels
from granian.server import MPServer

from core import watchdog


def _metrics_dir() -> tuple[str, bool]:
    """PROMETHEUS_MULTIPROC_DIR, made if unset, emptied of an earlier run's values (set before any
    worker imports prometheus_client, so that every worker writes to the shared files)."""
    own = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if own:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="identity-metrics-")
    path = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(path, exist_ok=True)
    for name in os.listdir(path):
        if name.endswith(".db"):
            os.remove(os.path.join(path, name))
    return path, own


def server() -> MPServer:
    """Worker processes (granian's `Granian` on a Python with the GIL, named for mypy)."""
    return MPServer(
        "config.wsgi:application",
        interface=Interfaces.WSGI,
        address=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "8000")),
        workers=int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1),
        blocking_threads=1,  # one request at a time per worker: one connection, no thread-safety questions
        websockets=False,
        respawn_failed_workers=True,
        # A worker that got the terminal's Ctrl-C itself can hang in its own shutdown (seen with
        # `make run`): past this many seconds the main process kills it instead of waiting forever.
        workers_kill_timeout=10,
        log_level=LogLevels(os.environ.get("WEB_LOG_LEVEL", "info")),  # info says where it listens
        log_access=bool(os.environ.get("ACCESS_LOG")),
    )


def main() -> None:
    metrics_dir, own = _metrics_dir()
    os.environ[watchdog.ENV_MARK] = "1"  # the workers inherit it: each ends a request that overruns (core/watchdog.py)
    try:
        server().serve()
    finally:
        if own:
            shutil.rmtree(metrics_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
