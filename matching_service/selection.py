"""Pick the best new requests for one patient: prefiltered candidates, exact rules, ranking."""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from matching_service.domain.criteria import CRITERION_NAMES, distance_km, first_failure
from matching_service.domain.profiles import MatchContext, PatientProfile, TherapistProfile
from matching_service.domain.ranking import (
    NEUTRAL,
    ScoreParts,
    availability_part,
    rank_key,
    score,
)
from matching_service.index import Candidates, TherapistIndex

BOUND_SLACK = 1e-6  # scores are rounded to 6 decimals


@dataclass(frozen=True)
class Pick:
    """One chosen pair: the therapist, the score and its parts, the distance."""

    patient_id: int
    therapist_id: int
    parts: ScoreParts
    distance_km: float


def best_picks(p: PatientProfile, cands: Candidates, ctx: MatchContext,
               needed: int) -> list[Pick]:
    """The `needed` best pairs that pass every criterion, best first.

    Candidates arrive by partial score (everything but availability); once even a full
    availability share cannot lift the next candidate above the worst pick, the search stops.
    The cheap loop ranks; the pure domain rules then confirm each pick (a refused pick, which
    the prefilter should never let through, is dropped and the search goes on).
    """
    chosen: list[Pick] = []
    refused: set[int] = set()
    while len(chosen) < needed:
        ranked = _rank(p, cands, ctx, needed - len(chosen), refused | {c.therapist_id
                                                                      for c in chosen})
        if not ranked:
            break
        for t in ranked:
            pick = _judge(p, t, ctx)
            if pick is None:
                refused.add(t.therapist_id)
            else:
                chosen.append(pick)
    return sorted(chosen, key=lambda pk: rank_key(pk.parts, pk.distance_km, pk.therapist_id))


def _rank(p: PatientProfile, cands: Candidates, ctx: MatchContext, needed: int,
          skip: set[int]) -> list[TherapistProfile]:
    """The best `needed` candidates by partial score plus availability (bounded search)."""
    heap: list[tuple[float, float, int, int]] = []  # (total, -km, -id, position): worst on top
    w_avail = ctx.rules.weights.availability
    # Without patient windows every candidate gets the neutral share: partial order is final.
    ceiling = w_avail * (1.0 if p.availability else NEUTRAL) + BOUND_SLACK
    kms, partials = cands.distances.tolist(), cands.partial.tolist()
    for i in range(len(cands)):
        if len(heap) == needed and partials[i] + ceiling < heap[0][0]:
            break
        t = cands.therapist(i)
        tid = t.therapist_id
        if tid in p.already_asked or tid in p.excluded or tid in skip:
            continue
        key = (partials[i] + w_avail * availability_part(p, t, ctx), -kms[i], -tid, i)
        if len(heap) < needed:
            heapq.heappush(heap, key)
        elif key > heap[0]:
            heapq.heapreplace(heap, key)
    return [cands.therapist(item[3]) for item in sorted(heap, reverse=True)]


def _judge(p: PatientProfile, t: TherapistProfile, ctx: MatchContext) -> Pick | None:
    """The pure rules decide: a Pick with its exact score, or None."""
    km = distance_km(p, t)
    if km is None or first_failure(p, t, ctx, km) is not None:
        return None
    return Pick(p.patient_id, t.therapist_id, score(p, t, ctx, km), round(km, 3))


def picks_for(p: PatientProfile, index: TherapistIndex, ctx: MatchContext,
              needed: int) -> list[Pick]:
    """Search the index and choose (the whole per-patient step)."""
    if needed <= 0:
        return []
    return best_picks(p, index.search(p, ctx), ctx, needed)


HELD_ALL = list(CRITERION_NAMES)
