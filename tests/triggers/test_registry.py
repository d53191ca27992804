"""Plugin registration (entry points, TRIGGER_PLUGINS, TRIGGER_HTTP_ENDPOINTS) and ARN resolution."""
from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from tests.triggers import plugins as example
from triggers import registry
from triggers.plugins.http import HttpHandler
from triggers.registry import function_name_from_arn, parse_pairs


@pytest.fixture(autouse=True)
def fresh_registry():
    registry.reset()
    yield
    registry.reset()


@pytest.mark.parametrize(
    "arn, name",
    [
        ("arn:aws:lambda:us-east-1:123456789012:function:pre-sign-up", "pre-sign-up"),
        ("arn:aws:lambda:eu-west-2:123456789012:function:my_fn:prod", "my_fn"),
        ("arn:aws:lambda:us-east-1:123456789012:function:my_fn:7", "my_fn"),
        ("arn:aws:lambda:us-east-1:123456789012:function:my_fn:$LATEST", "my_fn"),
        ("arn:aws-cn:lambda:cn-north-1:123456789012:function:china", "china"),
        ("plainName", "plainName"),
        ("arn:aws:lambda:us-east-1:12345:function:short-account", None),
        ("arn:aws:s3:::bucket", None),
        ("arn:aws:lambda:us-east-1:123456789012:layer:x", None),
        ("", None),
    ],
)
def test_function_name_from_arn(arn, name):
    assert function_name_from_arn(arn) == name


def test_parse_pairs_skips_blanks_and_trims():
    assert parse_pairs(" a = x.y:z , ,b=https://h/p?q=1 ", "S") == [("a", "x.y:z"), ("b", "https://h/p?q=1")]


@pytest.mark.parametrize("value", ["novalue", "=x.y:z", "bad name=x.y:z", "a="])
def test_parse_pairs_refuses_malformed_items(value):
    with pytest.raises(ImproperlyConfigured):
        parse_pairs(value, "TRIGGER_PLUGINS")


@override_settings(TRIGGER_PLUGINS="pre=tests.triggers.plugins:auto_confirm,mig=tests.triggers.plugins:echo")
def test_plugins_from_the_setting_load_their_callables():
    assert set(registry.plugins()) == {"pre", "mig"}
    assert registry.plugins()["pre"].source == "TRIGGER_PLUGINS"
    assert registry.handler_for("pre") is example.auto_confirm
    assert registry.handler_for("missing") is None


@override_settings(TRIGGER_PLUGINS="pre=tests.triggers.plugins")
def test_a_target_without_a_callable_is_refused():
    with pytest.raises(ImproperlyConfigured):
        registry.plugins()


@override_settings(TRIGGER_HTTP_ENDPOINTS="remote=ftp://example.com/x")
def test_http_endpoints_must_be_http():
    with pytest.raises(ImproperlyConfigured):
        registry.plugins()


def test_entry_points_register_and_the_setting_overrides_them(monkeypatch):
    found = [
        EntryPoint("shared", "tests.triggers.plugins:echo", registry.ENTRY_POINT_GROUP),
        EntryPoint("packaged", "tests.triggers.plugins:whoami", registry.ENTRY_POINT_GROUP),
    ]
    monkeypatch.setattr(registry, "entry_points", lambda group: [ep for ep in found if ep.group == group])
    with override_settings(TRIGGER_PLUGINS="shared=tests.triggers.plugins:reject", TRIGGER_HTTP_ENDPOINTS="web=https://hooks.example.com/t"):
        assert registry.handler_for("packaged") is example.whoami
        assert registry.plugins()["packaged"].source == "entry point"
        assert registry.handler_for("shared") is example.reject
        assert isinstance(registry.handler_for("web"), HttpHandler)
        assert registry.handler_for("web").url == "https://hooks.example.com/t"


def test_changing_the_setting_resets_the_registry():
    with override_settings(TRIGGER_PLUGINS="one=tests.triggers.plugins:echo"):
        assert set(registry.plugins()) == {"one"}
    with override_settings(TRIGGER_PLUGINS="two=tests.triggers.plugins:echo"):
        assert set(registry.plugins()) == {"two"}
