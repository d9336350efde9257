"""The report: files written, deterministic bytes, targets judged."""

from dataclasses import replace

from simulation.report import SYSTEM, offline, targets, write_report
from simulation.results import PatientOutcome, StrategyResult
from simulation.scenario import SMALL


def result(name, placed_days, urgent=(), emails=0, calls=0, horizon=28):
    return StrategyResult(
        name,
        horizon,
        tuple(
            PatientOutcome(i, 0, i in urgent, day, emails=emails, calls=calls)
            for i, day in enumerate(placed_days)
        ),
        practice_messages={0: (1, 2)},
        staff_calls={0: 3},
    )


BOUND = result("upper bound", [2, 4, 6, 8])


def test_offline_report_writes_markdown_and_plots_byte_for_byte_again(tmp_path):
    first = offline(SMALL, tmp_path / "a")
    second = offline(SMALL, tmp_path / "b")
    names = sorted(p.name for p in first.parent.iterdir())
    assert names == ["days_to_placement.png", "latest.md", "placed_by_week.png", "staff_calls.png"]
    for name in names:
        assert (first.parent / name).read_bytes() == (second.parent / name).read_bytes(), name
    text = first.read_text(encoding="utf-8")
    assert "| patients alone |" in text and "| upper bound |" in text
    assert SMALL.start.isoformat() in text and "Not checked" in text
    assert b"Matplotlib" not in (first.parent / "placed_by_week.png").read_bytes()


def test_all_targets_met():
    system = result(SYSTEM, [3, 1, 5, 9], urgent={1}, emails=1, calls=1)
    fifo = result("FIFO-nearest", [3, 4, None, None], emails=3, calls=1)
    alone = result("patients alone", [10, None, None, None], calls=20)
    found = targets([system, fifo, alone], BOUND)
    assert [t.met for t in found] == [True, True, True, True, True]


def test_targets_missed_and_not_measurable():
    system = result(SYSTEM, [20, 21, None, None], urgent={0}, emails=3, calls=1)
    fifo = result("FIFO-nearest", [3, 4, None, None], emails=3, calls=1)
    alone = result("patients alone", [10, 11, None, None], calls=20)
    assert [t.met for t in targets([system, fifo, alone], BOUND)] == [False] * 5
    assert [t.met for t in targets([alone], BOUND)] == [None] * 5
    no_urgent = replace(system, patients=tuple(replace(p, urgent=False) for p in system.patients))
    assert targets([no_urgent, fifo, alone], BOUND)[2].met is None


def test_invariant_counts_are_listed(tmp_path):
    system = result(SYSTEM, [3, 1, None, None])
    path = write_report(tmp_path, SMALL, [system], BOUND, {"too_many_patients": 0, "x": 2})
    text = path.read_text(encoding="utf-8")
    assert "| too_many_patients | 0 |" in text and "| x | 2 |" in text
    assert "| placements within the horizon | 50.0 % |" in text
