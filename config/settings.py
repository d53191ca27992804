"""Settings, all read from the environment with safe defaults (see README)."""
from __future__ import annotations

import sys
from pathlib import Path

import dj_database_url

from config.env import env_bool, env_int, env_list, env_str, local_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY") or local_secret_key(VAR_DIR)
# A key generated into var/ suits one host; servers sharing a database need the same one (ops/checks.py).
SECRET_KEY_FROM_ENVIRONMENT = bool(env_str("SECRET_KEY"))
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["*"])

PORT = env_int("PORT", 8000)
PUBLIC_URL = env_str("PUBLIC_URL", f"http://127.0.0.1:{PORT}").rstrip("/")
REGION = env_str("REGION", "us-east-1")
ACCOUNT_ID = env_str("ACCOUNT_ID", "000000000000")
ROOT_ACCESS_KEY_ID = env_str("ROOT_ACCESS_KEY_ID")
ROOT_SECRET_ACCESS_KEY = env_str("ROOT_SECRET_ACCESS_KEY")
# Key for secrets encrypted at rest (access-key secrets, client secrets, signing keys).
# Defaults to one derived from SECRET_KEY; set it separately to rotate SECRET_KEY freely.
ENCRYPTION_KEY = env_str("ENCRYPTION_KEY") or SECRET_KEY
# Proxies (load balancers) in front of the app servers that append to X-Forwarded-For.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# TLS ends at that proxy: the header it sets to "https" (e.g. X-Forwarded-Proto), so Django knows
# a request came in over TLS. Set it only behind a proxy that overwrites the header.
TLS_PROXY_HEADER = env_str("TLS_PROXY_HEADER")
if TLS_PROXY_HEADER:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + TLS_PROXY_HEADER.upper().replace("-", "_"), "https")
# Origins whose forms may post (the admin, the hosted UI) besides the request's own host.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [PUBLIC_URL])
# Cookies only over TLS once the public URL is https.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PUBLIC_URL.startswith("https://")
# When set, /metrics answers only a scraper that presents it as a bearer token.
METRICS_BEARER_TOKEN = env_str("METRICS_BEARER_TOKEN", "")
# A web worker (config.serve) held by one request for longer than this ends itself and is replaced
# (core/watchdog.py); 0 turns that off.
WEB_REQUEST_TIMEOUT_SECONDS = env_int("WEB_REQUEST_TIMEOUT_SECONDS", 60)
# Failed sign-ins allowed per source IP and window, against password spraying.
SIGN_IN_IP_FAILURE_LIMIT = env_int("SIGN_IN_IP_FAILURE_LIMIT", 100)
SIGN_IN_IP_WINDOW_SECONDS = env_int("SIGN_IN_IP_WINDOW_SECONDS", 300)
# Code sending and guessing (userpools/services/limits.py; README "Limits"): requests for a code per
# user and operation, per source address, and codes sent per mail address or phone number, each per
# window; wrong codes per user (across codes) per window before the user's codes lock.
CODE_SEND_WINDOW_SECONDS = env_int("CODE_SEND_WINDOW_SECONDS", 3600)
CODE_SEND_USER_LIMIT = env_int("CODE_SEND_USER_LIMIT", 10)
CODE_SEND_IP_LIMIT = env_int("CODE_SEND_IP_LIMIT", 100)
CODE_SEND_DESTINATION_LIMIT = env_int("CODE_SEND_DESTINATION_LIMIT", 10)
CODE_GUESS_LIMIT = env_int("CODE_GUESS_LIMIT", 10)
CODE_GUESS_WINDOW_SECONDS = env_int("CODE_GUESS_WINDOW_SECONDS", 3600)
CODE_GUESS_LOCKOUT_SECONDS = env_int("CODE_GUESS_LOCKOUT_SECONDS", 900)
# With PreventUserExistenceErrors, the code operations (ForgotPassword, ConfirmForgotPassword,
# ResendConfirmationCode, ConfirmSignUp) answer no sooner than this, for real and unknown users alike.
HIDDEN_USER_MIN_RESPONSE_MS = env_int("HIDDEN_USER_MIN_RESPONSE_MS", 150)
# How long the audit trail keeps events (`manage.py pruneaudit` deletes older ones).
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 90)
# A record no change commits with (a read's, a sign-in's, a refusal's) is queued and written by the
# process's writer thread, batched, within this window (audit/write_behind.py). 0: one INSERT per call.
AUDIT_WRITE_BEHIND_MS = env_int("AUDIT_WRITE_BEHIND_MS", 20)
# How far a SigV4 X-Amz-Date may be from our clock.
SIGV4_MAX_SKEW_SECONDS = env_int("SIGV4_MAX_SKEW_SECONDS", 15 * 60)
# How far a user-pool token's iat/nbf may lie ahead of our clock, and its exp beyond the
# client's configured lifetime.
TOKEN_CLOCK_SKEW_SECONDS = env_int("TOKEN_CLOCK_SKEW_SECONDS", 60)

