"""SMTP down → retried with backoff and sent later, never twice; crashes mid-send reconcile."""

from __future__ import annotations

from datetime import timedelta

import pytest
from integration.communication_service.helpers import (
    cancelled,
    emails_of,
    feed,
    mails,
    outbox_types,
    request_item,
    requests_created,
    therapist_created,
)
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from communication_service.models import contact_ledger
from communication_service.services import outreach, sending
from shared.unit_of_work import UnitOfWork

pytestmark = pytest.mark.integration


class MailDirProbe:
    """Test-side only: the local catcher's folder tells whether a Message-ID arrived."""

    def __init__(self, folder) -> None:
        self.folder = folder

    def accepted(self, message_id: str) -> bool:
        return any(message_id in p.read_text(errors="replace") for p in self.folder.glob("*.eml"))


def one_queued_email(ctx, handlers, therapist) -> int:
    tid = therapist()
    feed(ctx, handlers, therapist_created(tid), producer="therapist_service")
    feed(ctx, handlers, requests_created(request_item(tid)))
    return tid


def test_smtp_down_is_retried_with_backoff_and_sent_once_later(
    ctx, handlers, catcher, therapist, clock
):
    tid = one_queued_email(ctx, handlers, therapist)
    catcher.stop()
    assert sending.send_emails(ctx, clock.now())["delivered"] == {"queued": 1}
    [email] = emails_of(ctx, tid)
    assert email["attempts"] == 1 and email["last_error"] == "smtp_unavailable"
    assert email["next_attempt_at"] == clock.now() + timedelta(seconds=60)
    catcher.start()
    clock.advance(seconds=30)
    assert sending.send_emails(ctx, clock.now())["delivered"] == {}
    clock.advance(seconds=30)
    assert sending.send_emails(ctx, clock.now())["delivered"] == {"sent": 1}
    clock.advance(days=1)
    sending.send_emails(ctx, clock.now())
    [email] = emails_of(ctx, tid)
    assert email["state"] == "sent" and email["attempts"] == 2
    assert [m["Message-ID"].strip() for m in mails(catcher.folder)] == [email["message_id"]]


def test_after_five_failures_the_email_fails_visibly_and_staff_can_retry(
    ctx, handlers, catcher, therapist, clock, client, staff
):
    tid = one_queued_email(ctx, handlers, therapist)
    catcher.stop()
    for _ in range(5):
        sending.send_emails(ctx, clock.now())
        clock.advance(hours=2)
    [email] = emails_of(ctx, tid)
    assert (email["state"], email["attempts"]) == ("failed", 5)
    assert "communication.email_failed" in outbox_types(ctx)
    listed = client.get(f"/api/emails?status=failed&therapist_id={tid}", headers=staff).json
    assert [e["id"] for e in listed["items"]] == [email["id"]]
    catcher.start()
    retried = client.post(f"/api/emails/{email['id']}/retry", headers=staff)
    # adapted (issue 16 item 5): a retried outreach is composed again from its open requests
    assert retried.status_code == 200 and retried.json["state"] == "draft"
    assert client.post(f"/api/emails/{email['id']}/retry", headers=staff).status_code == 409
    sending.send_emails(ctx, clock.now())
    assert len(mails(catcher.folder)) == 1 and emails_of(ctx, tid)[0]["state"] == "sent"


def failed_for_good(ctx, handlers, catcher, therapist, clock, **fields) -> tuple[int, list[dict]]:
    tid = therapist()
    feed(ctx, handlers, therapist_created(tid, **fields), producer="therapist_service")
    items = [request_item(tid), request_item(tid)]
    feed(ctx, handlers, requests_created(*items))
    catcher.stop()
    for _ in range(5):
        sending.send_emails(ctx, clock.now())
        clock.advance(hours=2)
    catcher.start()
    assert emails_of(ctx, tid)[0]["state"] == "failed"
    return tid, items


def states(ctx, items) -> list[str]:
    """The requests' states, in the order of `items`."""
    with ctx.unit_of_work() as uow:
        rows = uow.requests.by_id([item["placement_request_id"] for item in items])
        found = {row["placement_request_id"]: row["state"] for row in rows}
    return [found[item["placement_request_id"]] for item in items]


