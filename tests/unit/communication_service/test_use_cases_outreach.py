"""Outreach planning on in-memory fakes: new e-mails, the 7-day window, drafts, phone, holds."""

from __future__ import annotations

from datetime import timedelta

from unit.communication_service.fakes import (
    START,
    FakeCommunicationUnitOfWork,
    FakeContext,
)

from communication_service.config import Settings
from communication_service.domain.outreach import Action, OutreachRules
from communication_service.domain.requests import RequestState
from communication_service.services.call_jobs import first_contact
from communication_service.services.outreach import plan_therapist, run_outreach
from communication_service.services.therapists import lift_cooling

RULES = OutreachRules()
THERAPIST = 7


def therapist_with_waiting(count: int, **fields) -> FakeCommunicationUnitOfWork:
    uow = FakeCommunicationUnitOfWork()
    uow.add_therapist(THERAPIST, **fields)
    for n in range(count):
        uow.add_request(100 + n, THERAPIST, waited_days=10 + n)
    return uow


def outreach_rows(uow: FakeCommunicationUnitOfWork) -> list[dict]:
    return [row for row in uow.tables.ledger if row["kind"] == "outreach" and not row["voided_at"]]


def test_waiting_requests_go_out_in_one_new_email_with_its_seven_day_window():
    uow = therapist_with_waiting(2)
    decision = plan_therapist(uow, THERAPIST, START, RULES)
    assert decision.action is Action.NEW_EMAIL
    [email] = uow.tables.emails.values()
    assert (email["purpose"], email["template"]) == ("outreach", "therapist_batch_inquiry")
    assert sorted(uow.emails.carried_ids(email["id"])) == [100, 101]
    assert uow.requests_in(RequestState.IN_EMAIL) == [100, 101]
    [window] = outreach_rows(uow)
    assert (window["blocks_from"], window["blocks_until"]) == (START, START + timedelta(days=7))


def test_at_most_five_patients_per_email_the_longest_waiting_first_and_urgent_before_all():
    uow = therapist_with_waiting(7)
    uow.add_request(200, THERAPIST, urgent=True, waited_days=1)
    decision = plan_therapist(uow, THERAPIST, START, RULES)
    [email] = uow.tables.emails.values()
    assert uow.emails.carried_ids(email["id"]) == [200, 106, 105, 104, 103]
    assert decision.waiting_ids == (102, 101, 100)
    assert uow.requests_in(RequestState.WAITING) == [100, 101, 102]
    assert decision.next_allowed_at == START + timedelta(days=7)


def test_a_new_request_joins_the_open_draft_which_becomes_a_batch_inquiry():
    uow = therapist_with_waiting(1)
    plan_therapist(uow, THERAPIST, START, RULES)
    [email] = uow.tables.emails.values()
    assert email["template"] == "therapist_single_inquiry"
    uow.add_request(300, THERAPIST)
    later = START + timedelta(hours=1)
    decision = plan_therapist(uow, THERAPIST, later, RULES)
    assert (decision.action, decision.draft_id) == (Action.JOIN_DRAFT, email["id"])
    assert uow.emails.carried_ids(email["id"]) == [100, 300]
    assert uow.tables.emails[email["id"]]["template"] == "therapist_batch_inquiry"
    assert len(uow.tables.emails) == 1 and len(outreach_rows(uow)) == 1


def test_within_seven_days_of_a_sent_email_new_requests_wait_then_go_out():
    ctx = FakeContext()
    ctx.uow.add_therapist(THERAPIST)
    ctx.uow.add_request(100, THERAPIST)
    ctx.uow.add_sent_email(THERAPIST, [100], START)
    ctx.uow.add_request(101, THERAPIST)
    ctx.clock.advance(days=6, hours=23)
    decision = plan_therapist(ctx.uow, THERAPIST, ctx.clock.now(), RULES)
    assert (decision.action, decision.reason) == (Action.WAIT, "min_days_between_emails")
    assert decision.next_allowed_at == START + timedelta(days=7)
    ctx.clock.advance(hours=1)
    assert plan_therapist(ctx.uow, THERAPIST, ctx.clock.now(), RULES).action is Action.NEW_EMAIL
    assert ctx.uow.requests_in(RequestState.IN_EMAIL) == [100, 101]


