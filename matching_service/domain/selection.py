"""Pick the best new requests per patient: vectorised shortlist, then the exact pure rules.

The search (`matching_service.domain.search`, a batch of patients at once) computes every hard
criterion as an array mask and an approximate total score per candidate (float rounding only).
The shortlist keeps every candidate whose approximate total could still reach the `needed`-th
best exact total (SLACK covers the 6-decimal rounding of the exact score); only the shortlist is
judged by `first_failure` and scored by `score`, and the exact `rank_key` orders it. A pair the
domain refuses (which the masks should never let through) is dropped and the shortlist is
recomputed, so the result equals the plain per-pair ranking.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from matching_service.domain.criteria import CRITERION_NAMES, distance_km, first_failure
from matching_service.domain.index import Candidates, TherapistIndex
from matching_service.domain.profiles import MatchContext, PatientProfile, TherapistProfile
from matching_service.domain.ranking import ScoreParts, rank_key, score
from matching_service.domain.search import search_many

SLACK = 2e-6  # > 2 × (rounding of the exact total to 6 decimals + float error)


@dataclass(frozen=True)
class Pick:
    """One chosen pair: the therapist, the score and its parts, the distance."""

    patient_id: int
    therapist_id: int
    parts: ScoreParts
    distance_km: float


def best_picks(
    p: PatientProfile, index: TherapistIndex, cands: Candidates, ctx: MatchContext, needed: int
) -> list[Pick]:
    """The `needed` best pairs that pass every criterion, best first (exact rank_key order)."""
    if needed <= 0 or not len(cands):
        return []
    alive = np.ones(len(cands), dtype=bool)
    while True:
        judged, refused = [], []
        for i in _shortlist(cands.totals, alive, needed):
            t = index.therapists[int(cands.positions[i])]
            found = _judge(p, t, ctx) if t is not None else None
            if found is None:
                refused.append(i)
            else:
                judged.append(found)
        if not refused:
            break
        alive[refused] = False
    judged.sort(key=lambda item: item[0])
    return [pick for _, pick in judged[:needed]]


def _shortlist(totals: np.ndarray, alive: np.ndarray, needed: int) -> np.ndarray:
    """Positions whose approximate total is within SLACK of the needed-th best."""
    live = np.flatnonzero(alive)
    if len(live) <= needed:
        return live
    values = totals[live]
    kth = np.partition(values, len(values) - needed)[len(values) - needed]
    return live[values >= kth - SLACK]


def _judge(
    p: PatientProfile, t: TherapistProfile, ctx: MatchContext
) -> tuple[tuple[float, float, int], Pick] | None:
    """The pure rules decide: (exact rank key, Pick), or None."""
    km = distance_km(p, t)
    if km is None or first_failure(p, t, ctx, km) is not None:
        return None
    parts = score(p, t, ctx, km)
    return (
        rank_key(parts, km, t.therapist_id),
        Pick(p.patient_id, t.therapist_id, parts, round(km, 3)),
    )


def picks_for_many(
    patients: list[PatientProfile],
    index: TherapistIndex,
    ctx: MatchContext,
    needed: Mapping[int, int],
) -> list[Pick]:
    """Search the index for a batch of patients and choose for each, in the given order."""
    wanting = [p for p in patients if needed[p.patient_id] > 0]
    found = search_many(index, wanting, ctx)
    return [
        pick
        for p, cands in zip(wanting, found, strict=True)
        for pick in best_picks(p, index, cands, ctx, needed[p.patient_id])
    ]


def picks_for(
    p: PatientProfile, index: TherapistIndex, ctx: MatchContext, needed: int
) -> list[Pick]:
    """Search the index and choose for one patient."""
    return picks_for_many([p], index, ctx, {p.patient_id: needed})


def plain_picks(
    p: PatientProfile, therapists: list[TherapistProfile], ctx: MatchContext, needed: int
) -> list[Pick]:
    """The straightforward reference: every therapist, every rule, exact sort (for tests)."""
    found = [j for t in therapists if (j := _judge(p, t, ctx)) is not None]
    found.sort(key=lambda item: item[0])
    return [pick for _, pick in found[: max(0, needed)]]


HELD_ALL = list(CRITERION_NAMES)
