"""Celery's queue depth, read from the broker at scrape time (a Redis list per queue)."""
from __future__ import annotations

from collections.abc import Iterator

import redis
from django.conf import settings
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

QUEUES = ("celery", "triggers")
# kombu keeps a message with a priority in a list of its own, named queue + this separator + step.
_PRIORITY_SEPARATOR = "\x06\x16"
_PRIORITY_STEPS = (3, 6, 9)


class QueueDepthCollector(Collector):
    """identity_queue_depth{queue}: messages waiting in each Celery queue (nothing without a broker)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        if not settings.CELERY_BROKER_URL:
            return
        family = GaugeMetricFamily("identity_queue_depth", "Messages waiting in each Celery queue.", labels=["queue"])
        client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=1.0, socket_connect_timeout=1.0)
        try:
            for queue in QUEUES:
                keys = [queue] + [f"{queue}{_PRIORITY_SEPARATOR}{step}" for step in _PRIORITY_STEPS]
                family.add_metric([queue], sum(client.llen(key) for key in keys))
        except redis.RedisError:
            return  # /readyz reports the broker; a scrape must still answer
        finally:
            client.close()
        yield family
