"""The invariants that look at the services' state once the stack has settled: do matching and
communication agree on every open request, is a searching patient without a request although a
candidate exists, is every acceptance exactly one placement. The read-only calls go through the
public routes (`/api/open-requests` and `/api/open-contacts` with a service token)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from simulation import invariants
from simulation.stack_api import StackApi

OPEN_REQUESTS = {"matching": "/api/open-requests", "communication": "/api/open-contacts"}


def open_requests(api: StackApi, service: str, patient_ids: list[int]) -> dict[int, int]:
    """Request id → patient id of the open requests `service` knows for these patients."""
    found = {}
    for item in api.per_patient(service, OPEN_REQUESTS[service], patient_ids):
        for request in item.get("open_requests", []):
            request_id = request["id"] if isinstance(request, dict) else request
            found[int(request_id)] = int(item["patient_id"])
    return found


def state_breaches(
    api: StackApi, patient_ids: Mapping[int, int], acceptances: Mapping[int, int]
) -> dict[str, list[invariants.Violation]]:
    """The settled-state checks; `patient_ids`: simulation index → patient id, `acceptances`:
    acceptances the driver recorded per simulation index."""
    index_of = {pid: index for index, pid in patient_ids.items()}
    ids = list(patient_ids.values())
    matching = open_requests(api, "matching", ids)
    communication = open_requests(api, "communication", ids)
    searching = _indexes(api.pages("patient", "/api/patients?status=searching"), "id", index_of)
    with_request = {index_of[pid] for pid in matching.values()}
    lonely = [i for i in searching if i not in with_request]
    return {
        "request_disagreement": invariants.requests_disagree(
            dict.fromkeys(matching, "open"), dict.fromkeys(communication, "open")
        ),
        "searching_without_request": invariants.searching_without_request(
            searching, with_request, _with_candidate(api, lonely, patient_ids)
        ),
        "acceptance_placement": invariants.acceptance_without_one_placement(
            acceptances, _placements(api, index_of)
        ),
    }


def _indexes(items: Any, key: str, index_of: Mapping[int, int]) -> list[int]:
    """The simulation indexes of the listed patients (others are not the scenario's)."""
    return [index_of[item[key]] for item in items if item[key] in index_of]


def _with_candidate(api: StackApi, lonely: list[int], patient_ids: Mapping[int, int]) -> set[int]:
    return {
        index
        for index in lonely
        if api.call("GET", "matching", f"/api/patients/{patient_ids[index]}/candidates?limit=1")[
            "items"
        ]
    }


def _placements(api: StackApi, index_of: Mapping[int, int]) -> dict[int, int]:
    """Accepted requests per patient in matching: each is one placement."""
    found: dict[int, int] = defaultdict(int)
    accepted = api.pages("matching", "/api/placement-requests?status=accepted")
    for index in _indexes(accepted, "patient_id", index_of):
        found[index] += 1
    return dict(found)
