"""docker-compose.yml is valid against the Compose Specification's JSON schema (issue 20).

The schema is vendored in tests/fixtures/compose-spec/ (source, licence and digest in its
README). Failed before this change: the schema was not in the repository, so nothing checked
that compose would accept the file (a misspelt key such as `helthcheck` passed every test)."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = ROOT / "tests" / "fixtures" / "compose-spec"
SCHEMA_FILE = SCHEMA_DIR / "compose-spec.json"


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def errors(validator: Draft202012Validator, document: Any) -> list[str]:
    return [
        f"{'/'.join(str(p) for p in e.absolute_path)}: {e.message}"
        for e in validator.iter_errors(document)
    ]


def test_the_vendored_schema_is_the_documented_file():
    digest = hashlib.sha256(SCHEMA_FILE.read_bytes()).hexdigest()
    notes = (SCHEMA_DIR / "README.md").read_text(encoding="utf-8")
    assert digest in notes, "update the digest in tests/fixtures/compose-spec/README.md"
    assert "Apache License" in (SCHEMA_DIR / "LICENSE").read_text(encoding="utf-8")


def test_docker_compose_yml_is_valid_against_the_compose_specification(validator, compose):
    assert errors(validator, compose) == []


@pytest.mark.parametrize(
    "breakage",
    [
        lambda c: c["services"]["postgres"].update(helthcheck={"test": ["CMD", "true"]}),
        lambda c: c["services"]["migrate"].update(restart=["no"]),
        lambda c: c["services"]["pgbouncer"]["depends_on"]["postgres"].update(condition=1),
        lambda c: c.update(volumes=["postgres-data"]),
    ],
    ids=["misspelt key", "restart not a string", "bad condition", "volumes as a list"],
)
def test_the_schema_catches_a_broken_file(validator, compose, breakage):
    """The check has teeth: typical mistakes in the file are reported."""
    broken = copy.deepcopy(compose)
    breakage(broken)
    assert errors(validator, broken)
