"""In-memory stores, unit of work, geocoder chain, router and context for the use-case tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from support.fakes import FakeUnitOfWork

from geocoding_service.clients.geocoders import ProviderUnavailable
from geocoding_service.clients.osrm import Route, RoutingUnavailable
from geocoding_service.domain.addresses import AddressQuery
from geocoding_service.domain.cache import CacheEntry, CachePolicy
from geocoding_service.domain.locations import Location, Point
from geocoding_service.domain.travel import TravelModel
from shared.clock import FakeClock

POLICY = CachePolicy(ttl=timedelta(days=90), negative_ttl=timedelta(hours=1))


@dataclass
class CachedAnswer:
    location: Location | None
    expires_at: datetime
    hit_count: int = 0


class FakeCache:
    """The geocode cache table as a dict: key → answer, expiry and hit count."""

    def __init__(self) -> None:
        self.entries: dict[str, CachedAnswer] = {}

    def hit(self, key: str, now: datetime) -> CacheEntry | None:
        entry = self.entries.get(key)
        if entry is None or entry.expires_at <= now:
            return None
        entry.hit_count += 1
        return CacheEntry(entry.location, entry.hit_count)

    def store(
        self, key: str, location: Location | None, now: datetime, policy: CachePolicy
    ) -> None:
        hits = self.entries[key].hit_count if key in self.entries else 0
        self.entries[key] = CachedAnswer(location, now + policy.lifetime(location), hits)

    def purge_expired(self, now: datetime) -> int:
        expired = [key for key, entry in self.entries.items() if entry.expires_at <= now]
        for key in expired:
            del self.entries[key]
        return len(expired)


class FakeSubjects:
    """Subject ↔ cache key links; forgetting a subject deletes its entries from `cache`."""

    def __init__(self, cache: FakeCache) -> None:
        self.cache = cache
        self.links: set[tuple[str, int, str]] = set()

    def link(self, subject_type: str, subject_id: int, key: str, now: datetime) -> None:
        self.links.add((subject_type, subject_id, key))

    def forget(self, subject_type: str, subject_id: int) -> int:
        mine = {link for link in self.links if link[:2] == (subject_type, subject_id)}
        self.links -= mine
        keys = {key for _, _, key in mine if key in self.cache.entries}
        for key in keys:
            del self.cache.entries[key]
        return len(keys)

    def keys_of(self, subject_type: str, subject_id: int) -> set[str]:
        return {
            key for kind, ident, key in self.links if (kind, ident) == (subject_type, subject_id)
        }


class FakeGeocodingUnitOfWork(FakeUnitOfWork):
    """One in-memory "database" shared by every transaction of a test."""

    def __init__(self) -> None:
        super().__init__()
        self.cache = FakeCache()
        self.subjects = FakeSubjects(self.cache)


class FakeChain:
    """A geocoder chain with scripted answers: (location, fallback reason) or an outage."""

    def __init__(self, mode: str = "offline", street_level: bool = False) -> None:
        self.mode = mode
        self.street_level = street_level
        self.answers: list[tuple[Location | None, str | None] | ProviderUnavailable] = []
        self.asked: list[AddressQuery] = []

    def answer(self, location: Location | None, reason: str | None = None) -> FakeChain:
        self.answers.append((location, reason))
        return self

    def fail(self, message: str = "Nominatim: GeocoderTimedOut") -> FakeChain:
        self.answers.append(ProviderUnavailable(message))
        return self

    def resolve(self, query: AddressQuery) -> tuple[Location | None, str | None]:
        self.asked.append(query)
        answer = self.answers.pop(0)
        if isinstance(answer, ProviderUnavailable):
            raise answer
        return answer


class FakeRouter:
    """An OSRM router for car and bicycle that answers `route`, or fails when it is None."""

    def __init__(self, route: Route | None) -> None:
        self._route = route
        self.calls: list[tuple[Point, Point, str]] = []

    def supports(self, mode: str) -> bool:
        return mode in ("car", "bicycle")

    def route(self, origin: Point, destination: Point, mode: str) -> Route:
        self.calls.append((origin, destination, mode))
        if self._route is None:
            raise RoutingUnavailable("OSRM answered HTTP 503")
        return self._route


@dataclass
class FakeContext:
    """The parts of GeocodingContext the use cases read."""

    geocoder: FakeChain = field(default_factory=FakeChain)
    router: FakeRouter | None = None
    travel_model: TravelModel = field(default_factory=TravelModel)
    cache_policy: CachePolicy = POLICY
    max_destinations: int = 1000
    clock: FakeClock = field(default_factory=FakeClock)
    uow: FakeGeocodingUnitOfWork = field(default_factory=FakeGeocodingUnitOfWork)

    def unit_of_work(self) -> FakeGeocodingUnitOfWork:
        return self.uow
