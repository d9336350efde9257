"""Long waits say what they wait for (issue 20): `make up` (scripts/stack.py wait_ready and the
infrastructure waits) and the demo's waits (scripts/api_client.until) print a status line at
least every 5 s. Checked with a fake monotonic clock whose sleep advances it. Failed before
this change: the waits printed nothing until they ended (and took no clock), so the lines
asserted here were missing (TypeError on the clock options; no infra.poll at all)."""

from __future__ import annotations

import re

import pytest

from scripts import api_client, infra, stack

LINE = re.compile(r"waiting for (?P<what>.+?) \((?P<s>\d+) s\)$")


class FakeTime:
    """A monotonic clock; `sleep` advances it, as does each probe (`probe_s`)."""

    def __init__(self, probe_s: float = 0.0) -> None:
        self.now = 1000.0
        self.probe_s = probe_s

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.now += seconds


def report_times(output: str) -> list[int]:
    return [int(m["s"]) for m in map(LINE.match, output.splitlines()) if m]


def assert_every_5_s(times: list[int], waited_s: float) -> None:
    gaps = [b - a for a, b in zip([0, *times], [*times, waited_s], strict=True)]
    assert times and max(gaps) <= 5, (times, waited_s)


def test_poll_prints_what_it_waits_for_every_5_s(capsys):
    fake = FakeTime()
    ready_at = fake.now + 23

    def probe() -> bool:
        fake.now += 0.3  # a probe takes time too
        return fake.now >= ready_at

    assert infra.poll(
        probe, "PgBouncer", 60, 0.2, status=lambda: "port closed", clock=fake.clock,
        sleep=fake.sleep,
    )  # fmt: skip
    out = capsys.readouterr().out
    assert "waiting for PgBouncer: port closed (5 s)" in out
    assert_every_5_s(report_times(out), 23)


def test_poll_gives_up_after_the_timeout(capsys):
    fake = FakeTime()
    assert infra.poll(lambda: False, "x", 12, 1.0, clock=fake.clock, sleep=fake.sleep) is None
    assert fake.now - 1000.0 == pytest.approx(12)
    assert report_times(capsys.readouterr().out) == [5, 10]


def test_make_up_names_the_services_it_still_waits_for(monkeypatch, capsys):
    fake = FakeTime()
    start = fake.now
    ports = dict(stack.SERVICE_PORTS)
    slow = ports["matching_service"]

    def ready(port: int) -> str:
        if port == slow and fake.now < start + 17:
            return "down"
        return "ready"

    monkeypatch.setattr(stack, "_ready", ready)
    state = stack.wait_ready(90, clock=fake.clock, sleep=fake.sleep)
    assert set(state.values()) == {"ready"}
    out = capsys.readouterr().out
    assert "waiting for the services: matching_service (down) (5 s)" in out
    assert "patient_service" not in out
    assert_every_5_s(report_times(out), 17)


def test_make_up_still_fails_with_the_state_after_its_timeout(monkeypatch, capsys):
    fake = FakeTime()
    monkeypatch.setattr(stack, "_ready", lambda port: "down")
    with pytest.raises(infra.StackError, match="services not ready in 20s"):
        stack.wait_ready(20, clock=fake.clock, sleep=fake.sleep)
    assert report_times(capsys.readouterr().out) == [5, 10, 15]


def test_the_demo_waits_print_a_status_line_every_5_s(capsys):
    fake = FakeTime()
    done_at = fake.now + 31
    progress = {"n": 0}

    def probe() -> bool:
        progress["n"] += 1
        return fake.now >= done_at

    value = api_client.until(
        probe, "the import runs to finish", 300, 1.0,
        status=lambda: f"{progress['n']} checks", clock=fake.clock, sleep=fake.sleep,
    )  # fmt: skip
    assert value is True
    out = capsys.readouterr().out
    assert re.search(r"^waiting for the import runs to finish: \d+ checks \(5 s\)$", out, re.M)
    assert_every_5_s(report_times(out), 31)


def test_the_demo_wait_still_times_out_with_its_message(capsys):
    fake = FakeTime()
    with pytest.raises(TimeoutError, match="timed out after 7s waiting for the e-mails"):
        api_client.until(
            lambda: None, "the e-mails to be sent", 7, 0.2, clock=fake.clock, sleep=fake.sleep
        )
    assert report_times(capsys.readouterr().out) == [5]
