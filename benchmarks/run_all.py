"""`make bench`: run every benchmark module and write benchmarks/results/latest.md."""

from __future__ import annotations

import importlib
import io
import pkgutil
import platform
import sys
from contextlib import redirect_stdout
from datetime import UTC, datetime
from pathlib import Path

import benchmarks

RESULTS = Path(__file__).resolve().parent / "results"


def benchmark_modules() -> list[str]:
    """Every module in benchmarks/ that has a `main()` (this runner excluded)."""
    names = [m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name != "run_all"]
    return sorted(n for n in names if hasattr(importlib.import_module(f"benchmarks.{n}"), "main"))


def summary_table(rows: list[tuple[str, str, str]]) -> str:
    """Figures that modules return from `main()` as (figure, value, baseline) rows."""
    if not rows:
        return ""
    lines = ["| figure | value | baseline |", "|---|---|---|"]
    lines += [f"| {figure} | {value} | {baseline} |" for figure, value, baseline in rows]
    return "## Figures and their baselines\n\n" + "\n".join(lines) + "\n\n"


def run_one(name: str) -> tuple[str, list[tuple[str, str, str]]]:
    """Run one module's `main()`; its output goes to the report, a failure is reported too."""
    buffer, rows = io.StringIO(), []
    with redirect_stdout(buffer):
        try:
            rows = importlib.import_module(f"benchmarks.{name}").main() or []
        except Exception as exc:  # noqa: BLE001 - one broken benchmark must not hide the others
            print(f"FAILED: {type(exc).__name__}: {exc}")
    sys.stdout.write(buffer.getvalue())
    return f"## {name}\n\n```\n{buffer.getvalue().strip()}\n```\n", list(rows)


def main() -> None:
    sections, rows = [], []
    for name in benchmark_modules():
        section, figures = run_one(name)
        sections.append(section)
        rows.extend(figures)
    header = (
        f"# Benchmark results\n\n{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"{platform.node()}, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}\n\n"
    )
    RESULTS.mkdir(exist_ok=True)
    body = "\n".join(sections or ["(no benchmarks yet)\n"])
    (RESULTS / "latest.md").write_text(header + summary_table(rows) + body)
    print(f"wrote {RESULTS / 'latest.md'}")


if __name__ == "__main__":
    main()
