"""Recording answers on in-memory fakes: outcomes, cooling, what cooling calls back, refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from unit.communication_service.fakes import START, FakeContext

from communication_service.domain.calls import CallPurpose
from communication_service.domain.errors import AlreadyAnswered, NotContacted
from communication_service.domain.follow_ups import CallAction, CallPlan
from communication_service.domain.outreach import OutreachRules
from communication_service.domain.requests import RequestState
from communication_service.domain.responses import ResponseInput
from communication_service.services.outreach import plan_therapist
from communication_service.services.responses import record_response
from shared.events.communication import TherapistResponseRecorded
from shared.vocabulary import CoolingAfter

THERAPIST = 7


def answered_context() -> FakeContext:
    """A therapist whose outreach e-mail about requests 100 and 101 went out at START."""
    ctx = FakeContext()
    ctx.uow.add_therapist(THERAPIST)
    ctx.uow.add_request(100, THERAPIST, patient_id=1)
    ctx.uow.add_request(101, THERAPIST, patient_id=2)
    ctx.uow.add_sent_email(THERAPIST, [100, 101], START)
    ctx.clock.advance(days=2)
    return ctx


def answer(*outcomes: tuple[int, str], channel: str = "email") -> ResponseInput:
    return ResponseInput(THERAPIST, channel, list(outcomes), "Rückruf am Freitag", "staff-1")


def test_an_answer_closes_its_requests_with_the_outcome_and_records_the_event():
    ctx = answered_context()
    body = record_response(ctx, answer((100, "accepted"), (101, "rejected_no_capacity")))
    requests = ctx.uow.tables.requests
    assert (requests[100]["state"], requests[100]["close_reason"]) == ("closed", "accepted")
    assert (requests[101]["state"], requests[101]["close_reason"]) == (
        "closed",
        "rejected_no_capacity",
    )
    [event] = ctx.uow.events.of(TherapistResponseRecorded)
    assert [(o.placement_request_id, o.patient_id) for o in event.outcomes] == [(100, 1), (101, 2)]
    assert body["response_id"] == event.response_id and body["note"] == "Rückruf am Freitag"
    assert ctx.uow.events.recorded[0][1] == ctx.clock.now() and ctx.uow.commits == 1


def test_an_answer_starts_the_cooling_period_and_is_a_contact_in_the_ledger():
    ctx = answered_context()
    record_response(ctx, answer((100, "accepted")))
    [period] = ctx.uow.tables.cooling
    assert period["starts_at"] == ctx.clock.now()
    assert period["ends_at"] == ctx.clock.now() + timedelta(days=28)
    [row] = [row for row in ctx.uow.tables.ledger if row["kind"] == "response"]
    assert (row["channel"], row["occurred_at"]) == ("email", ctx.clock.now())
    assert ctx.uow.tables.responses[row["response_id"]]["recorded_by"] == "staff-1"


def test_with_cooling_after_not_after_acceptance_an_acceptance_starts_no_cooling():
    """COOLING_AFTER=not_after_acceptance (the same setting as matching's): an answer accepting
    a patient leaves the practice open for outreach; a rejection still starts cooling."""
    ctx = answered_context()
    ctx.outreach_rules = OutreachRules(cooling_after=CoolingAfter.NOT_AFTER_ACCEPTANCE)
    record_response(ctx, answer((100, "accepted")))
    assert ctx.uow.tables.cooling == []
    record_response(ctx, answer((101, "rejected_no_capacity")))
    [period] = ctx.uow.tables.cooling
    assert period["ends_at"] == ctx.clock.now() + timedelta(days=28)


def test_the_cooling_setting_is_one_for_both_services():
    from communication_service.config import Settings as CommunicationSettings
    from matching_service.config import Settings as MatchingSettings

    for value in CoolingAfter:
        os_env = {"cooling_after": value.value, "_env_file": None}
        assert CommunicationSettings(**os_env).outreach_rules().cooling_after is value
        assert MatchingSettings(**os_env).rules().cooling_after == value.value
    assert CommunicationSettings(_env_file=None).outreach_rules().cooling_after == "any_answer"


def test_requests_never_sent_to_the_therapist_are_refused_and_nothing_is_stored():
    ctx = answered_context()
    ctx.uow.add_request(300, THERAPIST)
    with pytest.raises(NotContacted) as refused:
        record_response(ctx, answer((100, "accepted"), (300, "accepted")))
    assert (refused.value.status, refused.value.code) == (422, "not_contacted")
    assert refused.value.details == {"placement_request_ids": [300]}
    assert ctx.uow.tables.responses == {} and ctx.uow.commits == 0
    assert ctx.uow.events.recorded == []


def test_a_request_answered_once_cannot_be_answered_again():
    ctx = answered_context()
    record_response(ctx, answer((100, "accepted")))
    with pytest.raises(AlreadyAnswered) as refused:
        record_response(ctx, answer((100, "rejected_no_capacity")))
    assert (refused.value.status, refused.value.code) == (409, "conflict")
    assert str(refused.value) == "Requests [100] already have an answer."
    assert ctx.uow.commits == 1


def test_by_phone_a_phone_pending_request_counts_as_contacted():
    ctx = answered_context()
    ctx.uow.add_request(400, THERAPIST, state=RequestState.PHONE_PENDING)
    with pytest.raises(NotContacted):
        record_response(ctx, answer((400, "accepted")))
    record_response(ctx, answer((400, "accepted"), channel="phone"))
    assert ctx.uow.tables.requests[400]["state"] == "closed"


def test_cooling_calls_back_an_unsent_outreach_draft_its_requests_wait_again():
    ctx = answered_context()
    ctx.uow.add_request(500, THERAPIST)
    ctx.clock.advance(days=5)  # the sent e-mail's 7-day window is over: a new draft
    plan_therapist(ctx.uow, THERAPIST, ctx.clock.now(), ctx.outreach_rules)
    [draft] = [row for row in ctx.uow.tables.emails.values() if row["state"] == "draft"]
    record_response(ctx, answer((100, "rejected_no_capacity")))
    assert ctx.uow.tables.emails[draft["id"]]["state"] == "cancelled"
    assert ctx.uow.emails.carried_ids(draft["id"]) == []
    assert ctx.uow.tables.requests[500]["state"] == RequestState.WAITING.value
    assert all(row["voided_at"] for row in ctx.uow.tables.ledger if row["email_id"] == draft["id"])


def test_cooling_cancels_a_scheduled_first_contact_call_and_its_requests_wait_again():
    ctx = answered_context()
    ctx.uow.add_request(600, THERAPIST, state=RequestState.PHONE_PENDING)
    plan = CallPlan(CallAction.SCHEDULE, 1, START + timedelta(days=3))
    call_id = ctx.uow.calls.insert(THERAPIST, CallPurpose.FIRST_CONTACT, plan, START, None)
    ctx.uow.calls.add_requests(call_id, [600])
    record_response(ctx, answer((100, "accepted")))
    call = ctx.uow.tables.calls[call_id]
    assert (call["state"], call["closed_reason"]) == ("cancelled", "cooling period started")
    assert ctx.uow.tables.requests[600]["state"] == RequestState.WAITING.value


def follow_up_call_about(ctx: FakeContext, request_ids: list[int]) -> int:
    """A follow-up call of the sent e-mail, scheduled 3 days ahead, carrying the requests."""
    plan = CallPlan(CallAction.SCHEDULE, 1, START + timedelta(days=3))
    [email_id] = list(ctx.uow.tables.emails)
    call_id = ctx.uow.calls.insert(THERAPIST, CallPurpose.FOLLOW_UP, plan, START, email_id)
    ctx.uow.calls.add_requests(call_id, request_ids)
    return call_id


def test_an_answer_without_cooling_takes_its_requests_out_of_a_scheduled_call():
    """Found by the simulation (COOLING_AFTER=not_after_acceptance): an e-mail answered about
    some of its patients kept them in its follow-up call, so staff would have phoned about a
    patient who was placed already. Without cooling the call stays, with the rest."""
    ctx = answered_context()
    ctx.outreach_rules = OutreachRules(cooling_after=CoolingAfter.NOT_AFTER_ACCEPTANCE)
    call_id = follow_up_call_about(ctx, [100, 101])
    record_response(ctx, answer((100, "accepted")))
    assert ctx.uow.tables.calls[call_id]["state"] == "scheduled"
    assert ctx.uow.calls.carried_ids(call_id) == [101]


def test_a_call_whose_every_request_was_answered_is_cancelled():
    ctx = answered_context()
    ctx.outreach_rules = OutreachRules(cooling_after=CoolingAfter.NOT_AFTER_ACCEPTANCE)
    call_id = follow_up_call_about(ctx, [100, 101])
    record_response(ctx, answer((100, "accepted"), (101, "rejected_no_capacity")))
    call = ctx.uow.tables.calls[call_id]
    assert (call["state"], call["closed_reason"]) == ("cancelled", "all requests withdrawn")
    assert ctx.uow.calls.carried_ids(call_id) == []


def effects(body: dict) -> dict[int, str]:
    return {item["placement_request_id"]: item["outcome_effect"] for item in body["outcomes"]}


def test_each_outcome_says_what_recording_it_did():
    """Fails before issue 16 item 1: the answer named no effect per request."""
    ctx = answered_context()
    ctx.uow.patients.apply(1, "searching", START)
    body = record_response(ctx, answer((100, "accepted"), (101, "rejected_other")))
    assert effects(body) == {100: "placement_requested", 101: "recorded"}


def test_an_acceptance_after_the_request_ended_is_a_late_acceptance_for_matching():
    """Fails before issue 16 item 1: a late acceptance looked like any other (and matching
    dropped it)."""
    ctx = answered_context()
    ctx.uow.requests.set_state([100], RequestState.CLOSED, START, "expired")
    body = record_response(ctx, answer((100, "accepted")))
    assert effects(body) == {100: "late_acceptance"}
    [event] = ctx.uow.events.of(TherapistResponseRecorded)
    assert [o.outcome.value for o in event.outcomes] == ["accepted"]  # matching places
    assert ctx.uow.tables.requests[100]["close_reason"] == "expired"  # as it ended


def test_an_acceptance_for_a_placed_patient_sends_the_place_is_gone_email_once():
    """Fails before issue 16 item 1: the "place is gone" e-mail could never be sent."""
    ctx = answered_context()
    ctx.uow.patients.apply(1, "placed", START)
    body = record_response(ctx, answer((100, "accepted")))
    assert effects(body) == {100: "place_gone"}
    [mail] = [row for row in ctx.uow.tables.emails.values() if row["purpose"] == "place_taken"]
    assert (mail["template"], mail["therapist_id"]) == ("therapist_place_taken", THERAPIST)
    assert mail["context"]["placement_request_id"] == 100
    # matching's cancellation (reason placed_elsewhere) asks for it again: still one e-mail
    from communication_service.services.requests import cancel_request

    cancel_request(ctx.uow, ctx.clock, 100, THERAPIST, "placed_elsewhere")
    assert [row["purpose"] for row in ctx.uow.tables.emails.values()].count("place_taken") == 1


def test_an_acceptance_while_the_patient_is_paused_is_held_and_listed_for_staff():
    """Fails before issue 16 item 1: it was dropped without a trace."""
    ctx = answered_context()
    ctx.uow.patients.apply(1, "paused", START)
    ctx.uow.requests.set_state([100], RequestState.CANCELLED, START, "patient_paused")
    body = record_response(ctx, answer((100, "accepted")))
    assert effects(body) == {100: "held_for_staff"}
    items, total = ctx.uow.attention.open_page(0, 10)
    assert total == 1
    assert (items[0]["reason"], items[0]["placement_request_id"]) == (
        "acceptance_while_paused",
        100,
    )
    assert (items[0]["patient_id"], items[0]["response_id"]) == (1, body["response_id"])
