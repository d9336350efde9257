"""One fuzzing harness for the six services: a token with the operation's role, the same checks,
state invariants queried afterwards, and the figures (cases per operation) written to a file."""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import text
from support.tokens import token_for

ROOT = Path(__file__).resolve().parents[2]
REPORT_DIR = Path(os.environ.get("PSYMATCH_FUZZ_REPORT_DIR", ROOT / ".data" / "fuzz"))

# no 5xx; status codes, content types and bodies as the document says
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def role_for(case) -> str:
    """The role to call an operation with: staff where allowed, else its first role."""
    roles = case.operation.definition.raw.get("x-roles") or ["staff"]
    return "staff" if "staff" in roles else roles[0]


@dataclass
class FuzzFigures:
    """Cases per operation and the operations that failed, for one service."""

    service: str
    cases: Counter = field(default_factory=Counter)
    failed: set[str] = field(default_factory=set)
    invariants: dict[str, int] = field(default_factory=dict)

    def call(self, case, secret: str, checks=CHECKS) -> None:
        """Send `case` with a token of the operation's role and validate the answer."""
        label = case.operation.label
        self.cases[label] += 1
        token = token_for(secret, "fuzz", role_for(case))
        try:
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=checks)
        except BaseException:
            self.failed.add(label)
            raise

    def check_invariants(self, engine, invariants: dict[str, str]) -> dict[str, int]:
        """Run each `SELECT count(*)` of rows breaking a rule; returns the non-zero ones."""
        with engine.connect() as conn:
            for rule, sql in invariants.items():
                self.invariants[rule] = conn.execute(text(sql)).scalar_one()
        return {rule: n for rule, n in self.invariants.items() if n}

    def write(self, operations: int) -> Path:
        """Store the figures as `<REPORT_DIR>/<service>.json` (read by scripts/fuzz_report.py)."""
        REPORT_DIR.mkdir(parents=True, exist_ok=True)
        path = REPORT_DIR / f"{self.service}.json"
        body = {
            "service": self.service,
            "operations": operations,
            "operations_fuzzed": len(self.cases),
            "cases": sum(self.cases.values()),
            "cases_per_operation": dict(sorted(self.cases.items())),
            "failed_operations": sorted(self.failed),
            "invariant_violations": self.invariants,
        }
        path.write_text(json.dumps(body, indent=2) + "\n")
        return path


def operation_count(schema) -> int:
    """Operations in the (filtered) document."""
    return sum(1 for _ in schema.get_all_operations())
