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


def main() -> None:
    sections = []
    for name in benchmark_modules():
        buffer = io.StringIO()
        with redirect_stdout(buffer):
            importlib.import_module(f"benchmarks.{name}").main()
        sys.stdout.write(buffer.getvalue())
        sections.append(f"## {name}\n\n```\n{buffer.getvalue().strip()}\n```\n")
    header = (
        f"# Benchmark results\n\n{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"{platform.node()}, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}\n\n"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.md").write_text(header + "\n".join(sections or ["(no benchmarks yet)\n"]))
    print(f"wrote {RESULTS / 'latest.md'}")


if __name__ == "__main__":
    main()
