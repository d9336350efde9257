"""The scraping service's unit of work: one transaction with the run, raw and known stores."""

from __future__ import annotations

from sqlalchemy.orm import Session

from scraping_service.store.folder_files import FolderFiles
from scraping_service.store.known import KnownTherapists
from scraping_service.store.raw_responses import RawResponses
from scraping_service.store.rejected import RejectedRecords
from scraping_service.store.runs import ImportRuns
from scraping_service.store.switches import Switches
from shared.unit_of_work import UnitOfWork


class ScrapingUnitOfWork(UnitOfWork):
    """`uow.runs`, `uow.raw`, `uow.rejected`, `uow.known`, `uow.switches`, `uow.folder_files`
    and `uow.events` on one session."""

    runs: ImportRuns
    raw: RawResponses
    rejected: RejectedRecords
    known: KnownTherapists
    switches: Switches
    folder_files: FolderFiles

    def bind(self, session: Session) -> None:
        self.runs = ImportRuns(session)
        self.raw = RawResponses(session)
        self.rejected = RejectedRecords(session)
        self.known = KnownTherapists(session)
        self.switches = Switches(session)
        self.folder_files = FolderFiles(session)
