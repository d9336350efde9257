"""Matching's request events in any order (issue 16, items 2 and 3): a withdrawal consumed before
the request's creation leaves a tombstone, and the later creation stores the request closed,
never waiting for contact; a request cancelled because the criteria changed leaves unsent
e-mails and calls through the ordinary cancellation path.

The handlers are fed in a chosen order (no broker, no sleeping). Before the tombstones, every
"withdrawal first" test failed (the creation stored the request `waiting` and it was e-mailed);
checked against the unchanged code."""

from __future__ import annotations

import pytest
from integration.communication_service.helpers import (
    START,
    cancelled,
    emails_of,
    feed,
    mails,
    request_item,
    requests_created,
    therapist_created,
)
from sqlalchemy import select

from communication_service.models import outreach_requests
from communication_service.services import sending
from shared.events.matching import PlacementConfirmed, PlacementRequestExpired

pytestmark = pytest.mark.integration


def state_of(ctx, item: dict) -> tuple[str, str | None]:
    r = outreach_requests
    with ctx.engine.connect() as conn:
        row = conn.execute(
            select(r.c.state, r.c.close_reason).where(
                r.c.placement_request_id == item["placement_request_id"]
            )
        ).one()
    return row[0], row[1]


def expired(item: dict) -> PlacementRequestExpired:
    return PlacementRequestExpired(
        placement_request_id=item["placement_request_id"],
        patient_id=item["patient_id"],
        therapist_id=item["therapist_id"],
        previous_status="contacted",
        status="expired",
        expired_at=START,
    )


def confirmed(item: dict) -> PlacementConfirmed:
    return PlacementConfirmed(
        patient_id=item["patient_id"],
        therapist_id=item["therapist_id"],
        placement_request_id=item["placement_request_id"],
        confirmed_at=START,
    )


def email_therapist(ctx, handlers, therapist) -> int:
    tid = therapist()
    feed(ctx, handlers, therapist_created(tid), producer="therapist_service")
    return tid


@pytest.mark.parametrize("order", ["cancel_first", "create_first"])
def test_a_cancelled_request_is_never_emailed_whatever_the_order(
    ctx, handlers, catcher, therapist, order
):
    tid = email_therapist(ctx, handlers, therapist)
    item = request_item(tid)
    events = [requests_created(item), cancelled(item)]
    feed(ctx, handlers, *(reversed(events) if order == "cancel_first" else events))
    assert state_of(ctx, item) == ("cancelled", "patient_paused")
    sending.send_emails(ctx, ctx.clock.now())
    assert [e for e in emails_of(ctx, tid) if e["state"] == "sent"] == []
    assert mails(catcher.folder) == []


def test_a_redelivered_creation_after_the_tombstone_does_not_resurrect(ctx, handlers, therapist):
    tid = email_therapist(ctx, handlers, therapist)
    item = request_item(tid)
    created = requests_created(item)
    feed(ctx, handlers, cancelled(item), created, created)
    assert state_of(ctx, item) == ("cancelled", "patient_paused")
    assert emails_of(ctx, tid) == []


def test_an_expiry_before_the_creation_closes_the_request(ctx, handlers, therapist):
    tid = email_therapist(ctx, handlers, therapist)
    item, other = request_item(tid), request_item(tid)
    feed(ctx, handlers, expired(item), requests_created(item, other))
    assert state_of(ctx, item) == ("closed", "expired")
    assert state_of(ctx, other)[0] in ("waiting", "in_email")
    sending.send_emails(ctx, ctx.clock.now())
    [email] = emails_of(ctx, tid)
    assert f"PR-{other['placement_request_id']}" in email["body_text"]
    assert f"PR-{item['placement_request_id']}" not in email["body_text"]


def test_a_placement_before_the_creation_closes_the_accepted_request(ctx, handlers, therapist):
    tid = email_therapist(ctx, handlers, therapist)
    item = request_item(tid)
    feed(ctx, handlers, confirmed(item), requests_created(item))
    assert state_of(ctx, item) == ("closed", "accepted")
    assert [e for e in emails_of(ctx, tid) if e["purpose"] == "outreach"] == []


def test_a_request_cancelled_for_changed_criteria_leaves_the_unsent_email(
    ctx, handlers, catcher, therapist
):
    tid = email_therapist(ctx, handlers, therapist)
    keep, gone = request_item(tid), request_item(tid)
    feed(ctx, handlers, requests_created(keep, gone), cancelled(gone, "criteria_changed"))
    assert state_of(ctx, gone) == ("cancelled", "criteria_changed")
    sending.send_emails(ctx, ctx.clock.now())
    [sent] = [e for e in emails_of(ctx, tid) if e["state"] == "sent"]
    assert f"PR-{keep['placement_request_id']}" in sent["body_text"]
    assert f"PR-{gone['placement_request_id']}" not in sent["body_text"]


def test_a_request_cancelled_for_changed_criteria_leaves_the_scheduled_call(
    ctx, handlers, client, staff, admin, therapist
):
    tid = therapist()
    feed(
        ctx,
        handlers,
        therapist_created(tid, preferred_channel="phone"),
        producer="therapist_service",
    )
    item = request_item(tid)
    feed(ctx, handlers, requests_created(item))
    ran = client.post("/api/jobs/follow-ups/run", json={"as_of": START.isoformat()}, headers=admin)
    assert ran.json["result"]["first_contact"] == {"scheduled": 1}
    feed(ctx, handlers, cancelled(item, "criteria_changed"))
    [call] = client.get(f"/api/phone-calls?therapist_id={tid}", headers=staff).json["items"]
    assert (call["state"], call["patients"]) == ("cancelled", [])
    assert state_of(ctx, item) == ("cancelled", "criteria_changed")