def test_a_failed_outreach_moves_its_requests_to_the_phone_path_and_staff_see_it(
    ctx, handlers, catcher, therapist, clock
):
    """Fails before issue 16 item 5: the requests stayed `in_email` for good."""
    tid, items = failed_for_good(ctx, handlers, catcher, therapist, clock)
    assert states(ctx, items) == ["phone_pending", "phone_pending"]
    with ctx.unit_of_work() as uow:
        listed, _ = uow.attention.open_page(0, 100, reason="email_failed")
    assert tid in [item["therapist_id"] for item in listed]


def test_without_a_phone_number_a_failed_outreach_releases_its_requests_for_matching(
    ctx, handlers, catcher, therapist, clock
):
    """Fails before issue 16 item 5: nothing released the requests, matching kept them."""
    from shared.events.communication import EmailFailed

    tid, items = failed_for_good(ctx, handlers, catcher, therapist, clock, has_phone=False)
    assert states(ctx, items) == ["cancelled", "cancelled"]
    with ctx.engine.connect() as conn:
        from sqlalchemy import text

        payloads = conn.execute(
            text(
                "SELECT envelope FROM communication_service.outbox "
                "WHERE event_type = :t ORDER BY id DESC"
            ),
            {"t": EmailFailed.event_type},
        ).scalars()
        released = [p.get("payload", p).get("released_request_ids") for p in payloads]
    wanted = sorted(item["placement_request_id"] for item in items)
    assert any(sorted(ids or []) == wanted for ids in released)


def test_a_retry_names_only_the_requests_still_open_and_with_none_left_is_cancelled(
    ctx, handlers, catcher, therapist, clock, client, staff
):
    """Fails before issue 16 item 5: the retry re-sent the old body, naming everybody."""
    tid, items = failed_for_good(ctx, handlers, catcher, therapist, clock)
    feed(ctx, handlers, cancelled(items[0], reason="patient_placed"))
    [email] = emails_of(ctx, tid)
    retried = client.post(f"/api/emails/{email['id']}/retry", headers=staff)
    assert retried.status_code == 200 and retried.json["state"] == "draft"
    assert states(ctx, items) == ["cancelled", "in_email"]
    sending.send_emails(ctx, clock.now())
    [sent] = emails_of(ctx, tid)
    assert sent["state"] == "sent" and sent["template"] == "therapist_single_inquiry"
    feed(ctx, handlers, cancelled(items[1]))
    catcher.stop()
    tid2, others = failed_for_good(ctx, handlers, catcher, therapist, clock)
    for item in others:
        feed(ctx, handlers, cancelled(item))
    [email] = emails_of(ctx, tid2)
    assert client.post(f"/api/emails/{email['id']}/retry", headers=staff).json["state"] == (
        "cancelled"
    )


