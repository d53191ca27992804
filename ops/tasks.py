"""The Celery beat task that keeps expired rows from piling up (config: CELERY_BEAT_SCHEDULE)."""
from __future__ import annotations

import logging

from celery import shared_task

from ops import purge

log = logging.getLogger(__name__)


@shared_task(name="ops.tasks.purge_expired", ignore_result=True)
def purge_expired() -> None:
    log.info("purged expired rows: %s", purge.purge_expired())
