"""Placement requests as communication sees them: their states and which of them are open."""

from __future__ import annotations

from enum import StrEnum


class RequestState(StrEnum):
    """A placement request as communication sees it."""

    WAITING = "waiting"  # ready for contact, not in any e-mail yet
    IN_EMAIL = "in_email"  # carried by an outreach e-mail (unsent or sent)
    PHONE_PENDING = "phone_pending"  # phone outreach instead of e-mail (calls: part 2)
    CANCELLED = "cancelled"
    CLOSED = "closed"  # answered, expired or otherwise finished


# Not closed yet: a withdrawal, an answer or the last failed call still changes them.
OPEN_STATES: tuple[RequestState, ...] = (
    RequestState.WAITING,
    RequestState.IN_EMAIL,
    RequestState.PHONE_PENDING,
)
FINISHED_STATES: frozenset[RequestState] = frozenset({RequestState.CANCELLED, RequestState.CLOSED})
# Matching's request statuses after which communication stops contacting about the request.
TERMINAL_STATUSES = frozenset({"accepted", "rejected", "no_response", "expired", "cancelled"})


def is_open(state: str) -> bool:
    """True while the request is waiting, in an e-mail or pending a phone call."""
    return state in {open_state.value for open_state in OPEN_STATES}
