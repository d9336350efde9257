"""The small simulation scenario (60 practices, 40 patients, 4 weeks) through the real stack:
every invariant count is 0 after every simulated day.

Outcome figures (placements, days) are not asserted here: they are the report's business
(`make simulate`); this test holds the process to its rules while the clock moves over weeks.
"""

from __future__ import annotations

import pytest
from e2e.test_placement_loop import MAIL, running  # the stack fixture of the placement loop

from simulation.__main__ import simulate
from simulation.scenario import SMALL

pytestmark = pytest.mark.e2e
__all__ = ["running"]


@pytest.mark.timeout(1500)
def test_the_small_scenario_keeps_every_invariant(running):
    lines: list[str] = []
    run, daily = simulate(SMALL, MAIL, progress=lines.append)

    assert len(daily) == SMALL.horizon_days
    breaches = {
        day + 1: {name: count for name, count in counts.items() if count}
        for day, counts in enumerate(daily)
        if any(counts.values())
    }
    assert breaches == {}, "\n".join(lines)
    # the run really exercised the process: patients searched, practices were written to and
    # called, answers came back
    assert len(run.patient_ids) == SMALL.patients
    assert run.obs.log.emails, "no outreach e-mail was caught"
    assert run.obs.log.calls, "no call was made"
    assert run.obs.log.cooling, "no practice answered"
    assert lines[-1].startswith(f"psymatch: day {SMALL.horizon_days:3d}")
