"""style.md's dependency rules, checked on every module's imports."""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = [
    "patient_service",
    "therapist_service",
    "matching_service",
    "communication_service",
    "geocoding_service",
    "scraping_service",
]
PACKAGES = SERVICES + ["shared"]


def imports_of(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [f"{node.module}.{alias.name}" for alias in node.names]
    return found


def modules(package: str):
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", PACKAGES)
def test_no_service_imports_another_and_shared_imports_none(package):
    for path in modules(package):
        for name in imports_of(path):
            head = name.split(".")[0]
            assert head not in SERVICES or head == package, f"{path} imports {name}"


@pytest.mark.parametrize("package", PACKAGES)
def test_only_shared_kafka_imports_kafka(package):
    for path in modules(package):
        if path.is_relative_to(ROOT / "shared" / "kafka"):
            continue
        for name in imports_of(path):
            assert name.split(".")[0] != "kafka", f"{path} imports {name}"


# Pure shared modules (standard library only, checked below) that domain code may use.
PURE_SHARED = {
    "shared.vocabulary",
    "shared.patient_vocabulary",
    "shared.weekly_windows",
    "shared.rules",
    "shared.geo",
}


def is_pure_import(name: str, own_domain: str) -> bool:
    head = name.split(".")[0]
    pure = (own_domain, *PURE_SHARED)
    return (
        head in sys.stdlib_module_names
        or head == "__future__"
        or any(name == p or name.startswith(p + ".") for p in pure)
    )


@pytest.mark.parametrize("service", SERVICES)
def test_domain_modules_import_only_the_standard_library(service):
    own = f"{service}.domain"
    for path in [p for p in modules(service) if p.stem == "domain" or p.parent.name == "domain"]:
        for name in imports_of(path):
            assert is_pure_import(name, own), f"{path} imports {name}"


@pytest.mark.parametrize("module", sorted(PURE_SHARED))
def test_pure_shared_modules_import_only_the_standard_library(module):
    path = ROOT / (module.replace(".", "/") + ".py")
    if not path.exists():
        pytest.skip(f"{module} not written yet")
    for name in imports_of(path):
        assert is_pure_import(name, module), f"{path} imports {name}"


def test_api_and_handlers_do_not_commit():
    for service in SERVICES:
        for path in modules(service):
            if path.parent.name == "api" or path.stem == "app":
                assert ".commit()" not in path.read_text(), f"{path} commits"


def test_only_app_and_worker_read_settings():
    for package in SERVICES:
        for path in modules(package):
            if path.stem in ("app", "worker", "config"):
                continue
            assert "Settings()" not in path.read_text(), f"{path} reads settings"
