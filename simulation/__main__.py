"""`make simulate`: a scenario through the running stack, the stack-free strategies and the bound,
and the report `simulation/results/latest.md` with its plots.

The stack must have been started by `make up` (which allows the simulated clock) on a database
that has not seen the scenario yet: the clock only moves forward, so a second run needs a fresh
database (`make down`, `.venv/bin/python scripts/stack.py reset-db`, `make up`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from scripts import infra
from scripts.api_client import stack_ready
from simulation import bound, invariants, patients_alone, report, strategies
from simulation.behaviour import Behaviour
from simulation.driver import SystemRun
from simulation.scenario import DEFAULT, SMALL, Scenario
from simulation.stack_api import Mailbox, StackApi
from simulation.world import build_world

SCENARIOS = {"default": DEFAULT, "small": SMALL}
RESULTS = Path(__file__).resolve().parent / "results"


def simulate(
    scenario: Scenario,
    mail_dir: Path,
    progress: Callable[[str], None] = print,
    strategy: str = strategies.SYSTEM,
) -> tuple[SystemRun, list[dict[str, int]]]:
    """Run `scenario` through the running stack; the run and every day's invariant counts."""
    world = build_world(scenario)
    api = StackApi(staff_count=4, subject=f"simulation-{strategy}")
    cooling = strategies.cooling_after(strategy)
    run = SystemRun(api, world, Mailbox(mail_dir), progress, strategy, cooling)
    run.set_up()
    progress(f"{strategy}: {len(world.practices)} practices imported, {scenario.horizon_days} days")
    return run, run.run()


def totals(daily: list[dict[str, int]]) -> dict[str, int]:
    """Violations per invariant over a run: the checks over the whole log count each breach
    once (their last day's count), the checks of the settled state count breach-days."""
    last = daily[-1] if daily else {}
    return {
        name: last[name] if name in invariants.LOG_CHECKS else sum(d.get(name, 0) for d in daily)
        for name in sorted(last)
    }


def simulate_all(
    scenario: Scenario,
    mail_dir: Path,
    out: Path,
    progress: Callable[[str], None],
    on_stack: tuple[str, ...] = strategies.ON_STACK,
):
    """The system strategies `on_stack` (all by default), each on its own scratch stack, then
    the stack-free strategy, the bound and the report; the stack comes back on its database at
    the end. A strategy left out shows as "n/a" in the report."""
    original = strategies.current_database()
    results, violations = [], {}
    try:
        for name in on_stack:
            with strategies.stack_for(name):
                run, daily = simulate(scenario, mail_dir, progress, name)
            results.append(run.result())
            violations[name] = totals(daily)
    finally:
        strategies.restore(original)
    world = build_world(scenario)
    behaviour = Behaviour(world)
    results.append(patients_alone.simulate_patients_alone(world, behaviour))
    summed = {
        name: sum(v.get(name, 0) for v in violations.values())
        for name in sorted({check for counts in violations.values() for check in counts})
    }
    path = report.write_report(out, scenario, results, bound.upper_bound(world, behaviour), summed)
    progress(f"wrote {path}")
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="default")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--mail-dir", type=Path, default=infra.DATA / "mail")
    parser.add_argument(
        "--strategy",
        action="append",
        choices=strategies.ON_STACK,
        help="a system strategy to run (repeat the option for several; default: all of them)",
    )
    args = parser.parse_args(argv)
    if not stack_ready():
        sys.exit("error: the stack is not running (or not ready): run `make up` first")
    simulate_all(
        SCENARIOS[args.scenario],
        args.mail_dir,
        args.out,
        lambda line: print(line, flush=True),
        _in_order(args.strategy),
    )


def _in_order(chosen: list[str] | None) -> tuple[str, ...]:
    """The chosen system strategies in the order of ON_STACK (all when none was chosen)."""
    return tuple(name for name in strategies.ON_STACK if not chosen or name in chosen)


if __name__ == "__main__":
    main()
