"""Endpoints for the operator's probes: /healthz (the process answers), /readyz (its database and
Redis answer too) and /metrics (Prometheus). They bypass the AWS pipeline: no signature, no audit."""
from __future__ import annotations

import hmac
import os

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess

from ops import readiness
from ops.queue_depth import QueueDepthCollector


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is up and serving; no dependency is touched."""
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    """200 when every dependency answers; 503 naming each one that does not."""
    checks = readiness.check_all()
    failed = sorted(name for name, result in checks.items() if result != "ok")
    body = {"status": "unavailable" if failed else "ready", "checks": checks, "failed": failed}
    return JsonResponse(body, status=503 if failed else 200)


def _scraper_allowed(request: HttpRequest) -> bool:
    """With METRICS_BEARER_TOKEN set, only a scraper that presents it (Prometheus'
    `authorization` or `bearer_token` scrape settings); without it, anyone who can reach /metrics."""
    token = settings.METRICS_BEARER_TOKEN
    if not token:
        return True
    given = request.headers.get("Authorization", "")
    return given.startswith("Bearer ") and hmac.compare_digest(given[len("Bearer "):].encode(), token.encode())


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus' text format: every worker's counters (multiprocess mode) and the queue depth."""
    if not _scraper_allowed(request):
        response = JsonResponse({"message": "A valid bearer token is required to read the metrics."}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    live = CollectorRegistry()
    live.register(QueueDepthCollector())
    return HttpResponse(generate_latest(registry) + generate_latest(live), content_type=CONTENT_TYPE_LATEST)
