"""The strategies run through the stack: their settings, and the cooling rule the driver logs
answers under (the same one the stack runs with)."""

from datetime import UTC, datetime
from types import SimpleNamespace

from matching_service.config import Settings as MatchingSettings
from shared.vocabulary import CoolingAfter
from simulation import strategies
from simulation.driver import SystemRun
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
    run.obs = SimpleNamespace(log=SimpleNamespace(cooling=[]), acceptances={1: 0})
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
