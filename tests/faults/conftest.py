"""Fault tests reuse the integration fixtures (database, scratch schema, private brokers) and
start service processes of their own (`spawn`), which they may kill."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from integration.conftest import (  # noqa: F401
    broker,
    clean_scratch,
    migrated_db,
    private_broker,
    scratch,
    topic_prefix,
)

ROOT = Path(__file__).resolve().parents[2]


class ServiceProcess:
    """A service's worker or web process that a fault test started itself (so it may kill it)."""

    def __init__(self, args: list[str], env: dict[str, str], log_path: Path) -> None:
        self.args, self.env, self.log_path = args, env, log_path
        self.proc: subprocess.Popen | None = None

    def start(self) -> ServiceProcess:
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, *self.args],
                cwd=ROOT,
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: no cleanup, no flush, no goodbye (a crashed or OOM-killed process)."""
        assert self.proc is not None and self.alive(), self.log_tail()
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is None or not self.alive():
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def log_tail(self, lines: int = 30) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@pytest.fixture
def spawn(tmp_path):
    """Start `python <args>` with extra environment; every process started is stopped after."""
    started: list[ServiceProcess] = []

    def start(args: list[str], env: dict[str, str], name: str) -> ServiceProcess:
        process = ServiceProcess(args, env, tmp_path / f"{name}.log").start()
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()