def crash_after_smtp(ctx, clock, monkeypatch) -> None:
    """Deliver, then die before the `sent` commit (the e-mail stays `sending`)."""

    def crash(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(sending, "mark_sent", crash)
    with pytest.raises(SystemExit):
        sending.send_emails(ctx, clock.now())
    monkeypatch.undo()


def test_crash_between_smtp_and_commit_never_sends_a_second_copy(
    ctx, handlers, catcher, therapist, clock, monkeypatch
):
    tid = one_queued_email(ctx, handlers, therapist)
    crash_after_smtp(ctx, clock, monkeypatch)
    assert emails_of(ctx, tid)[0]["state"] == "sending"
    sending.send_emails(ctx, clock.now())
    assert emails_of(ctx, tid)[0]["state"] == "sending"  # not yet stale: left alone
    clock.advance(minutes=11)
    result = sending.send_emails(ctx, clock.now())
    assert result["reconciled"] == {"sent_unconfirmed": 1}
    [email] = emails_of(ctx, tid)
    assert email["state"] == "sent" and email["delivery_confirmed"] is False
    assert len(mails(catcher.folder)) == 1
    assert outbox_types(ctx).count("communication.email_sent") == 1


def test_a_probe_that_sees_the_message_id_confirms_it(
    ctx, handlers, catcher, therapist, clock, monkeypatch
):
    tid = one_queued_email(ctx, handlers, therapist)
    crash_after_smtp(ctx, clock, monkeypatch)
    ctx.probe = MailDirProbe(catcher.folder)
    clock.advance(minutes=11)
    assert sending.send_emails(ctx, clock.now())["reconciled"] == {"sent_confirmed": 1}
    assert emails_of(ctx, tid)[0]["delivery_confirmed"] is True
    assert len(mails(catcher.folder)) == 1


def test_the_database_refuses_a_second_outreach_window_within_seven_days(
    ctx, handlers, therapist, clock
):
    tid = one_queued_email(ctx, handlers, therapist)
    row = {"therapist_id": tid, "channel": "email", "kind": "outreach", "created_at": clock.now()}
    for start, refused in (
        (clock.now() + timedelta(days=6), True),
        (clock.now() + timedelta(days=7), False),
    ):
        with UnitOfWork(ctx.session_factory) as uow:
            statement = insert(contact_ledger).values(
                **row, blocks_from=start, blocks_until=start + timedelta(days=7)
            )
            if refused:
                with pytest.raises(IntegrityError):
                    uow.session.execute(statement)
            else:
                uow.session.execute(statement)


def outreach_windows(ctx, therapist_id: int) -> list[tuple]:
    with UnitOfWork(ctx.session_factory) as uow:
        rows = uow.session.execute(
            select(contact_ledger.c.blocks_from, contact_ledger.c.blocks_until)
            .where(
                contact_ledger.c.therapist_id == therapist_id,
                contact_ledger.c.kind == "outreach",
                contact_ledger.c.voided_at.is_(None),
            )
            .order_by(contact_ledger.c.blocks_from)
        )
        return [tuple(row) for row in rows]


def test_an_outreach_sent_a_day_after_its_draft_keeps_the_next_one_seven_days_after_the_send(
    ctx, handlers, catcher, therapist, clock
):
    """Found by the simulation: a draft created after the morning's send-emails runs went out
    the next day; its window still began at the draft, so the next e-mail came 6 days later."""
    drafted = clock.now()
    tid = one_queued_email(ctx, handlers, therapist)
    clock.advance(days=1)
    sent = clock.now()
    assert sending.send_emails(ctx, sent)["delivered"] == {"sent": 1}
    assert outreach_windows(ctx, tid) == [(sent, sent + timedelta(days=7))]
    clock.advance(days=6)  # 7 days after the draft, 6 after the send
    feed(ctx, handlers, requests_created(request_item(tid)))
    sending.send_emails(ctx, clock.now())
    assert len(emails_of(ctx, tid)) == 1 and drafted + timedelta(days=7) == clock.now()
    clock.advance(days=1)  # 7 days after the send
    outreach.run_outreach(ctx, clock.now())
    sending.send_emails(ctx, clock.now())
    first, second = emails_of(ctx, tid)
    assert second["sent_at"] - first["sent_at"] == timedelta(days=7)


def test_a_late_send_whose_moved_window_would_meet_another_keeps_its_reserved_one(
    ctx, handlers, catcher, therapist, clock
):
    drafted = clock.now()
    tid = one_queued_email(ctx, handlers, therapist)
    later = drafted + timedelta(days=7)
    with UnitOfWork(ctx.session_factory) as uow:  # another live window right after this one
        uow.session.execute(
            insert(contact_ledger).values(
                therapist_id=tid,
                channel="email",
                kind="outreach",
                created_at=drafted,
                blocks_from=later,
                blocks_until=later + timedelta(days=7),
            )
        )
        uow.commit()
    clock.advance(days=1)
    assert sending.send_emails(ctx, clock.now())["delivered"] == {"sent": 1}
    assert outreach_windows(ctx, tid)[0] == (drafted, later)
    [email] = emails_of(ctx, tid)
    assert email["state"] == "sent" and len(mails(catcher.folder)) == 1
