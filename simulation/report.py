"""The simulation report: results/latest.md and its PNG plots, deterministic.

The markdown holds no timestamp but the scenario's dates; the PNGs carry no software or date
metadata, so the same results give byte-identical files. `python -m simulation.report
--scenario small` writes the report of the stack-free strategies ("patients alone" and the
upper bound); the driver calls `write_report` with the system's results and invariant counts.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from simulation import bound, patients_alone
from simulation.behaviour import Behaviour
from simulation.results import (
    FIFO_NEAREST,
    SYSTEM,
    StrategyResult,
    contacts_per_placement,
    days_to_placement,
    messages_per_practice,
    share_placed_by_week,
    staff_calls_per_working_day,
)
from simulation.scenario import DEFAULT, SMALL, Scenario
from simulation.workdays import WorkCalendar
from simulation.world import build_world

FIFO = FIFO_NEAREST
PNG_METADATA = {"Software": None}  # no version, no date: reproducible bytes
# The targets (docs: simulation brief): share of the bound, median vs bound, urgent vs others,
# contacts vs FIFO-nearest.
SHARE_OF_BOUND = 0.85
MEDIAN_FACTOR = 1.5
URGENT_FACTOR = 0.5
FEWER_CONTACTS = 0.30


@dataclass(frozen=True)
class Target:
    """One target: what is measured, the goal, and whether it is met (None: not measurable)."""

    name: str
    value: str
    goal: str
    met: bool | None


def _find(results: Sequence[StrategyResult], name: str) -> StrategyResult | None:
    return next((r for r in results if r.name == name), None)


def _fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def targets(
    results: Sequence[StrategyResult],
    upper: StrategyResult,
    system: str = SYSTEM,
    fifo: str = FIFO,
    alone: str = patients_alone.NAME,
) -> list[Target]:
    """The five targets for the strategy named `system` (not measurable without it)."""
    own, base, solo = _find(results, system), _find(results, fifo), _find(results, alone)
    if own is None:
        return [Target(name, "–", goal, None) for name, goal in _GOALS]
    share = own.placed / upper.placed if upper.placed else None
    median, bound_median = days_to_placement(own).median, days_to_placement(upper).median
    urgent = days_to_placement(own, urgent=True).median
    others = days_to_placement(own, urgent=False).median
    contacts = contacts_per_placement(own).total
    base_contacts = contacts_per_placement(base).total if base else None
    return [
        Target(
            _GOALS[0][0],
            f"{_fmt(None if share is None else share * 100)} %",
            _GOALS[0][1],
            None if share is None else share >= SHARE_OF_BOUND,
        ),
        Target(
            _GOALS[1][0],
            f"{_fmt(median)} vs bound {_fmt(bound_median)}",
            _GOALS[1][1],
            _le(median, None if bound_median is None else MEDIAN_FACTOR * bound_median),
        ),
        Target(
            _GOALS[2][0],
            f"{_fmt(urgent)} vs others {_fmt(others)}",
            _GOALS[2][1],
            _le(urgent, None if others is None else URGENT_FACTOR * others),
        ),
        Target(
            _GOALS[3][0],
            f"{_fmt(contacts)} vs {fifo} {_fmt(base_contacts)}",
            _GOALS[3][1],
            _le(contacts, None if base_contacts is None else (1 - FEWER_CONTACTS) * base_contacts),
        ),
        Target(
            _GOALS[4][0],
            f"{own.placed} vs {solo.placed if solo else '–'}",
            _GOALS[4][1],
            None if solo is None else own.placed > solo.placed,
        ),
    ]


_GOALS = (
    ("placements within the horizon", f">= {SHARE_OF_BOUND:.0%} of the upper bound"),
    ("median days to placement", f"<= {MEDIAN_FACTOR:g} x the bound's median"),
    ("urgent median days", f"<= {URGENT_FACTOR:g} x the others' median"),
    ("contacts per placement", f">= {FEWER_CONTACTS:.0%} fewer than {FIFO}"),
    ("patients placed", "more than patients alone"),
)


def _le(value: float | None, limit: float | None) -> bool | None:
    return None if value is None or limit is None else value <= limit


def _mark(met: bool | None) -> str:
    return {True: "met", False: "**missed**", None: "n/a"}[met]


def markdown(
    scenario: Scenario,
    results: Sequence[StrategyResult],
    upper: StrategyResult,
    working_days: Sequence[int],
    invariant_counts: Mapping[str, int] | None = None,
    plots: Sequence[str] = (),
    system: str = SYSTEM,
) -> str:
    """The report's text (pure)."""
    everyone = [*results, upper]
    end = scenario.start + timedelta(days=scenario.horizon_days - 1)
    weeks = scenario.weeks
    lines = [
        f"# Simulation report: scenario `{scenario.name}`",
        "",
        f"{scenario.practices} practices, {scenario.patients} patients, {weeks} weeks "
        f"({scenario.start.isoformat()} to {end.isoformat()}), seed {scenario.seed}.",
        "",
        "## Targets",
        "",
        "| target | value | goal | result |",
        "|---|---|---|---|",
        *(
            f"| {t.name} | {t.value} | {t.goal} | {_mark(t.met)} |"
            for t in targets(results, upper, system)
        ),
        "",
        "## Patients placed",
        "",
        "| strategy | placed | share | " + " | ".join(f"w{w + 1}" for w in range(weeks)) + " |",
        "|---|---|---|" + "---|" * weeks,
    ]
    for r in everyone:
        shares = share_placed_by_week(r, weeks)
        lines.append(
            f"| {r.name} | {r.placed} | {_pct(r.placed, len(r.patients))} | "
            + " | ".join(f"{s:.0%}" for s in shares)
            + " |"
        )
    lines += [
        "",
        "## Days to placement",
        "",
        "| strategy | median | p90 | urgent median | urgent p90 | others median | others p90 |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in everyone:
        a, u, o = (days_to_placement(r, flag) for flag in (None, True, False))
        lines.append(
            f"| {r.name} | {_fmt(a.median)} | {_fmt(a.p90)} | {_fmt(u.median)} | "
            f"{_fmt(u.p90)} | {_fmt(o.median)} | {_fmt(o.p90)} |"
        )
    lines += [
        "",
        "## Contacts and load",
        "",
        "| strategy | e-mails / placement | calls / placement | contacts / placement | "
        "messages / practice / 4 weeks, max | same, p95 | staff calls / working day, median "
        "| same, max |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        c, load = contacts_per_placement(r), messages_per_practice(r)
        calls = staff_calls_per_working_day(r, working_days)
        lines.append(
            f"| {r.name} | {_fmt(c.emails)} | {_fmt(c.calls)} | {_fmt(c.total)} | {load.max} | "
            f"{_fmt(load.p95)} | {_fmt(calls.median)} | {_fmt(calls.max, 0)} |"
        )
    lines += ["", "## Invariants", ""]
    if invariant_counts is None:
        lines.append("Not checked: no run of the system in this report.")
    else:
        lines += ["| check | violations |", "|---|---|"]
        lines += [f"| {name} | {count} |" for name, count in sorted(invariant_counts.items())]
        held = [f"{r.name} {r.held_acceptances}" for r in results if r.held_acceptances]
        lines += [
            "",
            "Acceptances given while the patient was paused or no longer searching are held for "
            "staff by the system and are not counted by `acceptance_placement`: "
            + (", ".join(held) if held else "none")
            + ".",
        ]
    if plots:
        lines += ["", "## Plots", ""] + [f"![{Path(p).stem}]({p})" for p in plots]
    return "\n".join(lines) + "\n"


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "–"


def _save(figure: Figure, path: Path) -> None:
    FigureCanvasAgg(figure)
    figure.savefig(path, format="png", dpi=100, metadata=PNG_METADATA)


def plot_placed_by_week(results: Sequence[StrategyResult], weeks: int, path: Path) -> None:
    """Share placed by the end of each week, one line per strategy and the bound."""
    figure = Figure(figsize=(7, 4))
    axes = figure.add_subplot()
    for r in results:
        axes.plot(range(1, weeks + 1), share_placed_by_week(r, weeks), marker="o", label=r.name)
    axes.set(xlabel="week", ylabel="share of patients placed", ylim=(0, 1))
    axes.legend()
    axes.grid(True, alpha=0.3)
    _save(figure, path)


def plot_days_to_placement(results: Sequence[StrategyResult], path: Path) -> None:
    """Median and p90 days to placement per strategy, urgent and others."""
    figure = Figure(figsize=(7, 4))
    axes = figure.add_subplot()
    width = 0.2
    for k, (label, flag, stat) in enumerate(
        [
            ("urgent median", True, "median"),
            ("others median", False, "median"),
            ("urgent p90", True, "p90"),
            ("others p90", False, "p90"),
        ]
    ):
        values = [getattr(days_to_placement(r, flag), stat) or 0 for r in results]
        axes.bar([i + k * width for i in range(len(results))], values, width, label=label)
    axes.set_xticks([i + 1.5 * width for i in range(len(results))], [r.name for r in results])
    axes.set(ylabel="days from arrival to placement")
    axes.legend()
    _save(figure, path)


def plot_staff_calls(
    results: Sequence[StrategyResult], working_days: Sequence[int], path: Path
) -> None:
    """Staff calls on each working day, one line per strategy."""
    figure = Figure(figsize=(7, 4))
    axes = figure.add_subplot()
    for r in results:
        axes.plot(working_days, [r.staff_calls.get(d, 0) for d in working_days], label=r.name)
    axes.set(xlabel="day", ylabel="staff calls")
    axes.legend()
    _save(figure, path)


def write_report(
    out: Path,
    scenario: Scenario,
    results: Sequence[StrategyResult],
    upper: StrategyResult,
    invariant_counts: Mapping[str, int] | None = None,
    system: str = SYSTEM,
) -> Path:
    """Write `out`/latest.md and its plots; returns the markdown's path."""
    out.mkdir(parents=True, exist_ok=True)
    working_days = WorkCalendar(scenario.start, scenario.horizon_days).working_days()
    plots = ["placed_by_week.png", "days_to_placement.png", "staff_calls.png"]
    plot_placed_by_week([*results, upper], scenario.weeks, out / plots[0])
    plot_days_to_placement([*results, upper], out / plots[1])
    plot_staff_calls(results, working_days, out / plots[2])
    text = markdown(scenario, results, upper, working_days, invariant_counts, plots, system)
    path = out / "latest.md"
    path.write_text(text, encoding="utf-8")
    return path


def offline(scenario: Scenario, out: Path) -> Path:
    """The report of the stack-free strategies of a scenario."""
    world = build_world(scenario)
    behaviour = Behaviour(world)
    alone = patients_alone.simulate_patients_alone(world, behaviour)
    return write_report(out, scenario, [alone], bound.upper_bound(world, behaviour))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=["small", "default"], default="small")
    parser.add_argument("--out", type=Path, default=Path("results"))
    args = parser.parse_args(argv)
    path = offline(SMALL if args.scenario == "small" else DEFAULT, args.out)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
