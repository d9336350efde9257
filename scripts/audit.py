"""Dependency audit: pip-audit over the installed environment, with the documented ignores.

Fails on any known vulnerability that `.pip-audit-ignore` does not list with a reason. Packages
the vulnerability service could not answer for are listed as NOT AUDITED; with `--strict`
(`make audit AUDIT_STRICT=1`, for CI with full access to PyPI's JSON API) they fail the run too.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IGNORE_FILE = ROOT / ".pip-audit-ignore"


def ignored_ids(path: Path = IGNORE_FILE) -> list[str]:
    """Vulnerability ids from the ignore file: `ID  # reason`; an entry without a reason fails."""
    ids = []
    for number, line in enumerate(path.read_text().splitlines() if path.exists() else [], 1):
        entry, _, reason = line.partition("#")
        if not entry.strip():
            continue
        if not reason.strip():
            raise SystemExit(f"{path.name}:{number}: give the reason after '#'")
        ids.append(entry.strip())
    return ids


def run_pip_audit(ignores: list[str]) -> dict:
    command = [str(Path(sys.executable).parent / "pip-audit"), "--skip-editable", "-f", "json"]
    command += ["--progress-spinner", "off"]
    for vuln in ignores:
        command += ["--ignore-vuln", vuln]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if not done.stdout.strip():
        raise SystemExit(f"pip-audit gave no report (exit {done.returncode}):\n{done.stderr}")
    return json.loads(done.stdout)


def summarise(report: dict) -> tuple[list[str], list[str], int]:
    """(vulnerability lines, names not audited, number of packages audited)."""
    findings, skipped, audited = [], [], 0
    for dep in report["dependencies"]:
        if "skip_reason" in dep:
            skipped.append(dep["name"])
            continue
        audited += 1
        for vuln in dep.get("vulns", []):
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
            findings.append(f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes})")
    return findings, skipped, audited


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--strict", action="store_true", help="packages not audited fail too")
    args = parser.parse_args()
    started = time.monotonic()
    findings, skipped, audited = summarise(run_pip_audit(ignored_ids()))
    took = time.monotonic() - started
    print(f"pip-audit: {audited} packages audited, {len(skipped)} not audited, {took:.1f} s")
    for line in findings:
        print(f"  VULNERABLE {line}")
    if skipped:
        print(
            "  NOT AUDITED (the vulnerability service gave no answer for them): "
            + ", ".join(skipped)
        )
    if findings or (args.strict and skipped):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
