"""Hand-built tiny worlds: practices as 116117 records around one point, patients as bodies."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from simulation.scenario import Scenario
from simulation.world import PatientPlan, World, assemble

# Berlin-Mitte; 10115's centroid is the patients' location
LAT, LON = 52.532, 13.3846
ALL_WEEK = [
    {
        "d": f"{d:02d}.11.",
        "t": t,
        "tszDesTyps": [
            {"typ": "Telefonische Erreichbarkeit", "sprechzeiten": [{"zeit": "08:00-18:00"}]},
            {"typ": "Sprechstunde mit Termin", "sprechzeiten": [{"zeit": "09:00-17:00"}]},
        ],
    }
    for d, t in zip(range(23, 28), ["Mo.", "Di.", "Mi.", "Do.", "Fr."], strict=True)
]

TINY = Scenario(
    name="tiny",
    seed=1,
    practices=0,
    patients=0,
    weeks=4,
    start=date(2027, 1, 11),
    arrival_weeks=1,
    phone_reach_chance=1.0,
    email_answer_chance=1.0,
    rejected_other_chance=0.0,
    no_show_chance=0.0,
    adults_only_share=0.0,
    procedure_subset_share=0.0,
)


def record(index: int, km_east: float, **fields) -> dict:
    """A practice `km_east` km east of the patients (VT for adults, individual)."""
    base = {
        "id": f"p{index}",
        "name": f"Praxis {index}",
        "anrede": "Frau",
        "geschlecht": "W",
        "plz": "10115",
        "lat": LAT,
        "lon": LON + km_east / 68.0,  # ~68 km per degree of longitude at 52.5°N
        "email": f"p{index}@example.org",
        "fg": [],
        "psy": ["Verhaltenstherapie für Erwachsene in Einzeltherapie"],
        "fs": [],
        "kvg": [],
        "tsz": ALL_WEEK,
    }
    return {**base, **fields}


def body(index: int, **preferences) -> dict:
    """An adult statutory patient in 10115 wanting VT within 10 km (override preferences)."""
    prefs = {
        "procedures": ["VT"],
        "therapist_gender": "any",
        "languages": [],
        "group_ok": False,
        "barrier_free": False,
        "max_distance_km": 10.0,
        "travel_mode": "public_transport",
    }
    return {
        "gender": "female",
        "birth_date": "1990-05-01",
        "address": {"postal_code": "10115"},
        "insurance": {"type": "statutory"},
        "preferences": {**prefs, **preferences},
    }


def world(records, bodies, plans=None, scenario: Scenario = TINY) -> World:
    plans = plans or [PatientPlan(0, False) for _ in bodies]
    scenario = replace(scenario, practices=len(records), patients=len(bodies))
    return assemble(scenario, records, bodies, plans)
