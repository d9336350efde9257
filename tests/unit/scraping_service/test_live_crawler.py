"""The crawler's coverage rules and the client's request shape, without any network."""

from __future__ import annotations

import pytest

from scraping_service.clients.arztsuche import (
    LiveError,
    MinIntervalLimiter,
    req_val,
    request_body,
)
from scraping_service.clients.crawler import Crawler
from scraping_service.config import Settings
from scraping_service.domain import Tile

AREA = Tile(50.7753, 6.0839, 8.0)


class FakeSearch:
    """Answers `moreResults` for tiles wider than `cap_above_km`; fails the listed depths."""

    def __init__(self, cap_above_km: float, fail_depths: tuple[int, ...] = ()) -> None:
        self.cap_above_km, self.fail_depths, self.tiles = cap_above_km, fail_depths, []

    def __call__(self, tile: Tile) -> dict:
        self.tiles.append(tile)
        if tile.depth in self.fail_depths:
            raise LiveError("HTTP 403")
        return {"arztPraxisDatas": [], "moreResults": tile.radius_km > self.cap_above_km}


def _crawl(search, min_radius=1.0, budget=1000, stop=lambda: False):
    kept = []
    coverage = Crawler(search, min_radius, budget, stop).crawl(AREA, lambda t, r: kept.append(t))
    return coverage, kept


def test_an_uncapped_area_needs_one_request():
    coverage, kept = _crawl(FakeSearch(cap_above_km=100))
    assert (coverage.tiles, coverage.complete, len(kept)) == (1, True, 1)


def test_capped_tiles_are_split_until_the_lists_are_complete():
    coverage, kept = _crawl(FakeSearch(cap_above_km=3.0))
    assert coverage.subdivided == 1 + 7 and coverage.tiles == 1 + 7 + 49
    assert coverage.complete and max(t.depth for t in kept) == 2


def test_a_tile_still_capped_at_the_minimum_radius_leaves_the_run_incomplete():
    coverage, _ = _crawl(FakeSearch(cap_above_km=0.1), min_radius=3.0)
    assert coverage.capped and not coverage.complete


def test_failed_tiles_budget_and_stop_make_a_run_incomplete():
    failed, _ = _crawl(FakeSearch(cap_above_km=5.0, fail_depths=(1,)))
    assert len(failed.failed) == 7 and not failed.complete
    budget, _ = _crawl(FakeSearch(cap_above_km=0.1), budget=3)
    assert budget.budget_exhausted and budget.tiles == 3
    calls = iter([False, True])
    stopped, kept = _crawl(FakeSearch(cap_above_km=5.0), stop=lambda: next(calls))
    assert stopped.stopped and len(kept) == 1 and not stopped.complete


def test_the_request_body_asks_for_psychotherapists_around_the_tile():
    body = request_body(Tile(50.1, 6.2, 2.5))
    assert (body["lat"], body["lon"], body["r"]) == (50.1, 6.2, 2.5)
    assert body["filterSelections"][0]["fieldName"] == "fgg"
    assert req_val(50.1, 6.2) == req_val(50.1, 6.2) != req_val(50.1, 6.3)


def test_the_limiter_waits_between_requests():
    pauses: list[float] = []
    limiter = MinIntervalLimiter(10.0, sleep=pauses.append)
    limiter.wait()
    limiter.wait()
    assert len(pauses) == 1 and 9.0 < pauses[0] <= 10.0


def test_live_areas_are_read_from_the_setting():
    settings = Settings(live_areas="aachen:50.77,6.08,25; koeln:50.94,6.96,20", _env_file=None)
    assert [(label, tile.radius_km) for label, tile in settings.live_area_tiles()] == [
        ("aachen", 25.0),
        ("koeln", 20.0),
    ]


def test_the_live_source_is_off_and_has_no_credential_by_default():
    settings = Settings(_env_file=None)
    assert settings.live_enabled is False and settings.live_basic_auth is None
    assert settings.disappear_after_missed_runs == 2


@pytest.mark.parametrize("data", [{}, [], {"responses": "x"}, {"arztPraxisDatas": {}}])
def test_documents_without_responses_are_refused(data):
    from scraping_service.clients.documents import PayloadError, read_batch

    with pytest.raises(PayloadError):
        read_batch(data)
