"""The trigger app's options, read from Django settings at run time (so tests can override them)."""
from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class TriggerSettings:
    """The trigger runtime's options."""

    timeout_seconds: float
    attempts: int
    plugins: str
    http_endpoints: str

    @property
    def use_workers(self) -> bool:
        """Run on Celery workers only when a broker is configured and Celery is not eager."""
        from config.celery import app

        return bool(settings.CELERY_BROKER_URL) and not app.conf.task_always_eager


def trigger_settings() -> TriggerSettings:
    """The options as the settings hold them now."""
    return TriggerSettings(
        # Cognito waits 5 seconds for a function and cannot be told otherwise; we can.
        timeout_seconds=float(getattr(settings, "TRIGGER_TIMEOUT_SECONDS", 5)),
        # Cognito makes up to three attempts when a call times out or fails to run.
        attempts=max(1, int(getattr(settings, "TRIGGER_ATTEMPTS", 3))),
        plugins=getattr(settings, "TRIGGER_PLUGINS", ""),
        http_endpoints=getattr(settings, "TRIGGER_HTTP_ENDPOINTS", ""),
    )
