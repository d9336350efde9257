"""Filling patients' open requests (one run): load the read models, search and choose in the
candidate engine, bulk-insert the picks with their created events."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from matching_service.domain.index import TherapistIndex
from matching_service.domain.profiles import MatchContext, PatientProfile, Rules, match_context
from matching_service.domain.ranking import PATIENT_ORDER_KEYS, PatientOrder
from matching_service.domain.states import OPEN, counts_as_asked
from matching_service.services import pipeline
from matching_service.services.pipeline import RunResult
from matching_service.store import persist
from matching_service.store.profiles import patient_profile
from matching_service.store.therapist_cache import TherapistCache
from matching_service.store.unit_of_work import MatchingUnitOfWork
from shared.correlation import current_correlation_id

if TYPE_CHECKING:
    from matching_service.context import MatchingContext

__all__ = ["FillSettings", "RunResult", "fill_patients", "fill_settings_of"]


@dataclass(frozen=True)
class FillSettings:
    """What a fill needs besides the unit of work: the rules, the process's index cache (None:
    read the index from the database) and how many helper processes choose beside it."""

    rules: Rules
    therapists: TherapistCache | None
    helpers: int


def fill_settings_of(ctx: MatchingContext) -> FillSettings:
    """The fill settings of this process's context."""
    return FillSettings(ctx.rules, ctx.therapists, ctx.settings.choosing_helpers)


def fill_patients(
    uow: MatchingUnitOfWork,
    fill_settings: FillSettings,
    now: datetime,
    trigger: str,
    patient_ids: Iterable[int] | None = None,
) -> RunResult:
    """Top up every given searching patient (None: all) to MAX_OPEN_REQUESTS_PER_PATIENT, inside
    the caller's unit of work (which commits)."""
    match = match_context(fill_settings.rules, now)
    chosen = None if patient_ids is None else list(patient_ids)
    result = RunResult()
    with result.step("load_patients"):
        rows = uow.patients.searching(chosen)
        result.patients_considered = len(rows)
        profiles, needed = _profiles(uow, rows, match, chosen) if rows else ([], {})
    wanted = [
        profile for profile in profiles if needed[profile.patient_id] > 0 and profile.location_known
    ]
    if not wanted:
        return result
    result.run_id = uow.runs.start(trigger, now)
    _choose_and_save(uow, fill_settings, match, wanted, needed, rows, result, now)
    result.requests_created = len(result.request_ids)
    uow.runs.finish(result.run_id, now, result.patients_considered, result.requests_created)
    return result


def _choose_and_save(
    uow: MatchingUnitOfWork,
    fill_settings: FillSettings,
    match: MatchContext,
    wanted: list[PatientProfile],
    needed: dict[int, int],
    rows: list[Any],
    result: RunResult,
    now: datetime,
) -> None:
    by_id = {row["patient_id"]: row for row in rows}
    correlation_id = current_correlation_id()  # saving runs in another thread: taken here
    wanted.sort(key=PATIENT_ORDER_KEYS[PatientOrder(match.rules.patient_order)])
    cache = fill_settings.therapists
    lock: AbstractContextManager[Any] = cache.lock if cache is not None else nullcontext()
    fill = pipeline.Fill(_index(uow, cache, match, wanted, result), match, wanted, needed, lock)

    def save(batch: persist.Batch) -> None:
        if not batch.items or result.run_id is None:
            return
        ids, parts = uow.new_requests.save(
            batch, result.run_id, result.parts + 1, now, correlation_id
        )
        result.parts += parts
        result.request_ids += ids

    saving = pipeline.Saving(lambda picks: persist.prepare(picks, by_id), save)
    pipeline.choose_and_save(fill, fill_settings.helpers, saving, result)


def _index(
    uow: MatchingUnitOfWork,
    cache: TherapistCache | None,
    match: MatchContext,
    patients: list[PatientProfile],
    result: RunResult,
) -> TherapistIndex:
    """The process's cached index brought up to date (without a cache: one read from the
    database, near the patients when there are only a few)."""
    with result.step("load_index"):
        if cache is None:
            near = patients if len(patients) <= pipeline.CHUNK_PATIENTS else None
            return uow.therapists.index(match, near)
        return uow.therapists.cached_index(cache)


def _profiles(
    uow: MatchingUnitOfWork, rows: list[Any], match: MatchContext, chosen: list[int] | None
) -> tuple[list[PatientProfile], dict[int, int]]:
    """Each patient's profile (with exclusions and therapists already asked: not those whose
    request was cancelled before any contact) and how many requests it still needs."""
    ids = None if chosen is None else [row["patient_id"] for row in rows]
    requests = uow.requests.by_patient(ids)
    excluded = uow.exclusions.by_patient(ids)
    limit = match.rules.max_open_requests_per_patient
    profiles, needed = [], {}
    for row in rows:
        patient_id = row["patient_id"]
        mine = requests.get(patient_id, [])
        asked = [r.therapist_id for r in mine if counts_as_asked(r.status, r.contacted_at)]
        profiles.append(patient_profile(row, excluded.get(patient_id, ()), asked))
        needed[patient_id] = limit - sum(1 for request in mine if request.status in OPEN)
    return profiles, needed
