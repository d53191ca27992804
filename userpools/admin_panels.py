"""Read-only panels of a pool user's admin page (MFA, devices, groups, sign-ins, audit events)
and of a pool's page (its settings in sections). Rendering only: changes are the actions'."""
from __future__ import annotations

import json
from collections.abc import Iterable

from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from audit.models import Event
from userpools.models import Device, RefreshToken, SoftwareToken, User, UserPool

RECENT = 10

# What a pool's settings are about, in the order an operator looks for them.
POOL_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Sign-in", ("UsernameAttributes", "AliasAttributes", "UsernameConfiguration", "DeletionProtection", "UserPoolTier")),
    ("Password policy", ("Policies",)),
    ("Multi-factor authentication and devices", ("MfaConfiguration", "SmsMfaConfiguration", "SoftwareTokenMfaConfiguration",
                                                 "EmailMfaConfiguration", "DeviceConfiguration")),
    ("Verification and messages", ("AutoVerifiedAttributes", "UserAttributeUpdateSettings", "VerificationMessageTemplate",
                                   "EmailVerificationMessage", "EmailVerificationSubject", "SmsVerificationMessage",
                                   "SmsAuthenticationMessage", "EmailConfiguration", "SmsConfiguration")),
    ("Account recovery and sign-up", ("AccountRecoverySetting", "AdminCreateUserConfig", "UserPoolAddOns")),
    ("Triggers", ("LambdaConfig",)),
)
SECTIONED = {key for _, keys in POOL_SECTIONS for key in keys} | {"SchemaAttributes"}


def _value(value) -> str | SafeString:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ", ".join(value) or "—"
    if isinstance(value, (dict, list)):
        return format_html("<pre style='margin:0'>{}</pre>", json.dumps(value, indent=2, sort_keys=True))
    return str(value)


def settings_table(config: dict, keys: Iterable[str]) -> SafeString:
    """A two-column table of the given top-level settings (those the pool does not set are left out)."""
    rows = [(key, _value(config[key])) for key in keys if key in config]
    if not rows:
        return mark_safe("<em>Not set</em>")
    body = format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows)
    return format_html("<table>{}</table>", body)


def schema_table(config: dict) -> SafeString:
    rows = [
        (item["Name"], item.get("AttributeDataType", "String"), "yes" if item.get("Required") else "",
         "" if item.get("Mutable", True) else "immutable")
        for item in config.get("SchemaAttributes") or []
    ]
    body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
    return format_html("<table><tr><th>Name</th><th>Type</th><th>Required</th><th>Mutability</th></tr>{}</table>", body)


def user_counts(pool: UserPool) -> SafeString:
    """Users of the pool by status (one aggregate query)."""
    rows = User.objects.filter(pool=pool).values("status").annotate(count=Count("id")).order_by("status")
    if not rows:
        return mark_safe("0")
    return format_html_join(", ", "{}: {}", ((row["status"], row["count"]) for row in rows))


def _button(url: str, label: str) -> SafeString:
    # A submit button of the change form itself, sent to another URL (forms cannot be nested).
    return format_html('<button type="submit" class="button" formaction="{}" formmethod="post">{}</button>', url, label)


def mfa_panel(user: User, enabled: list[str], off_url) -> SafeString:
    """Enabled MFA methods, each with a button that turns it off, and the TOTP authenticator."""
    token = SoftwareToken.objects.filter(user=user).first()
    authenticator = "none"
    if token is not None:
        authenticator = f"{token.friendly_name or 'unnamed'} ({'verified' if token.verified else 'not verified'})"
    rows = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", (
        (method, "preferred" if user.preferred_mfa == method else "", _button(off_url(method), "Turn off"))
        for method in enabled
    ))
    methods = format_html("<table>{}</table>", rows) if enabled else mark_safe("<p>No MFA method is turned on.</p>")
    return format_html("{}<p>Authenticator app: {}</p>", methods, authenticator)


def device_panel(user: User, forget_url) -> SafeString:
    devices = list(Device.objects.filter(user=user).order_by("-id")[:50])
    if not devices:
        return mark_safe("No devices.")
    rows = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", (
        (device.name or "—", device.device_key, "remembered" if device.remembered else "not remembered",
         device.last_authenticated or "—", device.last_ip or "—", _button(forget_url(device.device_key), "Remove"))
        for device in devices
    ))
    header = "<tr><th>Name</th><th>Key</th><th>Status</th><th>Last sign-in</th><th>Last IP</th><th></th></tr>"
    return format_html("<table>{}{}</table>", mark_safe(header), rows)


def group_panel(user: User) -> SafeString:
    groups = list(user.groups.order_by("precedence", "name"))
    if not groups:
        return mark_safe("No groups.")
    return format_html_join(", ", '<a href="{}">{}</a>', (
        (reverse("admin:userpools_group_change", args=[group.pk]), group.name) for group in groups
    ))


def sign_in_panel(user: User) -> SafeString:
    """Recent sign-ins: each one left a refresh token (hashed) with its time and app client."""
    sessions = RefreshToken.objects.filter(user=user).select_related("client").order_by("-auth_time")[:RECENT]
    rows = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", (
        (session.auth_time, session.client.name, "signed out" if session.revoked_at else "active")
        for session in sessions
    ))
    failed = format_html("<p>Failed sign-ins in a row: {}; locked until: {}</p>", user.failed_sign_ins, user.locked_until or "—")
    if not rows:
        return format_html("<p>No sign-ins.</p>{}", failed)
    return format_html("<table><tr><th>Signed in</th><th>App client</th><th>Session</th></tr>{}</table>{}", rows, failed)


def audit_panel(user: User) -> SafeString:
    """The latest audit events about the user: changes on their pool that name their sub (the
    trail hides usernames, as CloudTrail does)."""
    events = (Event.objects.filter(resource_name=user.pool_id, additional_event_data__sub=str(user.sub))
              .order_by("-event_time", "-event_id")[:RECENT * 2])
    rows = format_html_join("", '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>', (
        (reverse("admin:audit_event_change", args=[event.pk]), event.event_time, event.event_name,
         event.username or event.identity_type, event.source_ip, event.error_code or "ok")
        for event in events
    ))
    if not rows:
        return mark_safe("No events.")
    header = "<tr><th>Time</th><th>Event</th><th>By</th><th>Source IP</th><th>Result</th></tr>"
    return format_html("<table>{}{}</table>", mark_safe(header), rows)
