"""Dependency audit: pip-audit over the installed environment, with the documented ignores.

Fails on any known vulnerability that `.pip-audit-ignore` does not list with a reason.

pip-audit asks PyPI's per-version JSON API (`/pypi/<name>/<version>/json`). Where that gives no
answer (this workplace's registry access serves only the project endpoint), a package whose
installed version is the project's latest release is checked against the project endpoint's
`vulnerabilities`, which describe exactly that latest release. Anything else is listed as NOT
AUDITED with its installed and latest version; with `--strict` (`make audit AUDIT_STRICT=1`,
for CI with full access to PyPI) those fail the run too.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import tomllib
from importlib import metadata
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
IGNORE_FILE = ROOT / ".pip-audit-ignore"
PROJECT_JSON = "https://pypi.org/pypi/{name}/json"
OWN_PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["name"]


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
        if dep["name"] == OWN_PROJECT:
            continue  # this checkout, installed editable: nothing to look up
        if "skip_reason" in dep:
            skipped.append(dep["name"])
            continue
        audited += 1
        for vuln in dep.get("vulns", []):
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
            findings.append(f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes})")
    return findings, skipped, audited


def latest_release_findings(
    names: list[str], ignores: list[str]
) -> tuple[list[str], list[str], int]:
    """Check packages pip-audit could not, where the installed version is the latest release."""
    findings, skipped, audited = [], [], 0
    for name in names:
        installed = metadata.version(name)
        try:
            project = requests.get(PROJECT_JSON.format(name=name), timeout=10).json()
        except (requests.RequestException, ValueError):
            skipped.append(f"{name} {installed} (no answer)")
            continue
        latest = project.get("info", {}).get("version")
        if latest != installed:
            skipped.append(f"{name} {installed} (latest {latest})")
            continue
        audited += 1
        findings += vulnerability_lines(
            name, installed, project.get("vulnerabilities", []), ignores
        )
    return findings, skipped, audited


def vulnerability_lines(
    name: str, version: str, vulns: list[dict], ignores: list[str]
) -> list[str]:
    """PyPI's vulnerability entries not withdrawn and not ignored (by id or alias)."""
    lines = []
    for vuln in vulns:
        ids = {vuln.get("id"), *vuln.get("aliases", [])}
        if vuln.get("withdrawn") or ids & set(ignores):
            continue
        fixes = ", ".join(vuln.get("fixed_in", [])) or "no fix yet"
        lines.append(f"{name} {version}: {vuln.get('id')} (fixed in {fixes})")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--strict", action="store_true", help="packages not audited fail too")
    args = parser.parse_args()
    started = time.monotonic()
    ignores = ignored_ids()
    findings, unanswered, audited = summarise(run_pip_audit(ignores))
    more, skipped, checked = latest_release_findings(unanswered, ignores)
    findings, audited = findings + more, audited + checked
    took = time.monotonic() - started
    print(f"pip-audit: {audited} packages audited, {len(skipped)} not audited, {took:.1f} s")
    for line in findings:
        print(f"  VULNERABLE {line}")
    if skipped:
        print(
            "  NOT AUDITED (no vulnerability data for the installed version): " + ", ".join(skipped)
        )
    if findings or (args.strict and skipped):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
