"""The tiling crawler: breadth-first over search circles, a capped answer splits its tile."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from typing import Any

from scraping_service.clients.arztsuche import LiveError
from scraping_service.domain.live import Coverage
from scraping_service.domain.tiling import Tile, subdivide

log = logging.getLogger(__name__)


class Crawler:
    """Breadth-first over tiles; a capped answer (`moreResults`) splits its tile in seven."""

    def __init__(
        self,
        search: Callable[[Tile], dict[str, Any]],
        min_radius_km: float,
        max_requests: int,
        should_stop: Callable[[], bool],
    ) -> None:
        self._search, self._min_radius = search, min_radius_km
        self._max_requests, self._should_stop = max_requests, should_stop

    def crawl(self, area: Tile, keep: Callable[[Tile, dict[str, Any]], None]) -> Coverage:
        """Search every needed tile of `area`; `keep` receives each answer."""
        coverage, queue = Coverage(), deque([area])
        while queue:
            if self._should_stop():
                coverage.stopped = True
                break
            if coverage.tiles >= self._max_requests:
                coverage.budget_exhausted = True
                break
            self._visit(queue.popleft(), queue, coverage, keep)
        return coverage

    def _visit(
        self,
        tile: Tile,
        queue: deque[Tile],
        coverage: Coverage,
        keep: Callable[[Tile, dict[str, Any]], None],
    ) -> None:
        coverage.tiles += 1
        try:
            response = self._search(tile)
        except LiveError as exc:
            log.warning("tile %s failed: %s", tile.label(), exc)
            coverage.failed.append(tile.label())
            return
        keep(tile, response)
        coverage.answered += 1
        if response.get("moreResults") is True:
            if tile.radius_km / 2 >= self._min_radius:
                coverage.subdivided += 1
                queue.extend(subdivide(tile))
            else:
                coverage.capped.append(tile.label())
        if coverage.tiles % 25 == 0:
            log.info("live crawl: %d tiles searched, %d queued", coverage.tiles, len(queue))
