"""Which Python callable answers for which Lambda function name.

A plugin is a callable `handler(event, context)`, the signature of a Python Lambda. It is registered
under a function name by one of (later ones win on a clash):
  1. an entry point in the group `identity.triggers` (`name = "package.module:callable"`);
  2. the TRIGGER_PLUGINS setting/env: `name=package.module:callable,name2=...`;
  3. the TRIGGER_HTTP_ENDPOINTS setting/env: `name=https://host/path,...`, the built-in HTTP plugin.
A pool's LambdaConfig keeps AWS's ARN form; `function_name_from_arn` maps it to the name.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from importlib.metadata import entry_points
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

from core.net import is_loopback_url
from triggers.conf import trigger_settings
from triggers.plugins.http import HttpHandler

ENTRY_POINT_GROUP = "identity.triggers"
Handler = Callable[[dict, Any], Any]

_NAME = r"[A-Za-z0-9_-]{1,140}"
_ARN = re.compile(
    rf"^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{{12}}:function:(?P<name>{_NAME})(?::(?P<qualifier>[A-Za-z0-9$_-]{{1,128}}))?$"
)
_TARGET = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")


@dataclass(frozen=True)
class Plugin:
    """A registered plugin: its function name, where it points, and where it was registered."""

    name: str
    target: str  # "package.module:callable", or the URL for the HTTP plugin
    source: str  # where it was registered: "entry point", "TRIGGER_PLUGINS", "TRIGGER_HTTP_ENDPOINTS"

    def load(self) -> Handler:
        """The plugin's handler: the HTTP plugin for an endpoint, else the imported callable."""
        if self.source == "TRIGGER_HTTP_ENDPOINTS":
            return HttpHandler(self.target)
        return import_string(self.target)


def function_name_from_arn(arn: str) -> str | None:
    """`arn:aws:lambda:<region>:<account>:function:<name>[:<alias or version>]` -> name (a bare name too)."""
    match = _ARN.match(arn or "")
    if match:
        return match.group("name")
    return arn if arn and re.fullmatch(_NAME, arn) else None


def import_string(target: str) -> Handler:
    """`package.module:callable` (dots allowed after the colon) -> the callable."""
    module_name, _, attribute = target.partition(":")
    obj: Any = import_module(module_name)
    for part in attribute.split("."):
        obj = getattr(obj, part)
    if not callable(obj):
        raise ImproperlyConfigured(f"Trigger plugin {target} is not callable.")
    return obj


def parse_pairs(value: str, setting: str) -> list[tuple[str, str]]:
    """`a=x,b=y` -> [("a", "x"), ("b", "y")], refusing malformed items so mistakes show at start-up."""
    pairs = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        name, sep, target = (piece.strip() for piece in item.partition("="))
        if not sep or not re.fullmatch(_NAME, name) or not target:
            raise ImproperlyConfigured(f"{setting}: expected name=value, got {item!r}.")
        pairs.append((name, target))
    return pairs


def _plugin_entries() -> list[Plugin]:
    found = [Plugin(ep.name, ep.value, "entry point") for ep in entry_points(group=ENTRY_POINT_GROUP)]
    options = trigger_settings()
    for name, target in parse_pairs(options.plugins, "TRIGGER_PLUGINS"):
        if not _TARGET.match(target):
            raise ImproperlyConfigured(f"TRIGGER_PLUGINS: {name}={target} is not package.module:callable.")
        found.append(Plugin(name, target, "TRIGGER_PLUGINS"))
    for name, url in parse_pairs(options.http_endpoints, "TRIGGER_HTTP_ENDPOINTS"):
        if not url.startswith("https://") and not (url.startswith("http://") and is_loopback_url(url)):
            raise ImproperlyConfigured(f"TRIGGER_HTTP_ENDPOINTS: {name}={url} must be an https URL (plain http only on loopback).")
        found.append(Plugin(name, url, "TRIGGER_HTTP_ENDPOINTS"))
    return found


@functools.cache
def plugins() -> dict[str, Plugin]:
    """Every registered plugin by function name; later registrations override earlier ones."""
    return {plugin.name: plugin for plugin in _plugin_entries()}


@functools.cache
def handler_for(name: str) -> Handler | None:
    """The loaded handler registered as `name`, or None; cached until the registry is reset."""
    plugin = plugins().get(name)
    return plugin.load() if plugin else None


def reset() -> None:
    """Forget the registered plugins (settings changed, or a test registered new ones)."""
    plugins.cache_clear()
    handler_for.cache_clear()


def _on_setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting in {"TRIGGER_PLUGINS", "TRIGGER_HTTP_ENDPOINTS"}:
        reset()


def connect_signals() -> None:
    """Reset the registry whenever a test overrides the plugin settings."""
    setting_changed.connect(_on_setting_changed, dispatch_uid="triggers.registry.reset")