def test_a_queued_email_takes_no_more_requests():
    uow = therapist_with_waiting(1)
    plan_therapist(uow, THERAPIST, START, RULES)
    [email] = uow.tables.emails.values()
    email["state"] = "queued"
    uow.add_request(300, THERAPIST)
    decision = plan_therapist(uow, THERAPIST, START, RULES)
    assert (decision.action, decision.reason) == (Action.WAIT, "email_in_flight")
    assert uow.requests_in(RequestState.WAITING) == [300]


def test_a_therapist_who_prefers_the_phone_gets_phone_pending_requests_and_no_email():
    uow = therapist_with_waiting(2, preferred_channel="phone")
    decision = plan_therapist(uow, THERAPIST, START, RULES)
    assert (decision.action, decision.reason) == (Action.PHONE, "prefers_phone")
    assert uow.requests_in(RequestState.PHONE_PENDING) == [100, 101]
    assert uow.tables.emails == {} and outreach_rows(uow) == []


def test_cooling_holds_every_request_until_it_ends():
    uow = therapist_with_waiting(1)
    uow.cooling.store(THERAPIST, 900, START - timedelta(days=1), START + timedelta(days=27))
    decision = plan_therapist(uow, THERAPIST, START, RULES)
    assert (decision.action, decision.reason) == (Action.HOLD, "cooling")
    assert decision.next_allowed_at == START + timedelta(days=27)
    assert uow.requests_in(RequestState.WAITING) == [100] and uow.tables.emails == {}


def test_a_cooling_period_lifted_by_staff_lets_the_waiting_requests_go_out():
    """Issue 16 item 9: matching.therapist_cooling_lifted had no consumer, the period kept
    holding every request until it ended (this test failed: no lift_cooling use case)."""
    uow = therapist_with_waiting(1)
    uow.cooling.store(THERAPIST, 900, START - timedelta(days=1), START + timedelta(days=27))
    clock = FakeContext().clock
    assert lift_cooling(uow, clock, RULES, THERAPIST, START, "staff-anna")
    assert uow.cooling.until(THERAPIST, START) is None
    assert uow.tables.cooling[0]["lifted_by"] == "staff-anna"
    assert uow.requests_in(RequestState.WAITING) == [] and len(uow.tables.emails) == 1
    assert lift_cooling(uow, clock, RULES, THERAPIST, START, "staff-anna") == {}


def test_an_unknown_therapist_is_held_and_nothing_is_written():
    uow = FakeCommunicationUnitOfWork()
    uow.add_request(100, THERAPIST)
    decision = plan_therapist(uow, THERAPIST, START, RULES)
    assert (decision.action, decision.reason) == (Action.HOLD, "therapist_unknown")
    assert uow.tables.emails == {} and uow.tables.ledger == []


def test_a_window_refused_by_the_database_rolls_the_draft_back_and_the_requests_wait():
    uow = therapist_with_waiting(2)
    uow.ledger.refuse_next = "tr_contact_ledger_blocked"
    decision = plan_therapist(uow, THERAPIST, START, RULES)
    assert (decision.action, decision.reason) == (Action.WAIT, "ledger_refused")
    assert uow.tables.emails == {} and uow.tables.email_requests == []
    assert uow.requests_in(RequestState.WAITING) == [100, 101]


def test_per_practice_a_colleague_s_email_blocks_the_practice_for_seven_days():
    rules = OutreachRules(per_practice=True)
    uow = FakeCommunicationUnitOfWork()
    uow.add_therapist(1, practice_id=50)
    uow.add_therapist(2, practice_id=50)
    uow.add_request(100, 1)
    uow.add_request(200, 2)
    assert plan_therapist(uow, 1, START, rules).action is Action.NEW_EMAIL
    two_days_later = START + timedelta(days=2)
    decision = plan_therapist(uow, 2, two_days_later, rules)
    assert (decision.action, decision.reason) == (Action.WAIT, "min_days_between_emails")
    per_therapist = OutreachRules(per_practice=False)
    assert plan_therapist(uow, 2, two_days_later, per_therapist).action is Action.NEW_EMAIL


def test_the_per_practice_limit_is_on_by_default_and_follows_a_practice_merge():
    """Issue 16 item 9: the per-practice 7-day limit was off by default, and after a merge the
    colleague's e-mail, kept under the merged-away practice id, no longer blocked (this failed)."""
    assert OutreachRules().per_practice
    assert Settings.model_fields["limit_outreach_per_practice"].default is True
    uow = FakeCommunicationUnitOfWork()
    uow.add_therapist(1, practice_id=50)
    uow.add_therapist(2, practice_id=60)
    uow.add_request(100, 1)
    uow.add_request(200, 2)
    assert plan_therapist(uow, 2, START, RULES).action is Action.NEW_EMAIL
    uow.tables.therapists[2]["practice_id"] = 50  # therapist.updated after the merge 60 → 50
    decision = plan_therapist(uow, 1, START + timedelta(days=2), RULES)
    assert (decision.action, decision.reason) == (Action.WAIT, "min_days_between_emails")


