"""No dead public functions in the user-pool layers and the trigger runtime (issue 8 found two:
`schema.attribute_names` and `verification.consume_code`). A public top-level function must be
named somewhere besides its own definition: in the project's code or its tests."""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECKED = ("userpools/domain", "userpools/services", "userpools/events", "userpools/delivery", "triggers", "outbox")
SOURCES = ("awsapi", "config", "core", "iam", "kms", "outbox", "triggers", "userpools", "identitypools", "tests")


def _python_files() -> list[Path]:
    return [path for top in SOURCES if (ROOT / top).is_dir() for path in (ROOT / top).rglob("*.py")
            if "migrations" not in path.parts]


def test_every_public_function_is_used() -> None:
    texts = {path: path.read_text() for path in _python_files() if path != Path(__file__).resolve()}
    unused = []
    for path, text in texts.items():
        if not str(path.relative_to(ROOT)).startswith(CHECKED):
            continue
        for node in ast.parse(text).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
                pattern = re.compile(rf"\b{node.name}\b")
                if sum(len(pattern.findall(other)) for other in texts.values()) <= 1:
                    unused.append(f"{path.relative_to(ROOT)}::{node.name}")
    assert unused == []
