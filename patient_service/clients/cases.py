"""HTTP reads of what matching and communication hold open per patient, for the consistency
check (role `service` token through the peer client; built once, injected)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from patient_service.clients.peers import Peers, PeerUnavailable

BATCH = 100


class CaseReads(Protocol):
    """Open requests (matching) and open contacts (communication) of some patients."""

    def open_requests(self, patient_ids: Sequence[int]) -> dict[int, dict[str, Any]]: ...

    def open_contacts(self, patient_ids: Sequence[int]) -> dict[int, dict[str, Any]]: ...


class PeerCaseReads:
    """`GET /api/open-requests` on matching and `GET /api/open-contacts` on communication
    (`?patient_ids=1,2,…`), 100 patients per call; an item per patient the service knows."""

    def __init__(self, peers: Peers) -> None:
        self._peers = peers

    def open_requests(self, patient_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        return self._read("matching_service", "/api/open-requests", patient_ids)

    def open_contacts(self, patient_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        return self._read("communication_service", "/api/open-contacts", patient_ids)

    def _read(self, service: str, path: str, patient_ids: Sequence[int]) -> dict[int, Any]:
        found: dict[int, Any] = {}
        ids = list(patient_ids)
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            body = self._peers.get(service, path, {"patient_ids": ",".join(map(str, chunk))})
            if body is None:
                raise PeerUnavailable(service, f"{path} does not exist")
            found.update({int(item["patient_id"]): item for item in body["items"]})
        return found
