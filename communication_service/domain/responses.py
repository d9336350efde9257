"""A therapist's answer as staff record it, and which of its requests may be answered."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ResponseInput:
    """What staff send: therapist, channel, one outcome per request, a note."""

    therapist_id: int
    channel: str
    outcomes: list[tuple[int, str]]
    note: str | None
    actor: str

    @property
    def request_ids(self) -> list[int]:
        return [request_id for request_id, _ in self.outcomes]


def not_contacted(answered: Iterable[int], contacted: Iterable[int]) -> list[int]:
    """Requests of the answer that were never sent to the therapist (sorted)."""
    return sorted(set(answered) - set(contacted))
