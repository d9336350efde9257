"""The geocoding service's unit of work: one transaction with the cache and subject stores."""

from __future__ import annotations

from sqlalchemy.orm import Session

from geocoding_service.store.cache import GeocodeCache
from geocoding_service.store.subjects import CacheSubjects
from shared.unit_of_work import UnitOfWork


class GeocodingUnitOfWork(UnitOfWork):
    """`uow.cache`, `uow.subjects` and `uow.events` on one session."""

    cache: GeocodeCache
    subjects: CacheSubjects

    def bind(self, session: Session) -> None:
        self.cache = GeocodeCache(session)
        self.subjects = CacheSubjects(session)
