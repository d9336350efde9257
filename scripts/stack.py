"""Local stack without Docker: `python scripts/stack.py up|down|stop-services|status|token|...`."""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests  # noqa: E402
from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from scripts import infra  # noqa: E402
from shared.config import SERVICE_NAMES, SERVICE_PORTS, BaseServiceSettings  # noqa: E402
from shared.http.auth import issue_service_token, issue_token  # noqa: E402


def migrate(database: str = "psymatch") -> None:
    """Alembic to head for every service, each with its own role, directly (not via PgBouncer)."""
    base = make_url(infra.admin_url()).set(database=database)
    for service in SERVICE_NAMES:
        config = Config(str(infra.ROOT / "alembic.ini"), ini_section=service)
        url = base.set(username=service, password=infra.db_password(service))
        config.attributes["url"] = url.render_as_string(hide_password=False)
        command.upgrade(config, "head")


def service_env(service: str, database: str = "psymatch") -> dict[str, str]:
    url = f"postgresql+psycopg2://{service}:{infra.db_password(service)}@127.0.0.1:6432/{database}"
    return {"DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}


def start_services(database: str = "psymatch", scale: int = 1) -> None:
    """Per service `scale` web processes (gunicorn masters sharing the port: SO_REUSEPORT)
    and `scale` workers; instance 1 keeps the plain names `<service>-web`/`-worker`."""
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    for service, port in SERVICE_PORTS.items():
        if not _alive(f"{service}-web") and infra.port_open(port):
            raise infra.StackError(
                f"port {port} ({service}) is used by a process this checkout "
                "did not start; stop it first"
            )
        for instance in range(1, scale + 1):
            suffix = "" if instance == 1 else f"-{instance}"
            if not _alive(f"{service}-web{suffix}"):
                web = [
                    gunicorn,
                    "--config",
                    str(infra.ROOT / "gunicorn.conf.py"),
                    "--bind",
                    f"127.0.0.1:{port}",
                    *(["--reuse-port"] if scale > 1 else []),
                    "--workers",
                    "2",
                    "--timeout",
                    "60",
                    f"{service}.app:create_app()",
                ]
                infra.start_process(f"{service}-web{suffix}", web, service_env(service, database))
            if not _alive(f"{service}-worker{suffix}"):
                metrics_port = port + 1000 + 100 * (instance - 1)
                env = {**service_env(service, database), "WORKER_METRICS_PORT": str(metrics_port)}
                infra.start_process(
                    f"{service}-worker{suffix}", [sys.executable, "-m", f"{service}.worker"], env
                )


def wait_ready(timeout_s: float = 90.0, **poll_options: Any) -> dict[str, str]:
    """Until all six answer /ready; every 5 s it prints which ones it still waits for."""
    state: dict[str, str] = {}

    def all_ready() -> bool:
        state.update({s: _ready(p) for s, p in SERVICE_PORTS.items()})
        return all(v == "ready" for v in state.values())

    def pending() -> str:
        return ", ".join(f"{s} ({v})" for s, v in state.items() if v != "ready")

    if infra.poll(all_ready, "the services", timeout_s, 0.5, status=pending, **poll_options):
        return state
    raise infra.StackError(
        f"services not ready in {timeout_s:.0f}s: {state} (logs in {infra.LOGS})"
    )


def _ready(port: int) -> str:
    try:
        response = requests.get(f"http://127.0.0.1:{port}/ready", timeout=3)
        return "ready" if response.status_code == 200 else str(response.json().get("checks"))
    except (requests.RequestException, ValueError):
        return "down"


def _pid(name: str) -> int | None:
    path = infra.PIDS / f"{name}.pid"
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def _alive(name: str) -> bool:
    pid = _pid(name)
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def make_token(role: str, subject: str | None = None) -> str:
    """A user token signed with JWT_SECRET (HS256), or for role `service` a service token
    signed with SERVICE_JWT_SECRET; with JWT_ALGORITHM=RS256 the identity provider issues
    user tokens, and one from here is refused."""
    settings = BaseServiceSettings()
    name = subject or f"dev-{role}"
    if role == "service":
        return issue_service_token(settings.service_jwt_secret.get_secret_value(), name)
    return issue_token(
        settings.jwt_secret.get_secret_value(),
        name,
        role,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
    )


# The secret files docker-compose.yml mounts (./secrets/<name>.txt → /run/secrets/<name>).
COMPOSE_SECRETS = (
    "jwt_secret",
    "service_jwt_secret",
    "answer_link_secret",
    "postgres_password",
    *(f"{service}_db_password" for service in SERVICE_NAMES),
)


def make_secrets(folder: Path) -> list[str]:
    """Write a random 64-hex-character value into every missing secret file; existing files
    are kept (a new database password would not match the roles already created)."""
    folder.mkdir(mode=0o700, exist_ok=True)
    written = []
    for name in COMPOSE_SECRETS:
        path = folder / f"{name}.txt"
        if path.exists():
            continue
        path.write_text(secrets.token_hex(32) + "\n", encoding="utf-8")
        # Compose bind-mounts the file with these bits; the containers' users are not root.
        path.chmod(0o644)
        written.append(name)
    return written


def up(database: str = "psymatch", scale: int = 1) -> None:
    infra.ensure_infrastructure()
    migrate(database)
    start_services(database, scale)
    wait_ready()
    each = "" if scale == 1 else f" ({scale} web and {scale} worker processes each)"
    print(f"\nAll six services are ready{each}:")
    for service, port in SERVICE_PORTS.items():
        print(f"  {service:<22} http://127.0.0.1:{port}   (docs: /docs, OpenAPI: /openapi.json)")
    print(f"  mail (SMTP catcher)    127.0.0.1:1025 -> {infra.DATA / 'mail'}")
    print(f"  logs                   {infra.LOGS}")
    print(f"\nStaff token (12 h):\n{make_token('staff')}\n")


def down() -> None:
    """Stop exactly the processes `up` started, by their pid files."""
    names = sorted(p.stem for p in infra.PIDS.glob("*.pid")) if infra.PIDS.exists() else []
    order = [n for n in names if n.endswith(("-web", "-worker"))] + [
        n for n in names if not n.endswith(("-web", "-worker"))
    ]
    for name in order:
        _stop(name)
    marker = infra.PIDS / "postgres.started-by-us"
    if marker.exists():
        versions = sorted(os.listdir("/etc/postgresql"))
        os.system(f"pg_ctlcluster --skip-systemctl-redirect {versions[-1]} main stop")  # noqa: S605
        marker.unlink()
    print("stopped" if order else "nothing was running")


def stop_services() -> None:
    """Stop only the six web processes and six workers (infrastructure keeps running)."""
    names = sorted(p.stem for p in infra.PIDS.glob("*.pid")) if infra.PIDS.exists() else []
    services = [n for n in names if n.endswith(("-web", "-worker"))]
    for name in services:
        _stop(name)
    print("services stopped" if services else "no services were running")


def _stop(name: str) -> None:
    pid = _pid(name)
    path = infra.PIDS / f"{name}.pid"
    if pid is not None and _alive(name):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        while _alive(name) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _alive(name):
            os.kill(pid, signal.SIGKILL)
        print(f"stopped {name} (pid {pid})")
    if path.is_symlink() or path.exists():
        path.unlink()


def status() -> None:
    for service, port in SERVICE_PORTS.items():
        print(f"{service:<22} {_ready(port)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "command",
        choices=[
            "up",
            "down",
            "stop-services",
            "status",
            "infra",
            "test-infra",
            "reset-db",
            "migrate",
            "token",
            "make-secrets",
        ],
    )
    parser.add_argument("--role", default="staff", choices=["staff", "admin", "service"])
    parser.add_argument("--database", default="psymatch")
    parser.add_argument(
        "--scale",
        type=int,
        choices=range(1, 5),
        default=int(os.environ.get("SCALE") or 1),
        help="web and worker processes per service for `up` (default 1; SCALE=2 runs two)",
    )
    args = parser.parse_args()
    try:
        if args.command == "up":
            up(args.database, args.scale)
        elif args.command == "down":
            down()
        elif args.command == "stop-services":
            stop_services()
        elif args.command == "status":
            status()
        elif args.command == "infra":
            infra.ensure_infrastructure()
        elif args.command == "test-infra":
            infra.ensure_infrastructure()
            for database in infra.TEST_DATABASES:
                infra.reset_database(database)
        elif args.command == "reset-db":
            infra.ensure_infrastructure()
            infra.reset_database(args.database)
        elif args.command == "migrate":
            if infra.admin_configured():
                infra.setup_database(args.database)
            migrate(args.database)
        elif args.command == "make-secrets":
            folder = infra.ROOT / "secrets"
            written = make_secrets(folder)
            print(f"{folder}: wrote {', '.join(written) or 'nothing (all files exist)'}")
        else:
            print(make_token(args.role))
    except infra.StackError as exc:
        sys.exit(f"error: {exc}")


if __name__ == "__main__":
    main()
