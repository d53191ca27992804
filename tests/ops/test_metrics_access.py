"""/metrics is open by default (keep it off the public proxy, docs/production.md); with
METRICS_BEARER_TOKEN set it answers only a scraper that presents that token."""
from __future__ import annotations

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_metrics_are_open_without_a_token(client):
    response = client.get("/metrics")
    assert response.status_code == 200 and b"# TYPE" in response.content


@override_settings(METRICS_BEARER_TOKEN="scrape-secret-0123456789")
def test_a_token_keeps_other_readers_out(client):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic scrape-secret-0123456789"}):
        response = client.get("/metrics", headers=headers)
        assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
        assert b"# TYPE" not in response.content
    response = client.get("/metrics", headers={"Authorization": "Bearer scrape-secret-0123456789"})
    assert response.status_code == 200 and b"# TYPE" in response.content
