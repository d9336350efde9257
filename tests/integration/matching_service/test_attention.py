"""`GET /api/attention` and `GET /api/open-requests` of the matching service (issue 16 item 10:
drift is found, not hidden). Each fails before: there was no such route."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.events.communication import EmailSent
from shared.rules import CONTACTED_WITHOUT_ANSWER_DAYS

pytestmark = pytest.mark.integration


def listed(app, auth, reason=None):
    url = "/api/attention" + (f"?reason={reason}" if reason else "")
    response = app.test_client().get(url, headers=auth())
    assert response.status_code == 200, response.json
    return response.json


def test_a_searching_patient_without_request_but_with_a_candidate_is_listed(
    app, feed, builders, auth, ctx
):
    for tid in (1, 2):
        feed.send(builders.therapist(tid, km_north=tid))
    feed.send(builders.patient(1))
    assert listed(app, auth)["total"] == 0  # two open requests: nothing to look at
    with ctx.engine.begin() as conn:  # the drift: the requests are gone, nobody filled
        conn.exec_driver_sql("DELETE FROM matching_service.placement_requests")
    body = listed(app, auth)
    [item] = body["items"]
    assert (item["reason"], item["patient_id"]) == ("searching_without_request", 1)
    assert item["details"]["best_candidate"] in (1, 2)
    assert item["since"] and "keine offene Platzanfrage" in item["message"]
    assert body["page"] == 1 and body["per_page"] == 20


def test_a_searching_patient_without_any_candidate_is_listed_with_the_explanation(
    app, feed, builders, auth
):
    feed.send(builders.therapist(1, km_north=3, statutory_licence=False))
    feed.send(builders.therapist(2, km_north=80))  # beyond the radius
    feed.send(builders.patient(1))
    [item] = listed(app, auth, "searching_without_candidate")["items"]
    assert item["patient_id"] == 1
    why = item["details"]
    assert why["radius_km"] == 25 and why["practices_in_reach"] == 1
    assert why["failed_criteria"] == {"insurance": 1}
    assert "insurance" in item["message"]
    assert listed(app, auth, "searching_without_request")["total"] == 0


def test_a_request_contacted_long_ago_without_answer_or_call_is_listed(
    app, feed, builders, auth, clock
):
    feed.send(builders.therapist(1))
    feed.send(builders.patient(1))
    [request] = (
        app.test_client().get("/api/placement-requests?patient_id=1", headers=auth()).json["items"]
    )
    sent = clock.now()
    feed.send(
        EmailSent(email_id=1, therapist_id=1, placement_request_ids=[request["id"]], sent_at=sent)
    )
    clock.advance(days=14)
    assert listed(app, auth, "contacted_without_answer")["total"] == 1  # exactly 14 days
    [item] = listed(app, auth, "contacted_without_answer")["items"]
    assert (item["placement_request_id"], item["patient_id"], item["therapist_id"]) == (
        request["id"],
        1,
        1,
    )
    assert item["since"] == sent.isoformat() and "14 Tagen" in item["message"]


def test_a_request_contacted_one_second_short_of_14_days_is_not_listed(
    app, feed, builders, auth, clock
):
    feed.send(builders.therapist(1))
    feed.send(builders.patient(1))
    [request] = (
        app.test_client().get("/api/placement-requests?patient_id=1", headers=auth()).json["items"]
    )
    feed.send(
        EmailSent(
            email_id=1,
            therapist_id=1,
            placement_request_ids=[request["id"]],
            sent_at=clock.now()
            - timedelta(days=CONTACTED_WITHOUT_ANSWER_DAYS)
            + timedelta(seconds=1),
        )
    )
    assert listed(app, auth, "contacted_without_answer")["total"] == 0


def test_open_requests_of_patients_is_a_service_read(app, feed, builders, auth):
    feed.send(builders.therapist(1))
    feed.send(builders.patient(1))
    client = app.test_client()
    url = "/api/open-requests?patient_ids=1,2"
    assert client.get(url, headers=auth()).status_code == 403
    [item] = client.get(url, headers=auth("service")).json["items"]
    assert (item["patient_id"], item["status"]) == (1, "searching")
    assert [r["therapist_id"] for r in item["open_requests"]] == [1]
    assert client.get("/api/open-requests", headers=auth("service")).status_code == 400
