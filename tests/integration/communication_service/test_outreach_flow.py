"""Requests created by matching become exactly one German, pseudonymous e-mail per therapist."""

from __future__ import annotations

from datetime import timedelta

import pytest
from integration.communication_service.helpers import (
    PATIENT_NAMES,
    cancelled,
    emails_of,
    feed,
    mails,
    outbox_types,
    parts,
    request_item,
    requests_created,
    therapist_created,
)

from communication_service.services import outreach, sending

pytestmark = pytest.mark.integration


def test_requests_become_exactly_one_email_per_therapist(ctx, handlers, catcher, therapist):
    first, second = therapist(), therapist()
    feed(
        ctx,
        handlers,
        therapist_created(first),
        therapist_created(second),
        producer="therapist_service",
    )
    items = [request_item(first, waited_days=30 - i) for i in range(6)] + [request_item(second)]
    feed(ctx, handlers, requests_created(*items))
    result = sending.send_emails(ctx, ctx.clock.now())
    assert result["delivered"] == {"sent": 2}
    messages = mails(catcher.folder)
    assert sorted(m["To"] for m in messages) == sorted(
        f"praxis-{t}@testfeld.example" for t in (first, second)
    )
    batch = next(m for m in messages if str(first) in m["To"])
    text, html = parts(batch)
    assert batch["Subject"] == "Sammelanfrage: Therapieplätze für 5 Personen"
    for part in (text, html):
        assert "Sehr geehrte Frau Dr. Testfeld" in part
        assert "Depressive Beschwerden, Ängste" in part and "gesetzlich versichert" in part
        assert "Montag 09:00–12:00 Uhr" in part and "ca. 4,2 km" in part
        assert [f"PR-{i['placement_request_id']}" in part for i in items[:6]] == [True] * 5 + [
            False
        ]
        for secret in PATIENT_NAMES:
            assert secret not in part
    assert outbox_types(ctx).count("communication.email_sent") == 2
    assert outbox_types(ctx).count("communication.email_queued") == 2


def test_sixth_request_goes_out_a_week_later(ctx, handlers, catcher, therapist, clock):
    tid = therapist()
    feed(ctx, handlers, therapist_created(tid), producer="therapist_service")
    items = [request_item(tid, waited_days=30 - i) for i in range(6)]
    feed(ctx, handlers, requests_created(*items))
    sending.send_emails(ctx, clock.now())
    clock.advance(days=6, hours=23)
    assert outreach.run_outreach(ctx, clock.now()).get("new_email") is None
    clock.set(clock.now() + timedelta(hours=1))
    assert outreach.run_outreach(ctx, clock.now())["new_email"] == 1
    sending.send_emails(ctx, clock.now())
    sent = [e for e in emails_of(ctx, tid) if e["state"] == "sent"]
    assert [e["template"] for e in sent] == ["therapist_batch_inquiry", "therapist_single_inquiry"]
    assert f"PR-{items[5]['placement_request_id']}" in sent[1]["body_text"]
    assert len(mails(catcher.folder)) == 2


def test_cancelled_request_leaves_the_unsent_email_and_an_empty_one_is_not_sent(
    ctx, handlers, catcher, therapist
):
    one, two = therapist(), therapist()
    feed(
        ctx, handlers, therapist_created(one), therapist_created(two), producer="therapist_service"
    )
    a, b, c = request_item(one), request_item(one), request_item(two)
    feed(ctx, handlers, requests_created(a, b, c))
    feed(ctx, handlers, cancelled(a), cancelled(c))
    sending.send_emails(ctx, ctx.clock.now())
    [kept] = emails_of(ctx, one)
    assert kept["state"] == "sent" and kept["template"] == "therapist_single_inquiry"
    assert f"PR-{b['placement_request_id']}" in kept["body_text"]
    assert f"PR-{a['placement_request_id']}" not in kept["body_text"]
    [empty] = emails_of(ctx, two)
    assert empty["state"] == "cancelled"
    assert len(mails(catcher.folder)) == 1


def test_therapist_preferring_phone_or_without_address_gets_no_email(ctx, handlers, therapist):
    phone, no_mail = therapist(), therapist(email=False)
    feed(
        ctx,
        handlers,
        therapist_created(phone, preferred_channel="phone"),
        therapist_created(no_mail, has_email=False),
        producer="therapist_service",
    )
    feed(ctx, handlers, requests_created(request_item(phone), request_item(no_mail)))
    assert emails_of(ctx, phone) == [] and emails_of(ctx, no_mail) == []


def test_late_acceptance_gets_the_place_taken_email(ctx, handlers, catcher, therapist):
    tid = therapist()
    feed(ctx, handlers, therapist_created(tid), producer="therapist_service")
    item = request_item(tid)
    feed(ctx, handlers, requests_created(item))
    sending.send_emails(ctx, ctx.clock.now())
    feed(ctx, handlers, cancelled(item, reason="placed_elsewhere"))
    sending.send_emails(ctx, ctx.clock.now())
    latest = emails_of(ctx, tid)[-1]
    assert latest["template"] == "therapist_place_taken" and latest["state"] == "sent"
    assert f"PR-{item['placement_request_id']}" in latest["subject"]