# Origins whose browser pages may call the AWS endpoint and read the well-known documents
# (core/cors.py): "*" (the default, as Cognito), a comma-separated list, or "off".
CORS_ALLOWED_ORIGINS = [o for o in env_list("CORS_ALLOWED_ORIGINS", ["*"]) if o != "off"]

# Input limits of the AWS fronts (`POST /`), checked before any parsing (docs/limits.md): a larger
# body is refused with 413 RequestEntityTooLargeException, deeper JSON with SerializationException.
AWS_MAX_REQUEST_BYTES = env_int("AWS_MAX_REQUEST_BYTES", 1024 * 1024)
AWS_MAX_JSON_DEPTH = env_int("AWS_MAX_JSON_DEPTH", 32)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from here, not a CDN
    "iam",
    "kms",
    "userpools",
    "triggers",
    "organizations",
    "audit",
    "identitypools",
    "ops",
    "outbox",
]

MIDDLEWARE = [
    "core.request_context.request_context",  # a request id for logs and x-amzn-RequestId, the start time for metrics
    "triggers.records.flush_after_view",  # runs once every layer below is done
    "core.generation.answer_once_changes_settled",  # a change answers once every process sees it
    "django.middleware.security.SecurityMiddleware",
    "awsapi.fronts.root.straight_to_endpoint",  # `/` (the AWS endpoint) needs none of the layers below
    "whitenoise.middleware.WhiteNoiseMiddleware",  # the admin's and Swagger UI's static files, under the production server too
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,  # a connection kept across requests is checked before reuse
    )
}
# WAL lets readers proceed while one writer commits; the timeout rides out short locks (several
# web workers share the file); IMMEDIATE takes the write lock at BEGIN, so two transactions
# never deadlock upgrading read locks.
SQLITE_OPTIONS = {
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "core.postgresql"  # Django's, health-checked by a poll (core/postgresql/base.py)
# The hot statements (core/postgresql/base.py) stay prepared on each connection; off behind a
# connection pooler that cannot keep prepared statements (PgBouncer in transaction mode before 1.21).
DB_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", True)
# runserver serves every HTTP connection on a thread of its own, and a connection kept per thread
# piles up (86 idle PostgreSQL connections once): it closes each connection after its request.
if sys.argv[1:2] == ["runserver"]:
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
# A dead or frozen Redis must cost a call seconds, not minutes: short socket timeouts everywhere
# Redis is reached (cache, broker, results) and no retries of our own beyond them.
REDIS_CONNECT_TIMEOUT_SECONDS = float(env_str("REDIS_CONNECT_TIMEOUT_SECONDS", "1"))
REDIS_SOCKET_TIMEOUT_SECONDS = float(env_str("REDIS_SOCKET_TIMEOUT_SECONDS", "2"))
# After a Redis error a process treats the cache as down this long before trying it again.
REDIS_RETRY_AFTER_SECONDS = float(env_str("REDIS_RETRY_AFTER_SECONDS", "2"))
# How long a web worker reuses the cache generations it read (core/generation.py); a change to a
# pool, app client, signing key or IAM entity waits as long before it returns. 0: read per request.
GENERATION_REUSE_MS = env_int("GENERATION_REUSE_MS", 20)
_REDIS_SOCKET_OPTIONS = {"socket_connect_timeout": REDIS_CONNECT_TIMEOUT_SECONDS, "socket_timeout": REDIS_SOCKET_TIMEOUT_SECONDS}
if REDIS_URL:
    # core.cache answers a Redis fault as InternalErrorException (HTTP 500) instead of a traceback.
    CACHES = {"default": {"BACKEND": "core.cache.FailFastRedisCache", "LOCATION": REDIS_URL, "OPTIONS": _REDIS_SOCKET_OPTIONS}}
else:
    # No Redis: every web worker must still share throttles, lockout windows, single-use
    # markers and cache generations, so the cache is a table behind a connection of its own
    # (core/shared_cache.py; `manage.py createcachetable` makes it).
    CACHES = {"default": {"BACKEND": "core.shared_cache.SharedDatabaseCache", "LOCATION": "shared_cache"}}
    DATABASES["cache"] = DATABASES["default"].copy()
    if DATABASES["cache"]["ENGINE"] == "django.db.backends.sqlite3":
        # A file of its own: the request's transaction holds the main file's only write lock.
        DATABASES["cache"]["NAME"] = str(Path(DATABASES["default"]["NAME"]).with_name("cache.sqlite3"))
    DATABASE_ROUTERS = ["core.shared_cache.CacheRouter"]

# Celery: with no broker every task runs in-process, eagerly.
CELERY_BROKER_URL = REDIS_URL or None
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_CONNECT_TIMEOUT_SECONDS
CELERY_BROKER_TRANSPORT_OPTIONS = {**_REDIS_SOCKET_OPTIONS, "max_retries": 1}
# A publish that fails is not retried here: the outbox (outbox/) holds the work until a relay sends it.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_CONNECT_TIMEOUT_SECONDS
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_SOCKET_TIMEOUT_SECONDS
CELERY_REDIS_RETRY_ON_TIMEOUT = False
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 0}}
# Only synchronous triggers keep results, read within seconds by the caller waiting on them.
CELERY_RESULT_EXPIRES = 300
# The worker keeps trying to reach a broker that went away, and on start.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Triggers get their own queue so slow mail cannot hold up a sign-up waiting on its trigger.
CELERY_TASK_ROUTES = {"triggers.*": {"queue": "triggers"}}
# Task modules autodiscovery (<app>.tasks) cannot find: the mail and SMS tasks live in userpools/delivery/.
CELERY_IMPORTS = ("outbox.tasks",)

