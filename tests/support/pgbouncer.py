"""A PgBouncer a test starts itself (same PostgreSQL, own port), so it may stop and restart it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from support.brokers import free_port

from scripts import infra
from shared.config import SERVICE_NAMES


class PrivatePgBouncer:
    def __init__(self) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="psymatch-pgb-"))
        users = "".join(f'"{s}" "{infra.db_password(s)}"\n' for s in SERVICE_NAMES)
        (self.dir / "userlist.txt").write_text(users)
        (self.dir / "pgbouncer.ini").write_text(infra.pgbouncer_config(self.dir, self.port))
        if infra.is_root():
            for path in (self.dir, self.dir / "userlist.txt", self.dir / "pgbouncer.ini"):
                shutil.chown(path, "postgres", "postgres")
        self.start()

    def start(self) -> None:
        command = [
            shutil.which("pgbouncer") or "/usr/sbin/pgbouncer",
            "-d",
            str(self.dir / "pgbouncer.ini"),
        ]
        if infra.is_root():
            command[1:1] = ["-u", "postgres"]
        subprocess.run(command, check=True)
        infra.wait_for(lambda: infra.port_open(self.port), "private PgBouncer")

    def stop(self) -> None:
        pid_file = self.dir / "pgbouncer.pid"
        if pid_file.exists():
            os.kill(int(pid_file.read_text()), signal.SIGTERM)
        deadline = time.monotonic() + 10
        while infra.port_open(self.port) and time.monotonic() < deadline:
            time.sleep(0.1)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
