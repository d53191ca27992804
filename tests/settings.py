"""Test settings: the real ones, with a fast password hasher and a known root key."""
import os

os.environ.setdefault("ROOT_ACCESS_KEY_ID", "AKIATESTROOTKEY00001")
os.environ.setdefault("ROOT_SECRET_ACCESS_KEY", "test-root-secret-key-0000000000000000000")

from config.settings import *  # noqa: E402,F401,F403

# Hashing is not under test here; Argon2 is exercised by its own tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "core.hashers.TunedArgon2PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Live-server threads must not keep connections open, or the test database cannot be dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Tasks run in-process in tests, even when REDIS_URL is set; tests of real workers start one
# and switch this off themselves.
CELERY_TASK_ALWAYS_EAGER = True
# Suites share the cache; only the throttle's own tests should ever meet the per-IP limit.
SIGN_IN_IP_FAILURE_LIMIT = 10_000
# Every test calls from 127.0.0.1 and many mail alice@example.com: only the limits' own tests
# (which lower these) should meet the per-address and per-destination limits.
CODE_SEND_IP_LIMIT = 10_000_000
CODE_SEND_DESTINATION_LIMIT = 10_000_000
