"""/healthz and /readyz against the web server the test starts, with a private redis-server the test
stops: readiness names the dead dependency with 503, liveness stays 200."""
from __future__ import annotations

import redis
import requests

from tests.ops.servers import redis_server, server_env, web_server
from tests.ops.wire import scrape


def test_readyz_reports_a_stopped_redis(tmp_path):
    with redis_server(tmp_path) as (port, redis_process):
        env = server_env(tmp_path, REDIS_URL=f"redis://127.0.0.1:{port}/0")
        with web_server(env, workers=1) as server:
            ready = requests.get(server.url + "/readyz", timeout=10)
            assert ready.status_code == 200
            assert ready.json() == {"status": "ready", "checks": {"database": "ok", "redis": "ok"}, "failed": []}

            # No worker runs, so messages put on the broker's queues stay there: /metrics shows them.
            broker = redis.Redis(port=port)
            broker.rpush("celery", *[b"message"] * 3)
            broker.rpush("triggers", b"message")
            samples = scrape(server.url)
            assert samples[("identity_queue_depth", (("queue", "celery"),))] == 3
            assert samples[("identity_queue_depth", (("queue", "triggers"),))] == 1
            broker.close()

            redis_process.terminate()
            redis_process.wait(timeout=10)

            unready = requests.get(server.url + "/readyz", timeout=10)
            assert unready.status_code == 503
            body = unready.json()
            assert body["status"] == "unavailable" and body["failed"] == ["redis"]
            assert body["checks"]["database"] == "ok" and body["checks"]["redis"].startswith("unavailable: ")
            assert requests.get(server.url + "/healthz", timeout=10).json() == {"status": "ok"}


def test_without_redis_readiness_checks_both_databases(tmp_path):
    with web_server(server_env(tmp_path), workers=1) as server:
        ready = requests.get(server.url + "/readyz", timeout=10)
        assert ready.status_code == 200
        assert ready.json()["checks"] == {"database": "ok", "database:cache": "ok"}
