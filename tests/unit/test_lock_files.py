"""Reproducible installs (issue 20): `make` and the Dockerfile install every package from a lock
file with hashes; the locks hold each pin of pyproject.toml; the image's dependency layer comes
before the code, so a code change reuses it. Before this change there was no lock file and the
Dockerfile reinstalled every dependency on any code change."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
ENTRY = re.compile(r"^([A-Za-z0-9_.\-]+)==(\S+) \\$", re.MULTILINE)


def locked(name: str) -> dict[str, str]:
    text = (ROOT / name).read_text()
    return {key.lower().replace("_", "-"): version for key, version in ENTRY.findall(text)}


def pins(requirements: list[str]) -> dict[str, str]:
    found = {}
    for requirement in requirements:
        name, version = requirement.split("==")
        found[name.split("[")[0].strip().lower().replace("_", "-")] = version.strip()
    return found


@pytest.mark.parametrize(
    ("lock", "groups"),
    [("requirements.lock", ["runtime"]), ("requirements-dev.lock", ["runtime", "dev"])],
)
def test_the_lock_holds_every_pin_of_pyproject(lock, groups):
    wanted = pins(PROJECT["dependencies"])
    if "dev" in groups:
        wanted |= pins(PROJECT["optional-dependencies"]["dev"])
    have = locked(lock)
    assert {name: have.get(name) for name in wanted} == wanted, f"run `make lock` ({lock})"


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-dev.lock"])
def test_every_locked_package_has_hashes(lock):
    text = (ROOT / lock).read_text()
    blocks = re.split(r"\n(?=[A-Za-z0-9_.\-]+==)", text.split("\n", 2)[2])
    assert blocks and all("--hash=sha256:" in block for block in blocks if "==" in block)


def test_the_runtime_lock_has_no_test_tools():
    runtime = locked("requirements.lock")
    assert not {"pytest", "aiosmtpd", "pyyaml", "hypothesis", "ruff"} & set(runtime)


def test_make_and_the_dockerfile_install_from_the_locks_with_hashes():
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes --no-deps -r requirements-dev.lock" in makefile
    dockerfile = (ROOT / "Dockerfile").read_text()
    lock_layer = dockerfile.index("pip install --require-hashes --no-deps -r requirements.lock")
    assert lock_layer < dockerfile.index("COPY shared ./shared"), "deps before code"
    assert "pip install --no-deps ." in dockerfile
