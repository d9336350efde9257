"""Outreach planner, fake clock: 7-day rule, batches of five, priority, cooling, cancelling."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from communication_service.domain.emails import EmailState, remove_requests
from communication_service.domain.outreach import (
    Action,
    OutreachRules,
    TherapistContact,
    WaitingRequest,
    cooling_ends_at,
    plan_outreach,
)
from shared.clock import FakeClock

RULES = OutreachRules()
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def request(
    rid: int,
    therapist: int = 7,
    urgent: bool = False,
    waited_days: int = 10,
    patient: int | None = None,
) -> WaitingRequest:
    return WaitingRequest(
        rid, patient or rid + 1000, therapist, urgent, START - timedelta(days=waited_days), START
    )


@dataclass
class FakeOutbox:
    """An in-memory stand-in for the ledger: what the planner would have sent, and when."""

    clock: FakeClock
    contacts: dict[int, TherapistContact] = field(default_factory=dict)
    waiting: list[WaitingRequest] = field(default_factory=list)
    sent: list[tuple[datetime, int, tuple[int, ...]]] = field(default_factory=list)

    def run(self) -> list:
        now = self.clock.now()
        decisions = plan_outreach(self.waiting, self.contacts, now, RULES)
        for d in decisions:
            if d.action is Action.NEW_EMAIL:
                self.sent.append((now, d.therapist_id, d.request_ids))
                contact = self.contacts.get(d.therapist_id, TherapistContact(d.therapist_id))
                self.contacts[d.therapist_id] = replace(contact, last_outreach_at=now)
                self.waiting = [
                    w for w in self.waiting if w.placement_request_id not in d.request_ids
                ]
        return decisions


def outbox(*requests: WaitingRequest, **contact) -> FakeOutbox:
    box = FakeOutbox(FakeClock(START), {7: TherapistContact(7, **contact)})
    box.waiting.extend(requests)
    return box


def test_second_email_within_seven_days_waits_and_goes_out_on_day_seven():
    box = outbox(request(1))
    box.run()
    box.waiting.append(request(2))
    for day in range(1, 7):
        box.clock.set(START + timedelta(days=day))
        decision = box.run()[0]
        assert decision.action is Action.WAIT
        assert decision.next_allowed_at == START + timedelta(days=7)
    box.clock.set(START + timedelta(days=7) - timedelta(seconds=1))
    assert box.run()[0].action is Action.WAIT
    box.clock.set(START + timedelta(days=7))
    box.run()
    assert [s[2] for s in box.sent] == [(1,), (2,)]
    assert box.sent[1][0] == START + timedelta(days=7)


def test_six_requests_make_one_email_with_five_and_the_sixth_a_week_later():
    box = outbox(*[request(i, waited_days=20 - i) for i in range(1, 7)])
    first = box.run()[0]
    assert first.request_ids == (1, 2, 3, 4, 5)
    assert first.waiting_ids == (6,)
    assert first.next_allowed_at == START + timedelta(days=7)
    box.clock.advance(days=3)
    assert box.run()[0].action is Action.WAIT
    box.clock.set(START + timedelta(days=7))
    assert box.run()[0].request_ids == (6,)
    assert len(box.sent) == 2 and box.waiting == []


def test_urgent_patients_come_first_then_the_longest_waiting():
    box = outbox(
        request(1, waited_days=30),
        request(2, urgent=True, waited_days=1),
        request(3, waited_days=60),
        request(4, urgent=True, waited_days=5),
        request(5, waited_days=2),
        request(6, waited_days=3),
    )
    decision = box.run()[0]
    assert decision.request_ids == (4, 2, 3, 1, 6)
    assert decision.waiting_ids == (5,)


def test_cooling_blocks_all_outreach_for_28_days_and_ends_exactly_then():
    answered = START
    ends = cooling_ends_at(answered, RULES)
    assert ends == START + timedelta(days=28)
    box = outbox(request(1), cooling_until=ends)
    for day in (0, 1, 7, 14, 27):
        box.clock.set(START + timedelta(days=day))
        decision = box.run()[0]
        assert decision.action is Action.HOLD and decision.reason == "cooling"
        assert decision.next_allowed_at == ends
    box.clock.set(ends - timedelta(microseconds=1))
    assert box.run()[0].action is Action.HOLD
    box.clock.set(ends)
    assert box.run()[0].action is Action.NEW_EMAIL


def test_cooling_blocks_phone_outreach_too():
    box = outbox(request(1), cooling_until=START + timedelta(days=28), has_email=False)
    assert box.run()[0].action is Action.HOLD


def test_cancelled_request_disappears_from_an_unsent_email():
    result = remove_requests([1, 2, 3], [2], EmailState.DRAFT)
    assert result.remaining == (1, 3) and result.rerender and not result.cancel_email
    queued = remove_requests([1, 2], [2], EmailState.QUEUED)
    assert queued.remaining == (1,) and queued.rerender


def test_an_email_left_empty_is_cancelled_not_sent():
    result = remove_requests([4], [4], EmailState.QUEUED)
    assert result.cancel_email and result.remaining == ()


def test_a_sent_email_never_changes():
    assert remove_requests([1, 2], [1], EmailState.SENT) is None
    assert remove_requests([1, 2], [1], EmailState.SENDING) is None


def test_therapist_without_address_or_preferring_phone_gets_a_call():
    no_address = plan_outreach(
        [request(1)], {7: TherapistContact(7, has_email=False)}, START, RULES
    )[0]
    prefers = plan_outreach(
        [request(1)], {7: TherapistContact(7, prefers_phone=True)}, START, RULES
    )[0]
    assert (no_address.action, no_address.reason) == (Action.PHONE, "no_email_address")
    assert (prefers.action, prefers.reason) == (Action.PHONE, "prefers_phone")
    assert prefers.request_ids == (1,)


def test_opted_out_inactive_and_unknown_therapists_are_held():
    reasons = {
        "opted_out": TherapistContact(7, opted_out=True),
        "therapist_not_active": TherapistContact(7, active=False),
        "therapist_unknown": TherapistContact(7, known=False),
    }
    for reason, contact in reasons.items():
        decision = plan_outreach([request(1)], {7: contact}, START, RULES)[0]
        assert (decision.action, decision.reason) == (Action.HOLD, reason)
        assert decision.waiting_ids == (1,)
    missing = plan_outreach([request(1)], {}, START, RULES)[0]
    assert missing.reason == "therapist_unknown"


def test_new_requests_join_an_open_draft_up_to_five():
    contact = TherapistContact(7, open_draft_id=99, open_draft_size=3, last_outreach_at=START)
    decision = plan_outreach([request(i) for i in (1, 2, 3)], {7: contact}, START, RULES)[0]
    assert decision.action is Action.JOIN_DRAFT and decision.draft_id == 99
    assert decision.request_ids == (1, 2) and decision.waiting_ids == (3,)


def test_a_full_draft_leaves_the_requests_waiting():
    contact = TherapistContact(7, open_draft_id=99, open_draft_size=5)
    decision = plan_outreach([request(1)], {7: contact}, START, RULES)[0]
    assert decision.action is Action.WAIT and decision.waiting_ids == (1,)


def test_an_email_in_flight_blocks_a_second_one():
    contact = TherapistContact(7, unsent_outreach=True)
    decision = plan_outreach([request(1)], {7: contact}, START, RULES)[0]
    assert (decision.action, decision.reason) == (Action.WAIT, "email_in_flight")


def test_therapists_are_planned_independently():
    decisions = plan_outreach(
        [request(1, therapist=8), request(2, therapist=7)],
        {7: TherapistContact(7), 8: TherapistContact(8)},
        START,
        RULES,
    )
    assert [(d.therapist_id, d.request_ids) for d in decisions] == [(7, (2,)), (8, (1,))]


def test_rules_come_from_configuration():
    rules = OutreachRules(min_days_between_emails=3, max_patients_per_email=2)
    contact = TherapistContact(7, last_outreach_at=START - timedelta(days=3))
    decision = plan_outreach([request(i) for i in (1, 2, 3)], {7: contact}, START, rules)[0]
    assert decision.request_ids == (1, 2) and decision.waiting_ids == (3,)


def test_a_therapist_who_prefers_phone_but_has_no_number_gets_the_email():
    """Fails before issue 16 item 8: calls were booked for a therapist without a number."""
    from communication_service.domain.outreach import Action, TherapistContact, uses_phone

    assert not uses_phone(TherapistContact(7, prefers_phone=True, has_phone=False))
    assert uses_phone(TherapistContact(7, prefers_phone=True, has_phone=True))
    assert uses_phone(TherapistContact(7, has_email=False, has_phone=False))
    assert Action.PHONE.value == "phone"
