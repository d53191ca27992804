"""`manage.py check --deploy` warns on settings that lose codes or tie secrets to one host."""
from __future__ import annotations

import subprocess
import sys

import pytest
from django.core import checks

from tests.ops.servers import ROOT, server_env

LOCAL = {
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "SMS_BACKEND": "example.sms.ProviderSender",  # any sender that reaches phones
    "SECRET_KEY_FROM_ENVIRONMENT": True,
    "SECRET_KEY": "k" * 60,
    "ENCRYPTION_KEY": "e" * 60,
    "DEBUG": False,
}


def _ours() -> set[str]:
    return {message.id for message in checks.run_checks(include_deployment_checks=True) if message.id.startswith("ops.")}


@pytest.fixture
def production(settings):
    for name, value in LOCAL.items():
        setattr(settings, name, value)
    return settings


def test_a_production_configuration_passes(production):
    assert _ours() == set()


def test_the_checks_run_only_with_deploy(production):
    production.DEBUG = True
    assert not any(message.id.startswith("ops.") for message in checks.run_checks())


@pytest.mark.parametrize("backend", [
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
])
def test_local_mail_backends_warn(production, backend):
    production.EMAIL_BACKEND = backend
    assert _ours() == {"ops.W001"}


@pytest.mark.parametrize("sender", ["userpools.delivery.sms.ConsoleSmsSender", "userpools.delivery.sms.FileSmsSender"])
def test_local_sms_senders_warn(production, sender):
    production.SMS_BACKEND = sender
    assert _ours() == {"ops.W002"}


def test_a_generated_secret_key_warns(production):
    production.SECRET_KEY_FROM_ENVIRONMENT = False
    assert _ours() == {"ops.W003"}


@pytest.mark.parametrize("key", ["", "k" * 60])  # missing, or the SECRET_KEY it then defaults to
def test_a_missing_encryption_key_warns(production, key):
    production.ENCRYPTION_KEY = key
    assert _ours() == {"ops.W004"}


def test_debug_warns(production):
    production.DEBUG = True
    assert _ours() == {"ops.W005"}


def test_the_embedded_defaults_warn_on_everything(tmp_path):
    """`make run`'s own settings, loaded fresh: every warning but DEBUG."""
    env = server_env(tmp_path)
    for name in ("EMAIL_BACKEND", "SMS_BACKEND", "ENCRYPTION_KEY", "DEBUG"):
        env.pop(name, None)
    done = subprocess.run([sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    for warning in ("ops.W001", "ops.W002", "ops.W003", "ops.W004"):
        assert warning in done.stderr + done.stdout
    assert "ops.W005" not in done.stderr + done.stdout
