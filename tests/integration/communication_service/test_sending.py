"""SMTP down → retried with backoff and sent later, never twice; crashes mid-send reconcile."""

from __future__ import annotations

from datetime import timedelta

import pytest
from integration.communication_service.helpers import (
    emails_of,
    feed,
    mails,
    outbox_types,
    request_item,
    requests_created,
    therapist_created,
)
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from communication_service.models import contact_ledger
from communication_service.services import sending
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
    assert retried.status_code == 200 and retried.json["state"] == "queued"
    assert client.post(f"/api/emails/{email['id']}/retry", headers=staff).status_code == 409
    sending.send_emails(ctx, clock.now())
    assert len(mails(catcher.folder)) == 1 and emails_of(ctx, tid)[0]["state"] == "sent"


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
