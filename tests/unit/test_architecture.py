"""The house's rules, checked on the source: no import circles between files, and imports only
point down the layers (wire -> services -> domain -> models; apps -> awsapi -> iam -> core)."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("awsapi", "config", "core", "iam", "identitypools", "kms", "outbox", "triggers", "userpools")


def _modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(module: str, path: Path) -> set[str]:
    """Every project module this file imports, at the top or inside a function."""
    targets: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(parts + ([base] if base else []))
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        else:
            continue
        targets.update(target for target in map(_resolve, names) if target and target != module)
    return targets


GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one file (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in GRAPH[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in GRAPH:
        if node not in index:
            visit(node)
    return found


def _violations(source_prefix: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{module} -> {target}"
        for module, targets in GRAPH.items()
        if module == source_prefix or module.startswith(source_prefix + ".")
        for target in targets
        if any(target == f or target.startswith(f + ".") for f in forbidden)
    )


def test_the_checker_sees_the_code():
    assert len(MODULES) > 50
    assert "userpools.services" in GRAPH["userpools.api.aws_users"] or any(
        target.startswith("userpools.services") for target in GRAPH["userpools.api.aws_users"]
    )


def test_no_import_circles_between_files():
    assert _cycles() == []


def test_core_depends_on_no_app():
    assert _violations("core", ("awsapi", "iam", "identitypools", "kms", "triggers", "userpools")) == []


def test_awsapi_knows_no_app_that_plugs_into_it():
    assert _violations("awsapi", ("identitypools", "kms", "triggers", "userpools")) == []


def test_iam_knows_no_app_that_plugs_into_it():
    """User pools, identity pools and organizations register their issuers and SCPs with iam.
    Its fronts may know the wire: the API (iam.api, iam.operations) and the admin site's audit (iam.console)."""
    fronts = ("iam.api", "iam.operations", "iam.apps", "iam.console")
    below_the_wire = [module for module in GRAPH if module.startswith("iam.") and not module.startswith(fronts)]
    offenders = sorted(
        f"{module} -> {target}" for module in below_the_wire for target in GRAPH[module]
        if target.split(".")[0] in ("userpools", "identitypools", "organizations", "audit", "kms", "awsapi")
    )
    assert offenders == []


def test_outbox_knows_no_app_that_uses_it():
    """User pools and triggers register their outbox kinds; the outbox only delivers."""
    assert _violations("outbox", ("awsapi", "iam", "identitypools", "kms", "triggers", "userpools")) == []


def test_triggers_is_a_runtime_that_knows_no_user_pool():
    assert _violations("triggers", ("userpools", "identitypools", "awsapi")) == []


def test_user_pool_domain_is_pure():
    assert _violations("userpools.domain", ("userpools.models", "userpools.services", "userpools.api", "userpools.delivery", "userpools.events")) == []


def test_services_never_import_the_wire():
    assert _violations("userpools.services", ("userpools.api", "awsapi")) == []
    assert _violations("userpools.events", ("userpools.api", "awsapi", "userpools.services")) == []


def test_models_import_no_use_case():
    for app in ("userpools", "iam", "triggers"):
        assert _violations(f"{app}.models", (f"{app}.services", f"{app}.api", "awsapi")) == []
