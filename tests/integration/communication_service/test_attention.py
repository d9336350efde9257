"""`GET /api/attention` and `GET /api/open-contacts` of the communication service (issue 16
item 10: drift is found, not hidden). Each fails before: there was no such route."""

from __future__ import annotations

import pytest
from integration.communication_service.helpers import SECRET, feed
from integration.communication_service.test_responses_api import answer, sent_request
from integration.communication_service.test_sending import failed_for_good
from support.tokens import token_for

from shared.events.patient import PROFILE_EXAMPLE, PatientSearchPaused

pytestmark = pytest.mark.integration


def service_headers(staff):
    return {"Authorization": f"Bearer {token_for(SECRET, 'patient_service', 'service')}"}


def test_a_failed_email_is_listed_with_its_reason_ids_and_a_german_message(
    ctx, handlers, catcher, therapist, clock, client, staff, admin
):
    tid, _ = failed_for_good(ctx, handlers, catcher, therapist, clock)
    body = client.get("/api/attention?reason=email_failed", headers=staff).json
    [item] = [i for i in body["items"] if i["therapist_id"] == tid]
    assert item["reason"] == "email_failed" and item["email_id"] is not None
    assert item["since"] and "E-Mail" in item["message"]
    assert {"page", "per_page", "total"} <= set(body) and body["total"] >= 1
    assert client.get("/api/attention", headers=admin).status_code == 200
    assert client.get("/api/attention", headers=service_headers(staff)).status_code == 403
    assert client.get("/api/attention?reason=nope", headers=staff).status_code == 400


def test_an_acceptance_while_paused_is_listed(ctx, handlers, client, staff, therapist):
    tid, item = sent_request(ctx, handlers, therapist)
    paused = PatientSearchPaused.model_validate(
        {**PROFILE_EXAMPLE, "patient_id": item["patient_id"], "status": "paused"}
    )
    feed(ctx, handlers, paused, producer="patient_service")
    assert answer(client, staff, tid, item, outcome="accepted").status_code == 201
    body = client.get("/api/attention", headers=staff).json
    [listed] = [i for i in body["items"] if i["reason"] == "acceptance_while_paused"]
    assert (listed["patient_id"], listed["placement_request_id"], listed["therapist_id"]) == (
        item["patient_id"],
        item["placement_request_id"],
        tid,
    )
    assert "pausiert" in listed["message"]


def test_open_contacts_of_patients_for_the_consistency_check(
    ctx, handlers, client, staff, therapist
):
    tid, item = sent_request(ctx, handlers, therapist)
    pid = item["patient_id"]
    url = f"/api/open-contacts?patient_ids={pid},987654"
    assert client.get(url, headers=staff).status_code == 403
    body = client.get(url, headers=service_headers(staff)).json
    [found] = body["items"]
    assert found["patient_id"] == pid
    assert found["open_requests"] == [item["placement_request_id"]]
    assert found["open_emails"] == [] and found["open_calls"] == []  # the e-mail went out
