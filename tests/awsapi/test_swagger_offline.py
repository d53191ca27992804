"""/api/docs/ works offline: Swagger UI's assets come from this server (drf-spectacular-sidecar)."""
from __future__ import annotations

import re
import urllib.request
from urllib.parse import urljoin, urlsplit

import pytest


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=30) as reply:
        return reply.status, reply.read().decode("utf-8", "replace")


@pytest.mark.django_db
def test_swagger_ui_references_no_external_host_and_its_assets_are_served(live_server):
    status, page = _get(live_server.url + "/api/docs/")
    assert status == 200
    references = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", page) + re.findall(r"""["'](https?://[^"']+)["']""", page)
    hosts = {urlsplit(reference).netloc for reference in references} - {"", urlsplit(live_server.url).netloc}
    assert not hosts, f"/api/docs/ loads from {hosts}"
    scripts = [src for src in re.findall(r"""<script[^>]+src=["']([^"']+)["']""", page) if "swagger-ui" in src]
    assert scripts, page
    for src in scripts:
        status, body = _get(urljoin(live_server.url + "/api/docs/", src))
        assert status == 200 and len(body) > 1000
