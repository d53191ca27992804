"""`manage.py check --deploy`: warnings for settings that suit a laptop but not a deployment.

The embedded defaults print mail and SMS to the console and generate a secret key into var/;
in production that loses every code a user should receive and ties secrets to one host.
"""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register

_LOCAL_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend": "prints mail to the console",
    "django.core.mail.backends.filebased.EmailBackend": "writes mail to files",
    "django.core.mail.backends.locmem.EmailBackend": "keeps mail in memory",
    "django.core.mail.backends.dummy.EmailBackend": "drops every mail",
}
_LOCAL_SMS_SENDERS = {
    "userpools.delivery.sms.ConsoleSmsSender": "prints SMS to the console",
    "userpools.delivery.sms.FileSmsSender": "writes SMS to a file",
}


@register(Tags.security, deploy=True)
def check_delivery(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """Mail and SMS must reach users: no console, file or in-memory backend."""
    found = []
    if settings.EMAIL_BACKEND in _LOCAL_EMAIL_BACKENDS:
        found.append(Warning(
            f"EMAIL_BACKEND {_LOCAL_EMAIL_BACKENDS[settings.EMAIL_BACKEND]}: no user receives a code.",
            hint="Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST etc.",
            id="ops.W001",
        ))
    if settings.SMS_BACKEND in _LOCAL_SMS_SENDERS:
        found.append(Warning(
            f"SMS_BACKEND {_LOCAL_SMS_SENDERS[settings.SMS_BACKEND]}: no user receives an SMS code.",
            hint="Set SMS_BACKEND to a sender that reaches phones (see README, SMS).",
            id="ops.W002",
        ))
    return found


@register(Tags.security, deploy=True)
def check_keys(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """SECRET_KEY and ENCRYPTION_KEY set explicitly, and DEBUG off."""
    found = []
    if not settings.SECRET_KEY_FROM_ENVIRONMENT:
        found.append(Warning(
            "SECRET_KEY is not set: a key generated into var/ is used, which other servers of this database do not share.",
            hint="Set SECRET_KEY to the same long random value on every server.",
            id="ops.W003",
        ))
    if not settings.ENCRYPTION_KEY or settings.ENCRYPTION_KEY == settings.SECRET_KEY:
        found.append(Warning(
            "ENCRYPTION_KEY is not set: secrets at rest are encrypted with SECRET_KEY, which then can never be rotated.",
            hint="Set ENCRYPTION_KEY to a long random value of its own, kept apart from SECRET_KEY.",
            id="ops.W004",
        ))
    if settings.DEBUG:
        found.append(Warning(
            "DEBUG is on: error pages show settings and stack traces to any caller.",
            hint="Unset DEBUG (it defaults to off).",
            id="ops.W005",
        ))
    return found
