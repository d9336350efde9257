"""Runtime dependencies are what the services import; tools of the local stack and the tests
(aiosmtpd, pyyaml) are `dev` extras, so the production image does not carry them (issue 20)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

from shared.config import SERVICE_NAMES

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
DEV_ONLY = {"aiosmtpd": "aiosmtpd", "pyyaml": "yaml"}


def names(requirements: list[str]) -> set[str]:
    return {r.split("==")[0].split("[")[0].strip().lower() for r in requirements}


def test_test_only_packages_are_dev_extras():
    """Failed before this change: aiosmtpd and pyyaml were runtime dependencies."""
    assert not names(PROJECT["dependencies"]) & set(DEV_ONLY)
    assert set(DEV_ONLY) <= names(PROJECT["optional-dependencies"]["dev"])


@pytest.mark.parametrize("package", [*SERVICE_NAMES, "shared"])
def test_no_service_imports_a_dev_only_package(package):
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                imported = [node.module or ""]
            else:
                continue
            assert not {n.split(".")[0] for n in imported} & set(DEV_ONLY.values()), path
