"""The sign-in clock. Lockout, throttling, sessions and temporary-password expiry read the time
only through `now()`, so tests can move it forward instead of sleeping."""
from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    """The current time; one place for tests to move it."""
    return timezone.now()
