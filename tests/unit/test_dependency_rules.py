"""The dependency rules of docs/architecture.md that import-linter cannot express (the import
contracts themselves are checked by tests/unit/test_layers.py)."""

import ast
import sys
from pathlib import Path

import pytest

from scripts.docs_code import layer_of
from shared.config import SERVICE_NAMES

ROOT = Path(__file__).resolve().parents[2]
SERVICES = list(SERVICE_NAMES)
PACKAGES = SERVICES + ["shared"]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> list[str]:
    """Absolute names of everything a module imports, relative imports resolved."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found += [f"{base}.{alias.name}" for alias in node.names]
    return found


def modules(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if "__pycache__" not in p.parts)


def test_relative_imports_are_resolved():
    path = ROOT / "shared" / "http" / "app_factory.py"
    assert module_name(path) == "shared.http.app_factory"
    assert all(not name.startswith(".") for name in imports_of(path))


@pytest.mark.parametrize("package", PACKAGES)
def test_only_shared_kafka_imports_kafka(package):
    for path in modules(package):
        if path.is_relative_to(ROOT / "shared" / "kafka"):
            continue
        for name in imports_of(path):
            assert name.split(".")[0] != "kafka", f"{path} imports {name}"


@pytest.mark.parametrize("service", SERVICES)
def test_every_module_is_in_a_named_layer(service):
    for path in modules(service):
        assert layer_of(service, path) != "other", f"{path} is outside the named layers"


@pytest.mark.parametrize("service", SERVICES)
def test_only_services_commit(service):
    for path in modules(service):
        if layer_of(service, path) == "services":
            continue
        assert ".commit()" not in path.read_text(), f"{path} commits"


# Pure shared modules (standard library only) that domain code may use besides pydantic schemas.
PURE_SHARED = {
    "shared.vocabulary",
    "shared.patient_vocabulary",
    "shared.weekly_windows",
    "shared.rules",
    "shared.geo",
    "shared.errors",
}


@pytest.mark.parametrize("module", sorted(PURE_SHARED))
def test_pure_shared_modules_import_only_the_standard_library(module):
    path = ROOT / (module.replace(".", "/") + ".py")
    for name in imports_of(path):
        head = name.split(".")[0]
        pure = head in sys.stdlib_module_names or head == "__future__"
        assert pure or any(name.startswith(p + ".") for p in PURE_SHARED), f"{path}: {name}"


def test_only_app_and_worker_read_settings():
    for package in SERVICES:
        for path in modules(package):
            if path.stem in ("app", "worker", "config"):
                continue
            assert "Settings()" not in path.read_text(), f"{path} reads settings"
