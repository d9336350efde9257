"""Runs the six API fuzz suites and prints their figures: operations, cases, failures.

`python scripts/fuzz_report.py [pytest args]`; each suite writes `.data/fuzz/<service>.json`
(tests/support/fuzzing.py); the exit code is pytest's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shared.config import SERVICE_NAMES  # noqa: E402

REPORT_DIR = ROOT / ".data" / "fuzz"


def run_suites(extra: list[str]) -> tuple[int, float]:
    for stale in REPORT_DIR.glob("*.json"):
        stale.unlink()
    suites = [f"tests/integration/{service}/test_fuzz_api.py" for service in SERVICE_NAMES]
    env = {**os.environ, "PSYMATCH_FUZZ_REPORT_DIR": str(REPORT_DIR)}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:warnings", *suites, *extra],
        cwd=ROOT,
        env=env,
        check=False,
    )
    return done.returncode, time.monotonic() - started


def table_rows() -> list[tuple[str, str, str, str, str]]:
    rows = []
    for service in SERVICE_NAMES:
        path = REPORT_DIR / f"{service}.json"
        if not path.exists():
            rows.append((service, "-", "-", "-", "not run"))
            continue
        figures = json.loads(path.read_text())
        broken = sum(1 for n in figures["invariant_violations"].values() if n)
        rows.append(
            (
                service,
                f"{figures['operations_fuzzed']}/{figures['operations']}",
                str(figures["cases"]),
                str(len(figures["failed_operations"])),
                f"{len(figures['invariant_violations']) - broken}/"
                f"{len(figures['invariant_violations'])} hold",
            )
        )
    return rows


def print_table(rows: list[tuple[str, ...]], seconds: float) -> None:
    header = ("service", "operations", "cases", "failures", "state rules")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    cases = sum(int(row[2]) for row in rows if row[2].isdigit())
    failures = sum(int(row[3]) for row in rows if row[3].isdigit())
    print(f"total: {cases} cases, {failures} failing operations, {seconds:.0f} s")
    for service in SERVICE_NAMES:
        path = REPORT_DIR / f"{service}.json"
        failed = json.loads(path.read_text())["failed_operations"] if path.exists() else []
        for label in failed:
            print(f"  failed: {service} {label}")


def main() -> int:
    code, seconds = run_suites(sys.argv[1:])
    print_table(table_rows(), seconds)
    return code


if __name__ == "__main__":
    sys.exit(main())
