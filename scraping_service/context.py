"""What the scraping service's use cases, resources and jobs receive."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from scraping_service.clients.arztsuche import ArztsucheClient
from scraping_service.config import Settings
from scraping_service.store.unit_of_work import ScrapingUnitOfWork
from shared.context import ServiceContext


@dataclass(kw_only=True)
class ScrapingContext(ServiceContext):
    """The shared parts plus the factory of live 116117 clients (a fresh one per live run)."""

    settings: Settings
    live_client_factory: Callable[[], ArztsucheClient]

    def unit_of_work(self) -> ScrapingUnitOfWork:
        return ScrapingUnitOfWork(self.session_factory, self.outbox)

    def unit_of_work_on(self, session: Session) -> ScrapingUnitOfWork:
        return ScrapingUnitOfWork.joined(session, self.outbox)
