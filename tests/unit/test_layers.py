"""The layer contracts (import-linter, `[tool.importlinter]` in pyproject.toml) hold on the tree,
and turn red when a violation is planted in a copy of it."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from shared.config import SERVICE_NAMES

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
PACKAGES = ("shared", *SERVICE_NAMES, "staff_console", "simulation", "scripts")


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    """Run the contracts against `tree` (its packages first on the path, no cache)."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", "--config", str(tree / "pyproject.toml")],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory) -> Path:
    """The packages and the contracts, copied so a test can break them."""
    target = tmp_path_factory.mktemp("tree")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, target / package, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")
    return target


def test_the_tree_keeps_every_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 broken" in result.stdout


PLANTS = [
    # (file, line appended, contract expected to break)
    (
        "patient_service/api/__init__.py",
        "import patient_service.store",
        "go through services",
    ),
    (
        "matching_service/handlers.py",
        "import matching_service.models",
        "go through services",
    ),
    ("patient_service/domain/__init__.py", "import sqlalchemy", "domain does no I/O"),
    ("geocoding_service/domain/__init__.py", "import requests", "domain does no I/O"),
    ("communication_service/domain/__init__.py", "import sqlalchemy", "domain does no I/O"),
    (
        "communication_service/api/__init__.py",
        "import communication_service.clients",
        "go through services",
    ),
    ("therapist_service/store/__init__.py", "import therapist_service.services", "-> services ->"),
    ("scraping_service/domain/__init__.py", "import scraping_service.store", "-> services ->"),
    (
        "patient_service/services/__init__.py",
        "import matching_service",
        "No service imports another",
    ),
    ("shared/rules.py", "import patient_service", "shared imports no service"),
    ("simulation/bound.py", "import matching_service.config", "simulation's model: only shared"),
    ("simulation/world.py", "import scripts.stack", "simulation's model: only shared"),
    (
        "simulation/driver.py",
        "import communication_service.store",
        "simulation's driver: the stack through its public APIs only",
    ),
]


@pytest.mark.parametrize(("path", "line", "broken"), PLANTS, ids=[p[0] for p in PLANTS])
def test_a_planted_violation_breaks_its_contract(tree_copy, path, line, broken):
    planted = tree_copy / path
    original = planted.read_text()
    planted.write_text(original + f"\n{line}  # planted by the test\n")
    try:
        result = lint_imports(tree_copy)
    finally:
        planted.write_text(original)
    assert result.returncode != 0, f"planting {line!r} in {path} broke nothing"
    broken_lines = [row for row in result.stdout.splitlines() if row.endswith("BROKEN")]
    assert any(broken in row for row in broken_lines), result.stdout
