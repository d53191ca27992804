"""Test settings: the real ones, with a fast password hasher and a known root key."""
import os

os.environ.setdefault("ROOT_ACCESS_KEY_ID", "AKIATESTROOTKEY00001")
os.environ.setdefault("ROOT_SECRET_ACCESS_KEY", "test-root-secret-key-0000000000000000000")

from config.settings import *  # noqa: E402,F401,F403

# Hashing is not under test here; Argon2 is exercised by its own tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "core.hashers.TunedArgon2PasswordHasher", *IMPORTED_PASSWORD_HASHERS]  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Live-server threads must not keep connections open, or the test database cannot be dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Tasks run in-process in tests, even when REDIS_URL is set; tests of real workers start one
# and switch this off themselves.
CELERY_TASK_ALWAYS_EAGER = True
# Suites share the cache; only the throttle's own tests should ever meet the per-IP limit.
SIGN_IN_IP_FAILURE_LIMIT = 10_000
# Fixtures change pools and IAM entities thousands of times, and each change outside a request waits
# out the window (core/generation.py); its own tests set the window they need.
GENERATION_REUSE_MS = 2
# Tests read the trail right after a call, in transactions the writer thread cannot see; the
# write-behind's own tests (tests/audit/test_write_behind.py) turn it on.
AUDIT_WRITE_BEHIND_MS = 0
# Without Redis the suite keeps a local-memory cache: it runs in one process, and the shared
# database cache (config/settings.py) has a connection of its own that test transactions
# cannot roll back. Tests of several processes start real servers with the real settings.
if not REDIS_URL:  # noqa: F405
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    DATABASES.pop("cache", None)  # noqa: F405
    DATABASE_ROUTERS: list[str] = []
# A file, not SQLite's shared in-memory database: work that runs after the response in threads of
# its own (user import jobs without a broker) needs WAL and the busy timeout, which shared-cache
# memory databases do not honour ("database table is locked").
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import tempfile

    DATABASES["default"]["TEST"] = {"NAME": os.path.join(tempfile.gettempdir(), f"identity-test-{os.getpid()}.sqlite3")}  # noqa: F405
# Every test calls from 127.0.0.1 and many mail alice@example.com: only the limits' own tests
# (which lower these) should meet the per-address and per-destination limits.
CODE_SEND_IP_LIMIT = 10_000_000
CODE_SEND_DESTINATION_LIMIT = 10_000_000
