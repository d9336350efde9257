"""Change tracking (new/changed/unchanged/missed/disappeared) and tile subdivision."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from scraping_service.domain import Known, Seen, Tile, field_diff, plan_changes, subdivide
from scraping_service.domain.tiling import distance_km, offset

T = datetime(2026, 11, 1, tzinfo=UTC)


def seen(ext: str, phone: str = "+49241") -> Seen:
    return Seen(ext, f"h-{phone}", {"external_id": ext, "phone": phone})


def known(
    ext: str, phone: str = "+49241", area: str = "aachen", missed: int = 0, gone: bool = False
) -> Known:
    return Known(ext, f"h-{phone}", {"external_id": ext, "phone": phone}, area, missed, gone, T)


def test_field_diff_lists_only_changed_fields_in_order():
    diff = field_diff({"a": 1, "b": 2, "c": [1]}, {"a": 1, "b": 3, "c": [1, 2], "d": None})
    assert [(d.field, d.old, d.new) for d in diff] == [("b", 2, 3), ("c", [1], [1, 2])]


def test_new_changed_and_unchanged_records_are_told_apart():
    changes = plan_changes(
        [seen("a"), seen("b", "+49999"), seen("c")],
        {"b": known("b"), "c": known("c")},
        {"a", "b", "c"},
        "aachen",
        True,
        2,
    )
    assert [s.external_id for s in changes.new] == ["a"]
    assert [(s.external_id, [d.field for d in diff]) for s, diff in changes.changed] == [
        ("b", ["phone"])
    ]
    assert [s.external_id for s in changes.unchanged] == ["c"]


def test_a_practice_disappears_after_the_second_consecutive_full_run_without_it():
    first = plan_changes([], {"x": known("x")}, set(), "aachen", True, 2)
    assert first.missed == {"x": 1} and first.disappeared == []
    second = plan_changes([], {"x": known("x", missed=1)}, set(), "aachen", True, 2)
    assert [(d.external_id, d.missed_runs, d.last_seen_at) for d in second.disappeared] == [
        ("x", 2, T)
    ]


def test_partial_runs_other_areas_and_rejected_sightings_do_not_count_as_missed():
    state = {"x": known("x"), "y": known("y", area="koeln"), "z": known("z")}
    assert plan_changes([], state, set(), "aachen", False, 2).missed == {}
    full = plan_changes([], state, {"z"}, "aachen", True, 2)
    assert full.missed == {"x": 1}


def test_a_disappeared_practice_that_returns_is_new_again():
    changes = plan_changes([seen("x")], {"x": known("x", gone=True)}, {"x"}, "aachen", True, 2)
    assert [s.external_id for s in changes.new] == ["x"]


def test_seven_half_tiles_cover_the_whole_parent_circle():
    parent = Tile(50.7753, 6.0839, 20.0)
    children = subdivide(parent)
    assert len(children) == 7 and all(c.depth == 1 for c in children)
    for bearing_step in range(36):
        for fraction in (0.3, 0.7, 0.99):
            angle = math.radians(bearing_step * 10)
            lat, lon = offset(
                parent.lat,
                parent.lon,
                20 * fraction * math.cos(angle),
                20 * fraction * math.sin(angle),
            )
            assert any(distance_km(lat, lon, c.lat, c.lon) <= c.radius_km for c in children)