def test_per_practice_a_colleague_s_first_contact_call_blocks_the_practice_for_seven_days():
    """Failed before the phone path kept the e-mail limits (issue 16, item 8): the ledger
    counted e-mails only, so a colleague's call never held back the practice's next outreach,
    and a colleague's e-mail never held back a phone-preferring therapist's first call."""
    rules = OutreachRules(per_practice=True)
    ctx = FakeContext()
    uow = ctx.uow
    uow.add_therapist(1, practice_id=50, preferred_channel="phone")
    uow.add_therapist(2, practice_id=50)
    uow.add_therapist(3, practice_id=50, preferred_channel="phone")
    uow.add_request(100, 1)
    assert plan_therapist(uow, 1, START, rules).action is Action.PHONE
    assert first_contact(uow, 1, START, ctx.call_rules, ctx.default_window) == "scheduled"
    [call] = uow.tables.calls.values()
    two_days_later = START + timedelta(days=2)
    uow.add_request(200, 2)
    decision = plan_therapist(uow, 2, two_days_later, rules)
    assert (decision.action, decision.reason) == (Action.WAIT, "min_days_between_emails")
    assert decision.next_allowed_at == call["slot_start"] + timedelta(days=7)
    uow.add_request(300, 3)
    assert plan_therapist(uow, 3, two_days_later, rules).action is Action.WAIT
    assert plan_therapist(uow, 2, call["slot_start"] + timedelta(days=7), rules).action is (
        Action.NEW_EMAIL
    )
    assert plan_therapist(uow, 3, two_days_later + timedelta(days=7), rules).action is Action.WAIT


def test_a_phone_therapist_s_requests_go_by_five_and_the_rest_wait():
    """Failed before (issue 16, item 8): every waiting request went phone-pending at once."""
    uow = therapist_with_waiting(7, preferred_channel="phone")
    decision = plan_therapist(uow, THERAPIST, START, RULES)
    assert (decision.action, len(decision.request_ids)) == (Action.PHONE, 5)
    assert decision.waiting_ids == (101, 100)  # the longest waiting go first
    assert decision.next_allowed_at == START + timedelta(days=7)
    assert uow.requests_in(RequestState.PHONE_PENDING) == [102, 103, 104, 105, 106]
    again = plan_therapist(uow, THERAPIST, START, RULES)
    assert (again.action, again.reason) == (Action.WAIT, "call_full")
    assert uow.requests_in(RequestState.WAITING) == [100, 101]


def test_the_outreach_job_plans_each_therapist_in_its_own_transaction():
    ctx = FakeContext()
    for therapist_id in (1, 2, 3):
        ctx.uow.add_therapist(
            therapist_id, preferred_channel="phone" if therapist_id == 3 else "email"
        )
        ctx.uow.add_request(therapist_id * 100, therapist_id)
    counts = run_outreach(ctx, ctx.clock.now())
    assert counts == {"therapists": 3, "new_email": 2, "phone": 1}
    assert ctx.uow.commits == 3
    assert run_outreach(ctx, ctx.clock.now()) == {"therapists": 0}


def test_the_outreach_job_holds_cooling_therapists_without_planning_them():
    ctx = FakeContext()
    now = ctx.clock.now()
    for therapist_id in (1, 2):
        ctx.uow.add_therapist(therapist_id)
        ctx.uow.add_request(therapist_id * 100, therapist_id)
    ctx.uow.cooling.store(2, 9, now - timedelta(days=1), now + timedelta(weeks=4))
    assert run_outreach(ctx, now) == {"therapists": 2, "hold": 1, "new_email": 1}
    assert ctx.uow.commits == 1  # therapist 1 only
    assert ctx.uow.requests_in(RequestState.WAITING) == [200]
    after = now + timedelta(weeks=4)  # the period has ended: planned as any other
    assert run_outreach(ctx, after) == {"therapists": 1, "new_email": 1}
    assert ctx.uow.requests_in(RequestState.WAITING) == []
