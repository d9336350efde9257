"""Worker entry point: `python -m communication_service.worker` (relay, consumers, jobs)."""

from __future__ import annotations

from communication_service.app import build_service_context
from communication_service.config import Settings
from communication_service.handlers import build_handlers
from shared.worker import run_worker


def main() -> None:
    """Read settings once, build the context (clients, jobs), run until stopped."""
    ctx = build_service_context(Settings())
    run_worker(ctx, build_handlers(ctx))


if __name__ == "__main__":
    main()
