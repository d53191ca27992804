"""Settings come from the environment, with safe defaults."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]
_PROBE = (
    "import json, config.settings as s;"
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], 'name': str(s.DATABASES['default']['NAME']),"
    "'eager': s.CELERY_TASK_ALWAYS_EAGER, 'cache': s.CACHES['default']['BACKEND'], 'debug': s.DEBUG,"
    "'public_url': s.PUBLIC_URL, 'region': s.REGION, 'account': s.ACCOUNT_ID, 'secret': s.SECRET_KEY}))"
)


def load_settings(tmp_path, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "PUBLIC_URL", "PORT", "REGION", "ACCOUNT_ID"}}
    clean.update(VAR_DIR=str(tmp_path), **env)
    out = subprocess.run([sys.executable, "-c", _PROBE], cwd=ROOT, env=clean, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_defaults_are_embedded_and_safe(tmp_path):
    values = load_settings(tmp_path)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(tmp_path / "db.sqlite3")
    # Several web workers share throttles and single-use markers through the database.
    assert values["eager"] is True and values["cache"] == "core.shared_cache.SharedDatabaseCache"
    assert values["debug"] is False
    assert values["public_url"] == "http://127.0.0.1:8000"
    assert (values["region"], values["account"]) == ("us-east-1", "000000000000")
    # The generated secret is stored once and reused.
    assert (tmp_path / "secret_key").read_text().strip() == values["secret"]
    assert load_settings(tmp_path)["secret"] == values["secret"]


def test_production_shape_from_environment(tmp_path):
    values = load_settings(
        tmp_path,
        DATABASE_URL="postgres://u@db.example:5432/idp",
        REDIS_URL="redis://127.0.0.1:6379/0",
        SECRET_KEY="s3cret",
        PORT="9000",
        REGION="eu-west-1",
    )
    assert values["engine"] == "core.postgresql"  # Django's, with a cheaper health check
    assert values["eager"] is False and "redis" in values["cache"].lower()
    assert values["secret"] == "s3cret" and not (tmp_path / "secret_key").exists()
    assert values["public_url"] == "http://127.0.0.1:9000" and values["region"] == "eu-west-1"


def test_typed_helpers_reject_nonsense(monkeypatch):
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ValueError):
        env_bool("X_BOOL")
    monkeypatch.setenv("X_INT", "12a")
    with pytest.raises(ValueError):
        env_int("X_INT", 1)
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert env_list("X_LIST", []) == ["a", "b", "c"]
    monkeypatch.setenv("X_BOOL", "yes")
    assert env_bool("X_BOOL") is True
