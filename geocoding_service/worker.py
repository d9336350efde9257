"""Worker entry point: `python -m geocoding_service.worker` (relay, consumers, jobs)."""

from __future__ import annotations

from geocoding_service.app import build_service_context
from geocoding_service.config import Settings
from geocoding_service.handlers import build_handlers
from shared.worker import run_worker


def main() -> None:
    """Read settings once, build the context, run until stopped."""
    ctx = build_service_context(Settings())
    run_worker(ctx, build_handlers(ctx))


if __name__ == "__main__":
    main()