# The transactional outbox (outbox/): mail, SMS and asynchronous triggers are written as rows in
# the operation's transaction and delivered after commit; a relay retries what was not delivered.
OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 60)  # a claimed row waits this long for its sender
OUTBOX_RELAY_INTERVAL_SECONDS = float(env_str("OUTBOX_RELAY_INTERVAL_SECONDS", "5"))
OUTBOX_FAILED_RETENTION_DAYS = env_int("OUTBOX_FAILED_RETENTION_DAYS", 7)  # then `purgeexpired` deletes them

# Triggers (see triggers/registry.py): plugins by function name, and how long/often to try them.
TRIGGER_PLUGINS = env_str("TRIGGER_PLUGINS")
TRIGGER_HTTP_ENDPOINTS = env_str("TRIGGER_HTTP_ENDPOINTS")
TRIGGER_TIMEOUT_SECONDS = float(env_str("TRIGGER_TIMEOUT_SECONDS", "5"))
TRIGGER_ATTEMPTS = env_int("TRIGGER_ATTEMPTS", 3)
TRIGGER_HTTP_SECRET = env_str("TRIGGER_HTTP_SECRET")  # HMAC key for the HTTP plugin's X-Trigger-Signature

# Hashes imported from other systems (importusers, import jobs) are verified by these at the
# user's first sign-in and then replaced by the first (preferred) hasher's.
IMPORTED_PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.BCryptPasswordHasher",
    "core.hashers.KeycloakPBKDF2SHA256Hasher",
    "core.hashers.KeycloakPBKDF2SHA512Hasher",
    "core.hashers.KeycloakPBKDF2SHA1Hasher",
]
PASSWORD_HASHERS = [
    "core.hashers.TunedArgon2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    *IMPORTED_PASSWORD_HASHERS,
]

