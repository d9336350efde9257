"""Upload runs 1..4 through the API: new → changed (diffs) → missed → disappeared, with events."""

from __future__ import annotations

import pytest
from integration.scraping_service.helpers import (
    FILES,
    expected_counts,
    fixture_response,
    import_and_process,
    run_events,
)

pytestmark = pytest.mark.integration


def _types(events) -> list[str]:
    return [e["event_type"] for e in events]


def _responses(tag: str) -> list[dict]:
    return [fixture_response(name, tag) for name in FILES]


def test_four_runs_find_new_changed_unchanged_and_disappeared_practices(app, client, admin, tag):
    area, accepted, rejected = f"{tag}-aachen", *expected_counts()
    responses = _responses(tag)
    first = import_and_process(client, admin, responses, area)
    assert first["status"] == "succeeded"
    assert first["counts"] == {
        "new": accepted,
        "changed": 0,
        "unchanged": 0,
        "disappeared": 0,
        "rejected": rejected,
    }
    events = run_events(app, first["id"])
    assert _types(events) == ["scraping.therapist_discovered"] * accepted + [
        "scraping.run_completed"
    ]
    assert events[-1]["payload"]["counts"] == first["counts"]

    page = responses[0]["arztPraxisDatas"]
    page[0]["tel"] = "0241 5550100"
    page[1]["email"] = "NEUE.ADRESSE@Praxis-Beispiel.DE"
    second = import_and_process(client, admin, responses, area)
    assert second["counts"] == {
        "new": 0,
        "changed": 2,
        "unchanged": accepted - 2,
        "disappeared": 0,
        "rejected": rejected,
    }
    changed = {
        e["payload"]["external_id"]: e["payload"]["changes"]
        for e in run_events(app, second["id"])
        if e["event_type"] == "scraping.therapist_changed"
    }
    assert [(c["field"], c["new"]) for c in changed[page[0]["id"]]] == [("phone", "+492415550100")]
    assert [(c["field"], c["new"]) for c in changed[page[1]["id"]]] == [
        ("email", "neue.adresse@praxis-beispiel.de")
    ]

    gone = page.pop(5)
    third = import_and_process(client, admin, responses, area)
    assert third["counts"] == {
        "new": 0,
        "changed": 0,
        "unchanged": accepted - 1,
        "disappeared": 0,
        "rejected": rejected,
    }
    assert _types(run_events(app, third["id"])) == ["scraping.run_completed"]

    fourth = import_and_process(client, admin, responses, area)
    assert fourth["counts"]["disappeared"] == 1 and fourth["counts"]["unchanged"] == accepted - 1
    disappeared = [
        e["payload"]
        for e in run_events(app, fourth["id"])
        if e["event_type"] == "scraping.therapist_disappeared"
    ]
    assert [(d["external_id"], d["missed_runs"]) for d in disappeared] == [(gone["id"], 2)]


def test_partial_runs_and_other_areas_never_make_a_practice_disappear(client, admin, tag):
    responses = [fixture_response("aachen_page1.json", tag)]
    import_and_process(client, admin, responses, f"{tag}-a")
    responses[0]["arztPraxisDatas"].pop(0)
    for _ in range(3):
        partial = import_and_process(client, admin, responses, f"{tag}-a", full_run=False)
        assert partial["counts"]["disappeared"] == 0
    for _ in range(2):
        other = import_and_process(client, admin, [fixture_response("koeln.json", tag)], f"{tag}-b")
        assert other["counts"]["disappeared"] == 0


def test_a_returning_practice_is_discovered_again(app, client, admin, tag):
    responses = [fixture_response("aachen_page1.json", tag)]
    area = f"{tag}-a"
    import_and_process(client, admin, responses, area)
    back = responses[0]["arztPraxisDatas"].pop(0)
    import_and_process(client, admin, responses, area)
    assert import_and_process(client, admin, responses, area)["counts"]["disappeared"] == 1
    responses[0]["arztPraxisDatas"].append(back)
    again = import_and_process(client, admin, responses, area)
    assert again["counts"]["new"] == 1
    assert "scraping.therapist_discovered" in _types(run_events(app, again["id"]))


def test_a_rejected_sighting_is_not_counted_as_missing(client, admin, tag):
    responses = [fixture_response("aachen_page1.json", tag)]
    area = f"{tag}-a"
    import_and_process(client, admin, responses, area)
    responses[0]["arztPraxisDatas"][0]["plz"] = "kaputt"
    for _ in range(2):
        run = import_and_process(client, admin, responses, area)
        assert run["counts"]["rejected"] == 1 and run["counts"]["disappeared"] == 0


def test_overlapping_responses_count_duplicates_and_reject_conflicting_ones(client, admin, tag):
    first = fixture_response("aachen_page1.json", tag)
    overlap = {
        "arztPraxisDatas": [
            dict(first["arztPraxisDatas"][0], distance=9999),
            dict(first["arztPraxisDatas"][1], tel="0241 999999"),
        ],
        "moreResults": False,
    }
    run = import_and_process(client, admin, [first, overlap], f"{tag}-a")
    assert run["duplicates"] == 1 and run["counts"]["rejected"] == 1
    assert run["rejected_records"][0]["reasons"] == [
        "id: listed twice with different data (kept the first)"
    ]
