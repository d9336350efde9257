"""Derived values of a change: merged preferences, crisis flags, audit entries."""

from datetime import UTC, date, datetime

from patient_service.domain.changes import address_changed, audit_changes, merge_update
from patient_service.domain.symptoms import flags

CURRENT = {
    "preferences": {"procedures": ["VT"], "group_ok": False, "max_distance_km": 25.0},
    "symptoms": ["anxiety"],
    "urgent_flagged": False,
    "urgent": False,
    "crisis": False,
    "city": "Aachen",
    "email": "a@example.org",
}


def test_preferences_merge_field_by_field():
    new = merge_update(CURRENT, {"preferences": {"group_ok": True}})
    assert new == {"preferences": {"procedures": ["VT"], "group_ok": True, "max_distance_km": 25.0}}


def test_unchanged_values_are_dropped():
    assert merge_update(CURRENT, {"city": "Aachen", "email": "a@example.org"}) == {}


def test_a_crisis_symptom_makes_the_case_urgent_and_flags_it():
    new = merge_update(CURRENT, {"symptoms": ["anxiety", "suicidal_thoughts"]})
    assert new["urgent"] is True and new["crisis"] is True


def test_staff_urgency_flag_without_crisis():
    assert flags(["anxiety"], True) == {"crisis": False, "urgent": True}
    assert flags(["self_harm"], False) == {"crisis": True, "urgent": True}


def test_address_change_is_detected_by_any_address_field():
    assert address_changed({"house_number": "3"})
    assert not address_changed({"email": "b@example.org"})


def test_audit_changes_are_json_ready_and_skip_bookkeeping():
    old = {"birth_date": date(1990, 1, 1), "version": 1, "updated_at": datetime(2026, 1, 1)}
    new = {
        "birth_date": date(1991, 1, 1),
        "version": 2,
        "updated_at": datetime(2026, 1, 2, tzinfo=UTC),
    }
    assert audit_changes(old, new) == {"birth_date": ["1990-01-01", "1991-01-01"]}


def test_group_only_implies_group_ok_and_group_ok_false_clears_group_only():
    """Issue 16, item 7 (failed before: group_only was merged as sent, group_ok stayed False)."""
    only = merge_update(CURRENT, {"preferences": {"group_only": True}})
    assert only["preferences"]["group_only"] is True and only["preferences"]["group_ok"] is True
    stored = {**CURRENT, "preferences": only["preferences"]}
    dropped = merge_update(stored, {"preferences": {"group_ok": False}})
    assert dropped["preferences"]["group_ok"] is False
    assert dropped["preferences"]["group_only"] is False
