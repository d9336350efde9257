"""Worker entry point: `python -m therapist_service.worker` (relay, consumers, jobs)."""

from __future__ import annotations

from shared.service import build_context
from shared.worker import run_worker
from therapist_service.config import Settings
from therapist_service.handlers import SOURCE_SERVICES, build_handlers
from therapist_service.models import metadata


def main() -> None:
    """Read settings once, build the context, run until stopped."""
    ctx = build_context(Settings(), metadata)
    run_worker(ctx, build_handlers(ctx), SOURCE_SERVICES)


if __name__ == "__main__":
    main()
