"""The house's import rules, checked on the source (function-local imports count too):
pure domain helpers import no services, models, events or delivery; `triggers/` imports nothing
from `userpools/`; and no import circles between the modules of the user-pool layers and triggers."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _modules(*packages: str) -> dict[str, Path]:
    found = {}
    for package in packages:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _imports(name: str, path: Path) -> set[str]:
    """Every name `path` imports, as absolute dotted names: `from a.b import c` gives `a.b.c`."""
    names = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the modules it imports: `from a.b import c` is an edge to module a.b.c when
    there is one, else to a.b (c is a member of it)."""
    def resolve(target: str) -> str | None:
        while target and target not in modules:
            target = target.rpartition(".")[0]
        return target or None

    graph = {}
    for name, path in modules.items():
        targets = {resolve(target) for target in _imports(name, path)}
        graph[name] = {target for target in targets if target and target != name}
    return graph


def test_domain_helpers_import_no_layer_above_them() -> None:
    above = ("userpools.services", "userpools.models", "userpools.events", "userpools.delivery", "userpools.api")
    offenders = [f"{name} -> {target}" for name, path in _modules("userpools/domain").items()
                 for target in _imports(name, path) if target.startswith(above)]
    assert offenders == []


def test_triggers_import_nothing_from_userpools() -> None:
    offenders = [f"{name} -> {target}" for name, path in _modules("triggers").items()
                 for target in _imports(name, path) if target == "userpools" or target.startswith("userpools.")]
    assert offenders == []


def test_no_import_circles_in_the_user_pool_layers_and_triggers() -> None:
    modules = {name: path for name, path in _modules("userpools", "triggers").items()
               if not name.startswith("userpools.api")}  # the wire layer is awsapi's registry's to untangle
    graph = _graph(modules)
    circles = []
    for start in graph:  # a module that can reach itself is on a circle
        seen, todo = set(), list(graph[start])
        while todo:
            current = todo.pop()
            if current == start:
                circles.append(start)
                break
            if current not in seen:
                seen.add(current)
                todo.extend(graph.get(current, ()))
    assert circles == []
