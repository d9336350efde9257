"""Each invariant check: green on a clean log, red on a planted breach."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from shared import rules
from simulation.invariants import (
    Call,
    CoolingWindow,
    ObservationLog,
    SentEmail,
    StatusChange,
    acceptance_without_one_placement,
    calls_outside_phone_hours,
    check_log,
    contacts_during_cooling,
    contacts_while_not_searching,
    counts,
    emails_too_large,
    outreach_too_close,
    requests_disagree,
    searching_without_request,
    status_at,
)

T0 = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)  # Monday, 10:00 in Berlin
HOURS = {"mon": ["09:30-11:00"], "thu": ["14:00-15:00"]}
GAP = timedelta(days=rules.MIN_DAYS_BETWEEN_EMAILS)


def clean_log() -> ObservationLog:
    """Two e-mails a full gap apart, a follow-up call in phone hours, one cooling window after
    the contacts, everyone searching throughout."""
    return ObservationLog(
        emails=[
            SentEmail("A", T0, (1, 2, 3, 4, 5)),
            SentEmail("A", T0 + GAP, (6,)),
            SentEmail("A", T0 + timedelta(days=1), (1,), outreach=False),  # a reminder
        ],
        calls=[Call("A", T0 + timedelta(days=3, hours=4), (1, 2), HOURS)],  # Thu 14:00 Berlin
        statuses={
            p: [StatusChange(T0 - timedelta(days=1), "searching")] for p in (1, 2, 3, 4, 5, 6)
        },
        cooling=[CoolingWindow("A", T0 + GAP + timedelta(hours=1), T0 + 5 * GAP)],
    )


def test_the_clean_log_has_no_violation():
    assert counts(check_log(clean_log())) == {
        "outreach_too_close": 0,
        "too_many_patients": 0,
        "call_outside_phone_hours": 0,
        "contact_during_cooling": 0,
        "contact_while_not_searching": 0,
    }


def test_a_second_email_three_days_after_the_first_is_red():
    log = clean_log()
    log.emails.append(SentEmail("A", T0 + timedelta(days=3), (7,)))
    found = outreach_too_close(log)
    # 3 days after the first and 4 days before the next one
    assert [v.subject for v in found] == ["practice A", "practice A"]
    assert "3 days" in found[0].detail and "4 days" in found[1].detail
    # another practice's e-mail on the same day is fine
    log.emails[-1] = SentEmail("B", T0 + timedelta(days=3), (7,))
    assert outreach_too_close(log) == []


def test_a_first_contact_call_counts_for_the_gap_and_exactly_the_gap_holds():
    log = clean_log()
    log.calls.append(Call("A", T0 + GAP - timedelta(minutes=1), (8,), HOURS, first_contact=True))
    assert len(outreach_too_close(log)) == 2  # too close to both e-mails


def test_six_patients_in_one_email_is_red():
    log = clean_log()
    log.emails[0] = replace(log.emails[0], patients=(1, 2, 3, 4, 5, 6))
    assert len(emails_too_large(log)) == 1


def test_a_call_outside_phone_hours_is_red_in_berlin_time():
    log = clean_log()
    assert calls_outside_phone_hours(log) == []
    # 09:15 UTC on Monday is 10:15 in Berlin (inside); 08:15 UTC is 09:15 (outside)
    log.calls.append(Call("A", T0 - timedelta(minutes=45), (1,), HOURS))
    assert len(calls_outside_phone_hours(log)) == 1
    log.calls[-1] = Call("A", T0, (1,), {})
    assert len(calls_outside_phone_hours(log)) == 1  # no phone hours at all


def test_a_contact_during_cooling_is_red():
    log = clean_log()
    log.emails.append(SentEmail("A", T0 + 2 * GAP, (6,)))
    assert len(contacts_during_cooling(log)) == 1
    log.emails[-1] = SentEmail("A", T0 + 5 * GAP, (6,))  # the window has ended
    assert contacts_during_cooling(log) == []


def test_a_contact_about_a_paused_placed_cancelled_or_erased_patient_is_red():
    for status in ("paused", "placed", "cancelled", "erased"):
        log = clean_log()
        log.statuses[2].append(StatusChange(T0 + timedelta(days=2), status))
        found = contacts_while_not_searching(log)
        assert [v.subject for v in found] == ["patient 2"], status  # the call on day 3


def test_a_contact_about_a_patient_before_registration_is_red():
    log = clean_log()
    log.statuses[6] = [StatusChange(T0 + GAP + timedelta(seconds=1), "searching")]
    assert len(contacts_while_not_searching(log)) == 1


def test_status_at_takes_the_latest_change_at_or_before():
    changes = [StatusChange(T0 + timedelta(days=2), "paused"), StatusChange(T0, "searching")]
    assert status_at(changes, T0 - timedelta(seconds=1)) is None
    assert status_at(changes, T0 + timedelta(days=2)) == "paused"


def test_requests_open_in_one_service_and_closed_in_the_other():
    same = {1: "open", 2: "closed"}
    assert requests_disagree(same, dict(same)) == []
    found = requests_disagree({1: "open", 2: "closed"}, {1: "closed", 3: "open"})
    assert [v.subject for v in found] == ["request 1", "request 3"]


def test_searching_without_request_needs_a_candidate():
    assert searching_without_request({1, 2}, {1}, {1}) == []
    assert [v.subject for v in searching_without_request({1, 2}, {1}, {2})] == ["patient 2"]


def test_an_acceptance_must_give_exactly_one_placement():
    assert acceptance_without_one_placement({1: 1, 2: 2}, {1: 1, 2: 1}) == []
    found = acceptance_without_one_placement({1: 1, 2: 1}, {1: 0, 2: 2, 3: 1})
    assert [v.subject for v in found] == ["patient 1", "patient 2", "patient 3"]


def test_the_answer_that_starts_a_cooling_period_is_no_breach_a_minute_later_is():
    start = T0 + 4 * GAP
    log = ObservationLog(
        calls=[Call("A", start, (1,), HOURS)],
        cooling=[CoolingWindow("A", start, start + 4 * GAP)],
    )
    assert contacts_during_cooling(log) == []
    log.calls.append(Call("A", start + timedelta(minutes=1), (2,), HOURS))
    assert [v.detail.split(" in ")[0] for v in contacts_during_cooling(log)] == [
        (start + timedelta(minutes=1)).isoformat()
    ]
