"""Helpers for trigger tests: pools with LambdaConfig, and plugin registration through settings."""
from __future__ import annotations

import secrets

from userpools.models import UserPool

PLUGINS = ",".join(
    f"{name}=tests.triggers.plugins:{name}"
    for name in (
        "echo", "auto_confirm", "reject", "return_none", "return_text", "return_unserialisable",
        "drop_response", "slow", "context_probe", "count_calls", "flaky_async", "whoami",
        "readme_presignup",
        "define_maths", "define_maths_twice", "create_maths", "verify_maths", "define_fail", "create_broken",
    )
)


def arn(name: str, qualifier: str = "") -> str:
    return f"arn:aws:lambda:us-east-1:000000000000:function:{name}" + (f":{qualifier}" if qualifier else "")


def make_pool(**lambda_config) -> UserPool:
    pool_id = "us-east-1_" + secrets.token_hex(5)[:9]
    return UserPool.objects.create(id=pool_id, name="trigger-pool", config={"LambdaConfig": lambda_config})

# The sign-in recorder (plugins.SIGN_IN_EVENTS), for test_sources_signin.py and test_custom_auth.py.
PLUGINS += ",record_sign_in=tests.triggers.plugins:record_sign_in"
