"""What the geocoding service's use cases, resources and jobs receive."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from geocoding_service.clients.geocoders import GeocodingChain
from geocoding_service.clients.osrm import OsrmRouter
from geocoding_service.config import Settings
from geocoding_service.domain.cache import CachePolicy
from geocoding_service.domain.travel import TravelModel
from geocoding_service.store.unit_of_work import GeocodingUnitOfWork
from shared.context import ServiceContext


@dataclass(kw_only=True)
class GeocodingContext(ServiceContext):
    """The shared parts plus the geocoder chain, the optional router and the estimate's rules."""

    settings: Settings
    geocoder: GeocodingChain
    router: OsrmRouter | None
    travel_model: TravelModel
    cache_policy: CachePolicy
    max_destinations: int

    def unit_of_work(self) -> GeocodingUnitOfWork:
        return GeocodingUnitOfWork(self.session_factory, self.outbox)

    def unit_of_work_on(self, session: Session) -> GeocodingUnitOfWork:
        return GeocodingUnitOfWork.joined(session, self.outbox)