# User import jobs (CreateUserImportJob): lines per committed batch, how long the pre-signed
# upload URL lives, and the largest CSV it takes (Cognito's limit is 100 MB).
USER_IMPORT_BATCH_SIZE = env_int("USER_IMPORT_BATCH_SIZE", 500)
USER_IMPORT_UPLOAD_SECONDS = env_int("USER_IMPORT_UPLOAD_SECONDS", 900)
USER_IMPORT_MAX_BYTES = env_int("USER_IMPORT_MAX_BYTES", 100 * 1024 * 1024)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
# A mail server that stops answering must not hold a send past the outbox claim (OUTBOX_LEASE_SECONDS).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "no-reply@verificationemail.com")
# SMS goes through a pluggable sender (userpools.delivery.sms.SmsSender); the file sender appends JSON lines.
SMS_BACKEND = env_str("SMS_BACKEND", "userpools.delivery.sms.ConsoleSmsSender")
SMS_FILE_PATH = env_str("SMS_FILE_PATH", str(VAR_DIR / "sms.jsonl"))
# userpools.delivery.sms.SnsSmsSender: region, a local endpoint (tests), and an optional sender id.
SMS_SNS_REGION = env_str("SMS_SNS_REGION", REGION)
SMS_SNS_ENDPOINT_URL = env_str("SMS_SNS_ENDPOINT_URL")
SMS_SNS_SENDER_ID = env_str("SMS_SNS_SENDER_ID")
# userpools.delivery.sms.TwilioSmsSender.
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID")
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN")
TWILIO_FROM_NUMBER = env_str("TWILIO_FROM_NUMBER")
TWILIO_MESSAGING_SERVICE_SID = env_str("TWILIO_MESSAGING_SERVICE_SID")
TWILIO_API_BASE = env_str("TWILIO_API_BASE", "https://api.twilio.com")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# WhiteNoise serves the apps' static files straight from their packages, so no collectstatic step
# is needed (after `collectstatic` it serves STATIC_ROOT as well).
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns at every start about a missing one

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["iam.rest_auth.SigV4Authentication"],
    "DEFAULT_PERMISSION_CLASSES": ["iam.rest_auth.IsSignedRequest"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "awsapi.fronts.rest_errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Identity service REST API",
    "DESCRIPTION": "User-pool administration; every call is SigV4-signed like the AWS API.",
    "VERSION": "1.0.0",
    # Swagger UI's JS/CSS from drf-spectacular-sidecar's static files, so /api/docs/ works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# LOG_FORMAT=json: one JSON object per line; every line names its request's id (x-amzn-RequestId).
LOG_FORMAT = env_str("LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.request_context.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "core.request_context.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Libraries that narrate routine work at INFO: the Encryption SDK every data key it makes (each
    # custom-sender message), and pysaml2's xmlschema every schema it loads (each process start).
    "loggers": {"aws_encryption_sdk": {"level": "WARNING"}, "xmlschema": {"level": "WARNING"}},
}

# Operations: periodic purging (ops/purge.py) and how long old records are kept.
TRIGGER_RECORD_RETENTION_DAYS = env_int("TRIGGER_RECORD_RETENTION_DAYS", 30)
PURGE_INTERVAL_SECONDS = env_int("PURGE_INTERVAL_SECONDS", 3600)
CELERY_BEAT_SCHEDULE = {
    "purge-expired": {"task": "ops.tasks.purge_expired", "schedule": float(PURGE_INTERVAL_SECONDS)},
}
