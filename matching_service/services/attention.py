"""What matching shows on the staff attention list (computed on request), and the consistency
check's read of open requests per patient."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from matching_service.domain.drift import why_no_candidate
from matching_service.domain.index import TherapistIndex
from matching_service.domain.profiles import Rules, match_context
from matching_service.domain.selection import picks_for
from matching_service.domain.states import counts_as_asked
from matching_service.store.profiles import patient_profile
from matching_service.store.unit_of_work import MatchingUnitOfWork
from shared.vocabulary import ATTENTION_MESSAGES, AttentionReason

WITHOUT_REQUEST = AttentionReason.SEARCHING_WITHOUT_REQUEST
WITHOUT_CANDIDATE = AttentionReason.SEARCHING_WITHOUT_CANDIDATE
UNANSWERED = AttentionReason.CONTACTED_WITHOUT_ANSWER


def attention_items(
    uow: MatchingUnitOfWork,
    rules: Rules,
    unanswered_days: int,
    now: datetime,
    reason: str | None = None,
) -> list[dict[str, Any]]:
    """Searching, unplaced patients without an open request (with or without a candidate), and
    requests contacted `unanswered_days` ago or longer with neither answer nor call; oldest
    first."""
    items: list[dict[str, Any]] = []
    with uow:
        if reason in (None, WITHOUT_REQUEST, WITHOUT_CANDIDATE):
            items += _searching_without_request(uow, rules, now)
        if reason in (None, UNANSWERED):
            items += _contacted_without_answer(uow, unanswered_days, now)
    if reason is not None:
        items = [item for item in items if item["reason"] == reason]
    items.sort(key=lambda item: (item["since"], item["patient_id"] or 0, item["reason"]))
    return items


def _searching_without_request(
    uow: MatchingUnitOfWork, rules: Rules, now: datetime
) -> list[dict[str, Any]]:
    rows = uow.patients.searching(None)
    ids = [row["patient_id"] for row in rows]
    with_open = uow.requests.open_of_patients(ids)
    idle = [row for row in rows if row["patient_id"] not in with_open]
    if not idle:
        return []
    idle_ids = [row["patient_id"] for row in idle]
    excluded = uow.exclusions.by_patient(idle_ids)
    asked = uow.requests.by_patient(idle_ids)
    closed = uow.requests.last_closed(idle_ids)
    match = match_context(rules, now)
    found = []
    for row in idle:
        pid = row["patient_id"]
        patient = patient_profile(
            row,
            excluded.get(pid, set()),
            [
                r.therapist_id
                for r in asked.get(pid, [])
                if counts_as_asked(r.status, r.contacted_at)
            ],
        )
        near = uow.therapists.contactable(match, [patient])
        known = [at for at in (row["search_started_at"], closed.get(pid)) if at is not None]
        since = max(known) if known else row["updated_at"]
        picks = picks_for(patient, TherapistIndex(near), match, 1)
        if picks:
            details = {"best_candidate": picks[0].therapist_id, "score": picks[0].parts.total}
            found.append(_item(WITHOUT_REQUEST, since, details, patient_id=pid))
        else:
            explanation = why_no_candidate(patient, near, match)
            found.append(
                _item(WITHOUT_CANDIDATE, since, explanation, explanation["summary"], patient_id=pid)
            )
    return found


def _contacted_without_answer(
    uow: MatchingUnitOfWork, days: int, now: datetime
) -> list[dict[str, Any]]:
    rows = uow.requests.contacted_unanswered(now - timedelta(days=days))
    return [
        _item(
            UNANSWERED,
            row["contacted_at"],
            {"status": row["status"], "contacted_at": row["contacted_at"].isoformat()},
            patient_id=row["patient_id"],
            therapist_id=row["therapist_id"],
            placement_request_id=row["id"],
            days=days,
        )
        for row in rows
    ]


def _item(
    reason: AttentionReason,
    since: datetime,
    details: dict[str, Any],
    extra: str | None = None,
    *,
    days: int | None = None,
    patient_id: int | None = None,
    therapist_id: int | None = None,
    placement_request_id: int | None = None,
) -> dict[str, Any]:
    message = ATTENTION_MESSAGES[reason].format(days=days)
    return {
        "reason": reason.value,
        "patient_id": patient_id,
        "therapist_id": therapist_id,
        "placement_request_id": placement_request_id,
        "email_id": None,
        "since": since,
        "message": f"{message} {extra}" if extra else message,
        "details": details,
    }


def open_requests(uow: MatchingUnitOfWork, patient_ids: list[int]) -> list[dict[str, Any]]:
    """Per patient matching knows: its status here, whether placed, its open requests."""
    with uow:
        rows = uow.patients.of_ids(patient_ids)
        found = uow.requests.open_of_patients(patient_ids)
    return [
        {
            "patient_id": row["patient_id"],
            "status": row["status"],
            "placed_request_id": row["placed_request_id"],
            "open_requests": [
                {"id": r.id, "therapist_id": r.therapist_id, "status": r.status}
                for r in found.get(row["patient_id"], [])
            ],
        }
        for row in rows
    ]


def _asked(rows: list[Any]) -> list[int]:
    return [r.therapist_id for r in rows if counts_as_asked(r.status, r.contacted_at)]
