"""Fixtures for the matching rules: a context from the default settings and profile builders."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from matching_service.config import Settings
from matching_service.domain.profiles import (
    MatchContext,
    Offer,
    PatientProfile,
    TherapistProfile,
)
from shared.weekly_windows import overlap_minutes

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
AACHEN = (50.7766, 6.0834)


@pytest.fixture
def ctx() -> MatchContext:
    return MatchContext(Settings(_env_file=None).rules(), NOW, overlap_minutes)


def make_offers(*procedures: str, age_group: str = "adults", setting: str = "individual"):
    return tuple(Offer(p, age_group, setting) for p in procedures)


@pytest.fixture
def offers():
    return make_offers


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def patient():
    def build(**changes) -> PatientProfile:
        base = PatientProfile(
            patient_id=1,
            age=34,
            gender="female",
            latitude=AACHEN[0],
            longitude=AACHEN[1],
            insurance_type="statutory",
            search_started_at=NOW,
        )
        return replace(base, **changes)

    return build


@pytest.fixture
def therapist():
    def build(**changes) -> TherapistProfile:
        base = TherapistProfile(
            therapist_id=7,
            latitude=AACHEN[0],
            longitude=AACHEN[1],
            gender="female",
            offers=make_offers("VT"),
        )
        return replace(base, **changes)

    return build
