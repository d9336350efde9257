"""The strategies run through the stack: their settings, and the cooling rule the driver logs
answers under (the same one the stack runs with)."""

from datetime import UTC, datetime, timedelta

from matching_service.config import Settings as MatchingSettings
from shared.vocabulary import CoolingAfter
from simulation import strategies
from simulation.driver import Observations, SystemRun
from simulation.results import FIFO_NEAREST, SYSTEM, SYSTEM_WARM

NOW = datetime(2027, 1, 12, 9, 0, tzinfo=UTC)


def test_each_stack_strategy_has_settings_the_services_accept():
    assert strategies.ON_STACK == (SYSTEM, FIFO_NEAREST, SYSTEM_WARM)
    for name in strategies.ON_STACK:
        env = strategies.environment(name)
        assert env["ALLOW_CLOCK_OVERRIDE"] == "true" and env["JOBS_ENABLED"] == "false"
        own = {key.lower(): value for key, value in strategies.SETTINGS[name].items()}
        MatchingSettings(**own, _env_file=None)  # a misspelt value would raise here
    assert strategies.environment(SYSTEM_WARM)["COOLING_AFTER"] == "not_after_acceptance"
    assert strategies.cooling_after(SYSTEM) is CoolingAfter.ANY_ANSWER
    assert strategies.cooling_after(FIFO_NEAREST) is CoolingAfter.ANY_ANSWER
    assert strategies.cooling_after(SYSTEM_WARM) is CoolingAfter.NOT_AFTER_ACCEPTANCE


def logged_cooling(after: CoolingAfter, outcome: str) -> int:
    """How many cooling windows the driver logs for one answer with this outcome."""
    run = SystemRun.__new__(SystemRun)  # only what `_answered` reads
    run.cooling_after = after
    run.obs = Observations()
    run.obs.status(1, NOW, "searching")
    run.index_of, run.request_patient = {5: 1}, {9: 5}
    run._answered(3, NOW, [{"placement_request_id": 9, "outcome": outcome}])
    return len(run.obs.log.cooling)


def test_the_driver_logs_cooling_as_the_strategy_stack_starts_it():
    assert logged_cooling(CoolingAfter.ANY_ANSWER, "accepted") == 1
    assert logged_cooling(CoolingAfter.ANY_ANSWER, "rejected_no_capacity") == 1
    assert logged_cooling(CoolingAfter.NOT_AFTER_ACCEPTANCE, "accepted") == 0
    assert logged_cooling(CoolingAfter.NOT_AFTER_ACCEPTANCE, "rejected_no_capacity") == 1


def test_make_simulate_runs_the_chosen_strategies_in_their_order_or_all():
    from simulation.__main__ import _in_order

    assert _in_order(None) == strategies.ON_STACK
    assert _in_order([SYSTEM_WARM, SYSTEM]) == (SYSTEM, SYSTEM_WARM)
    assert _in_order([FIFO_NEAREST]) == (FIFO_NEAREST,)


class CallListApi:
    """The day's call list as read in the morning; the first call's answer cancels the second."""

    def __init__(self) -> None:
        self.slots = ["2027-01-12T08:00:00+00:00", "2027-01-12T09:00:00+00:00"]
        self.states = {1: "scheduled", 2: "scheduled"}
        self.clock_moves = []

    def pages(self, service, path):
        return [{"id": n, "slot_start": self.slots[n - 1], "state": "scheduled"} for n in (1, 2)]

    def set_clock(self, when):
        self.clock_moves.append(when)

    def call(self, method, service, path):
        call_id = int(path.rsplit("/", 1)[1])
        return {"id": call_id, "slot_start": self.slots[call_id - 1], "state": self.states[call_id]}


def test_a_call_cancelled_after_the_morning_list_is_not_made():
    """Found by the default scenario: a call cancelled when an earlier call's answer started
    the practice's cooling period was still made (and counted as contact during cooling)."""
    from simulation.workdays import WorkCalendar

    api, made = CallListApi(), []
    run = SystemRun.__new__(SystemRun)
    run.api, run.calendar = api, WorkCalendar(datetime(2027, 1, 11).date(), 7)

    def call_practice(call, now, day):
        made.append(call["id"])
        api.states[2] = "cancelled"

    run.call_practice = call_practice
    run.make_calls(1)
    assert made == [1] and len(api.clock_moves) == 2


def test_an_acceptance_for_a_patient_paused_since_the_contact_is_held_not_owed_a_placement():
    run = SystemRun.__new__(SystemRun)
    run.cooling_after, run.obs = CoolingAfter.ANY_ANSWER, Observations()
    run.index_of, run.request_patient = {5: 1, 6: 2}, {9: 5, 10: 6}
    run.obs.status(1, NOW, "searching")
    run.obs.status(2, NOW, "searching")
    run.obs.status(2, NOW + timedelta(days=1), "paused")
    later = NOW + timedelta(days=2)
    for request in (9, 10):
        run._answered(3, later, [{"placement_request_id": request, "outcome": "accepted"}])
    assert dict(run.obs.acceptances) == {1: 1} and dict(run.obs.held_acceptances) == {2: 1}
