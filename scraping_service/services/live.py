"""Live import use cases: crawl each configured area tile by tile, and the stop switch."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime
from typing import Any

from scraping_service.clients.crawler import Crawler
from scraping_service.context import ScrapingContext
from scraping_service.domain.live import LiveStatus, coverage_details, run_status_of
from scraping_service.domain.runs import STOP_SWITCH, RunStatus
from scraping_service.domain.tiling import Tile
from scraping_service.services.imports import process_claimed
from shared.vocabulary import ImportSource


def live_stopped(ctx: ScrapingContext) -> bool:
    """The stop switch: the setting, or the switch an admin set through the API."""
    if ctx.settings.live_stopped:
        return True
    with ctx.unit_of_work() as uow:
        return uow.switches.is_on(STOP_SWITCH)


def set_live_stop(ctx: ScrapingContext, stopped: bool, reason: str | None, by: str | None) -> None:
    """Stop the live import (a running crawl stops at its next tile), or allow it again."""
    with ctx.unit_of_work() as uow:
        uow.switches.set(STOP_SWITCH, stopped, reason, by, ctx.clock.now())
        uow.commit()


def live_status(ctx: ScrapingContext) -> LiveStatus:
    """Enabled or not, stopped by the setting or the switch, and the configured areas."""
    with ctx.unit_of_work() as uow:
        switch = uow.switches.get(STOP_SWITCH)
    return LiveStatus(
        enabled=ctx.settings.live_enabled,
        stopped_by_setting=ctx.settings.live_stopped,
        switch=switch,
        areas=[label for label, _ in ctx.settings.live_area_tiles()],
    )


def run_live_imports(ctx: ScrapingContext, now: datetime) -> dict[str, Any]:
    """Job: crawl each configured area (one run each) unless disabled or stopped."""
    if not ctx.settings.live_enabled:
        return {"skipped": "live import is disabled (LIVE_ENABLED=false)"}
    runs = []
    for label, area in ctx.settings.live_area_tiles():
        if live_stopped(ctx):
            return {"runs": runs, "stopped": True}
        runs.append(run_live_area(ctx, label, area))
    return {"runs": runs}


def run_live_area(ctx: ScrapingContext, label: str, area: Tile) -> dict[str, Any]:
    """Crawl one area tile by tile (raw answers kept as they come), then apply the run."""
    run_id = _start_live_run(ctx, label)
    client = ctx.live_client_factory()
    coverage = Crawler(
        client.search,
        ctx.settings.live_min_radius_km,
        ctx.settings.live_max_requests,
        lambda: live_stopped(ctx),
    ).crawl(area, _raw_keeper(ctx, run_id))
    details = coverage_details(coverage, client.requests, client.retries)
    with ctx.unit_of_work() as uow:
        run = uow.runs.record_coverage(run_id, coverage.complete, details)
        uow.commit()
    status = process_claimed(ctx, run, run_status_of(coverage))
    return {"run_id": run_id, "status": status, **details}


def _start_live_run(ctx: ScrapingContext, label: str) -> int:
    """A `running` live run row, committed before the crawl starts."""
    with ctx.unit_of_work() as uow:
        run_id = uow.runs.create(
            ctx.clock.now(),
            source=ImportSource.LIVE.value,
            area=label,
            full_run=False,
            status=RunStatus.RUNNING.value,
            started_at=ctx.clock.now(),
        )
        uow.commit()
    return int(run_id)


def _raw_keeper(ctx: ScrapingContext, run_id: int) -> Callable[[Tile, dict[str, Any]], None]:
    """Each tile's answer is stored (and committed) as it arrives."""
    sequence = itertools.count()

    def keep(tile: Tile, response: dict[str, Any]) -> None:
        with ctx.unit_of_work() as uow:
            uow.raw.add(run_id, next(sequence), tile.label(), response, ctx.clock.now())
            uow.commit()

    return keep
