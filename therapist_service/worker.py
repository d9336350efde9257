"""Worker entry point: `python -m therapist_service.worker` (relay, consumers, jobs)."""

from __future__ import annotations

from shared.worker import run_worker
from therapist_service.app import build_service_context
from therapist_service.config import Settings
from therapist_service.handlers import build_handlers


def main() -> None:
    """Read settings once, build the context, run until stopped."""
    ctx = build_service_context(Settings())
    run_worker(ctx, build_handlers(ctx))


if __name__ == "__main__":
    main()
