"""Structure of docker-compose.yml and the Dockerfile, checked without a Docker engine."""

import importlib
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from shared.config import SERVICE_PORTS, secret_setting_names

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"

WEB_PORTS = {
    "patient_service": 8001,
    "therapist_service": 8002,
    "matching_service": 8003,
    "communication_service": 8004,
    "geocoding_service": 8005,
    "scraping_service": 8006,
}
WORKERS = {f"{name}_worker": name for name in WEB_PORTS}
PROJECT_SERVICES = {**{name: name for name in WEB_PORTS}, **WORKERS}
INFRASTRUCTURE = {"postgres", "pgbouncer", "kafka", "mailpit", "migrate", "redis", "backup"}
ONE_SHOT = {"migrate"}

# Real images only (tags checked by the pattern); project containers use `build:` instead.
ALLOWED_IMAGES = (
    re.compile(r"postgres:16(\.\d+)?"),
    re.compile(r"edoburu/pgbouncer:v?\d+\.\d+\.\d+(-p\d+)?"),
    re.compile(r"apache/kafka:\d+\.\d+\.\d+"),
    re.compile(r"axllent/mailpit:v\d+\.\d+(\.\d+)?"),
    re.compile(r"redis:7\.\d+(\.\d+)?"),
)
# ${VAR}, ${VAR?msg} or ${VAR:?msg}; a default (${VAR:-x}) would be a literal secret.
SECRET_REFERENCE = re.compile(r"\$\{[A-Z][A-Z0-9_]*(:?\?[^}]*)?\}")
SECRET_KEY = re.compile(r"PASSWORD|SECRET", re.IGNORECASE)
URL_PASSWORD = re.compile(r"://[^:/@\s]+:(?P<password>\$\{[^}]*\}|[^@\s]*)@")
# Secrets are files (issue 20): ./secrets/<name>.txt, mounted as /run/secrets/<name>.
SECRET_FILE = re.compile(r"/run/secrets/(?P<name>[a-z0-9_]+)")
ENV_EXAMPLE = ROOT / ".env.example"
SHARED_SECRETS = {"jwt_secret", "service_jwt_secret", "console_jwt_public_key"}
ROLE_SECRETS = {f"{name}_db_password" for name in WEB_PORTS}
# The staff console: a project container beside the six services and their workers.
CONSOLE = "staff_console"
CONSOLE_SECRETS = {
    "staff_console_db_password",
    "console_jwt_private_key",
    "console_session_key",
    "console_admin_password",
}
ALL_ROLE_SECRETS = ROLE_SECRETS | {"staff_console_db_password"}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    """The compose file as plain data (YAML anchors and merge keys resolved)."""
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def env_of(service: dict[str, Any]) -> dict[str, str]:
    """The service's `environment`, whether written as a mapping or as KEY=VALUE items."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def command_of(service: dict[str, Any]) -> list[str]:
    command = service.get("command", [])
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def published_ports(service: dict[str, Any]) -> set[tuple[int, int]]:
    """(host port, container port) pairs from short or long port syntax."""
    pairs = set()
    for spec in service.get("ports", []):
        if isinstance(spec, dict):
            pairs.add((int(spec["published"]), int(spec["target"])))
        else:
            host, container = str(spec).rsplit(":", 2)[-2:]
            pairs.add((int(host), int(container.split("/")[0])))
    return pairs


def string_values_under_secret_keys(node: Any, path: str = "") -> list[tuple[str, str]]:
    """Every (path, value) whose mapping key names a password or secret, anywhere in the file."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if SECRET_KEY.search(str(key)) and not isinstance(value, (dict, list)):
                found.append((f"{path}/{key}", "" if value is None else str(value)))
            found += string_values_under_secret_keys(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            if isinstance(item, str) and "=" in item and SECRET_KEY.search(item.split("=")[0]):
                found.append((f"{path}[{index}]", item.split("=", 1)[1]))
            found += string_values_under_secret_keys(item, f"{path}[{index}]")
    return found


def all_strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for key, value in node.items() for s in [str(key), *all_strings(value)]]
    if isinstance(node, list):
        return [s for item in node for s in all_strings(item)]
    return [node] if isinstance(node, str) else []


# ------------------------------------------------------------------ compose: inventory


def test_compose_defines_six_services_six_workers_and_the_infrastructure(services):
    assert set(services) == set(WEB_PORTS) | set(WORKERS) | INFRASTRUCTURE | {CONSOLE}


def test_every_long_running_service_has_a_healthcheck(services):
    for name, service in services.items():
        if name in ONE_SHOT:
            continue
        check = service.get("healthcheck") or {}
        assert check.get("test"), f"{name} has no healthcheck"
        assert not check.get("disable"), f"{name} disables its healthcheck"
        assert check["test"] not in (["NONE"], "NONE"), f"{name} disables its healthcheck"


def test_images_are_real_or_built_from_the_project_dockerfile(services):
    for name, service in services.items():
        if name in PROJECT_SERVICES or name in ("migrate", CONSOLE):
            build = service.get("build")
            assert build == {"context": ".", "dockerfile": "Dockerfile"}, name
        else:
            assert "build" not in service, name
            image = service.get("image", "")
            assert any(p.fullmatch(image) for p in ALLOWED_IMAGES), f"{name}: {image!r}"


def test_infrastructure_uses_the_agreed_images(services):
    assert services["postgres"]["image"] == "postgres:16"
    assert services["pgbouncer"]["image"].startswith("edoburu/pgbouncer:")
    assert services["kafka"]["image"].startswith("apache/kafka:")
    assert services["mailpit"]["image"].startswith("axllent/mailpit:")


def test_project_containers_share_the_x_service_common_block(compose, services):
    common = compose["x-service-common"]
    for name in [*PROJECT_SERVICES, CONSOLE]:
        for key in ("image", "build", "env_file", "depends_on", "restart"):
            assert services[name][key] == common[key], f"{name}.{key}"


# ------------------------------------------------------------------ compose: processes


@pytest.mark.parametrize("name, port", WEB_PORTS.items())
def test_web_service_runs_gunicorn_on_its_port(services, name, port):
    command = command_of(services[name])
    assert command == [
        "gunicorn",
        "--config",
        "gunicorn.conf.py",
        "--bind",
        f"0.0.0.0:{port}",
        "--workers",
        "2",
        f"{name}.app:create_app()",
    ]
    assert published_ports(services[name]) == {(port, port)}


@pytest.mark.parametrize("name, port", WEB_PORTS.items())
def test_web_healthcheck_asks_the_ready_endpoint_of_its_own_port(services, name, port):
    test = services[name]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    assert f"urlopen('http://127.0.0.1:{port}/ready', timeout=3)" in test[3]


@pytest.mark.parametrize("worker, name", WORKERS.items())
def test_worker_runs_the_worker_module_of_its_service(services, worker, name):
    assert command_of(services[worker]) == ["python", "-m", f"{name}.worker"]
    assert "ports" not in services[worker]


WORKER_METRICS_PORTS = {f"{name}_worker": port + 1000 for name, port in WEB_PORTS.items()}


@pytest.mark.parametrize("worker, port", WORKER_METRICS_PORTS.items())
def test_worker_serves_metrics_and_ready_on_its_port_inside_the_network(services, worker, port):
    """Prometheus (in the compose network) scrapes worker:900x; nothing is published."""
    env = env_of(services[worker])
    assert env["WORKER_METRICS_PORT"] == str(port)
    assert env["WORKER_METRICS_HOST"] == "0.0.0.0"
    assert [str(p) for p in services[worker]["expose"]] == [str(port)]
    assert "ports" not in services[worker]


@pytest.mark.parametrize("worker, port", WORKER_METRICS_PORTS.items())
def test_worker_healthcheck_asks_the_ready_endpoint_of_its_metrics_port(services, worker, port):
    """Failed before this change: the check only opened TCP connections to PgBouncer and
    Kafka, so a worker whose consumer thread had died stayed healthy."""
    check = services[worker]["healthcheck"]
    assert check["test"][:3] == ["CMD", "python", "-c"]
    assert f"urlopen('http://127.0.0.1:{port}/ready', timeout=5)" in check["test"][3]
    assert int(str(check["timeout"]).rstrip("s")) > 5


def test_worker_metrics_ports_are_the_ports_of_the_local_stack(monkeypatch):
    """scripts/stack.py gives each worker its web port + 1000, as compose does."""
    from scripts import stack

    started = {}
    monkeypatch.setattr(stack, "_alive", lambda name: False)
    monkeypatch.setattr(stack.infra, "port_open", lambda port: False)
    monkeypatch.setattr(
        stack.infra, "start_process", lambda name, cmd, env: started.update({name: env})
    )
    stack.start_services("psymatch_unused")
    for worker, port in WORKER_METRICS_PORTS.items():
        name = worker.removesuffix("_worker")
        assert started[f"{name}-worker"]["WORKER_METRICS_PORT"] == str(port)


@pytest.mark.parametrize("name", sorted(set(WEB_PORTS) | set(WORKERS) | INFRASTRUCTURE))
def test_every_container_rotates_its_json_file_log(services, name):
    logging = services[name].get("logging")
    assert logging is not None, f"{name} has no logging section"
    assert logging["driver"] == "json-file"
    size = re.fullmatch(r"(\d+)([kmg])", str(logging["options"]["max-size"]))
    assert size, logging
    assert int(logging["options"]["max-file"]) >= 2


def test_migrate_is_a_one_shot_run_of_the_stack_script_after_postgres(services):
    migrate = services["migrate"]
    assert command_of(migrate) == ["python", "scripts/stack.py", "migrate"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert "healthcheck" not in migrate


@pytest.mark.parametrize("name", sorted(PROJECT_SERVICES))
def test_project_container_waits_for_migrate_pgbouncer_and_kafka(services, name):
    assert services[name]["depends_on"] == {
        "migrate": {"condition": "service_completed_successfully"},
        "pgbouncer": {"condition": "service_healthy"},
        "kafka": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }


# ------------------------------------------------------------------ compose: environment


@pytest.mark.parametrize("container, name", sorted(PROJECT_SERVICES.items()))
def test_each_container_connects_as_its_own_role(services, container, name, tmp_path):
    """Its role, its password (a secret file), PgBouncer at runtime, postgres to migrate."""
    env = env_of(services[container])
    assert "DATABASE_URL" not in env and "MIGRATION_DATABASE_URL" not in env
    assert env["DB_PASSWORD_FILE"] == f"/run/secrets/{name}_db_password"
    (tmp_path / "pw").write_text("role-password-" + "x" * 30)
    settings_env = {**env, "DB_PASSWORD_FILE": str(tmp_path / "pw")}
    settings_env = {
        k: v for k, v in settings_env.items() if not k.endswith(("SECRET_FILE", "KEY_FILE"))
    }
    settings = importlib.import_module(f"{name}.config").Settings
    with pytest.MonkeyPatch.context() as patch:
        for key, value in settings_env.items():
            patch.setenv(key, value)
        built = settings(environment="development", _env_file=None)
    role = rf"postgresql\+psycopg2://{name}:role-password-x{{30}}"
    assert re.fullmatch(rf"{role}@pgbouncer:6432/psymatch", built.db_url())
    assert re.fullmatch(rf"{role}@postgres:5432/psymatch", built.migration_db_url())


@pytest.mark.parametrize("container", sorted(PROJECT_SERVICES))
def test_each_container_gets_broker_and_service_urls_and_only_communication_smtp(
    services, container
):
    env = env_of(services[container])
    assert env["ENVIRONMENT"] == "production"
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
    if PROJECT_SERVICES[container] == "communication_service":
        assert (env["SMTP_HOST"], env["SMTP_PORT"]) == ("mailpit", "1025")
    for name, port in WEB_PORTS.items():
        assert env[f"{name.upper()}_URL"] == f"http://{name}:{port}"


def test_project_containers_read_the_env_file_and_the_infrastructure_does_not(services):
    for name in [*PROJECT_SERVICES, "migrate"]:
        env_file = services[name].get("env_file")
        assert env_file == ".env" or env_file == [".env"], name
    for name in ("postgres", "pgbouncer", "kafka", "mailpit"):
        assert "env_file" not in services[name], name


def test_jwt_secrets_come_from_secret_files_only(services):
    for name, service in services.items():
        env = env_of(service)
        assert "JWT_SECRET" not in env and "SERVICE_JWT_SECRET" not in env, name
        if name in PROJECT_SERVICES:
            assert env["JWT_SECRET_FILE"] == "/run/secrets/jwt_secret"
            assert env["SERVICE_JWT_SECRET_FILE"] == "/run/secrets/service_jwt_secret"


def test_every_secret_is_a_file_under_the_secrets_folder(compose):
    declared = compose["secrets"]
    assert set(declared) == SHARED_SECRETS | ROLE_SECRETS | CONSOLE_SECRETS | {
        "postgres_password",
        "answer_link_secret",
    }
    for name, spec in declared.items():
        assert spec == {"file": f"./secrets/{name}.txt"}, name


@pytest.mark.parametrize("container, name", sorted(PROJECT_SERVICES.items()))
def test_each_project_container_gets_only_the_secrets_it_needs(services, container, name):
    expected = SHARED_SECRETS | {f"{name}_db_password"}
    if name == "communication_service":
        expected |= {"answer_link_secret"}
    assert set(services[container]["secrets"]) == expected


def test_every_secret_file_a_container_names_is_mounted_into_it(compose, services):
    used = set()
    for name, service in services.items():
        mounted = set(service.get("secrets", []))
        named = {m["name"] for s in all_strings(service) for m in SECRET_FILE.finditer(s)}
        if name == "pgbouncer":  # its script builds the paths from the role names
            named |= ALL_ROLE_SECRETS
        assert named <= mounted, (name, named - mounted)
        assert mounted <= set(compose["secrets"]), name
        used |= mounted
    assert used == set(compose["secrets"]), "a declared secret nobody uses"


def test_postgres_gets_only_its_superuser_password_as_a_file(services):
    postgres = services["postgres"]
    assert postgres["secrets"] == ["postgres_password"]
    env = env_of(postgres)
    assert env["POSTGRES_PASSWORD_FILE"] == "/run/secrets/postgres_password"
    assert set(env) == {"POSTGRES_USER", "POSTGRES_PASSWORD_FILE", "POSTGRES_DB"}


def test_env_example_carries_no_secret_value():
    assignments = [
        line.split("=", 1)
        for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    ]
    names = [name.strip() for name, _ in assignments]
    assert "ENVIRONMENT" in names
    assert [n for n in names if SECRET_KEY.search(n) and not n.endswith("_FILE")] == []


def test_the_secret_files_are_never_committed():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "secrets/" in ignored or "/secrets/" in ignored


def test_migrate_gets_the_admin_url_and_every_role_password(services):
    migrate = services["migrate"]
    env = env_of(migrate)
    assert env["POSTGRES_ADMIN_URL"] == "postgresql+psycopg2://postgres@postgres:5432/postgres"
    assert env["POSTGRES_PASSWORD_FILE"] == "/run/secrets/postgres_password"
    for name in [*WEB_PORTS, CONSOLE]:
        assert env[f"{name.upper()}_DB_PASSWORD_FILE"] == f"/run/secrets/{name}_db_password"
    assert set(migrate["secrets"]) == ALL_ROLE_SECRETS | {"postgres_password"}


def test_no_password_or_secret_has_a_literal_value(compose):
    """A value under a PASSWORD/SECRET name is a ${...} reference or a mounted secret file."""
    offenders = [
        (path, value)
        for path, value in string_values_under_secret_keys(compose)
        if not SECRET_REFERENCE.fullmatch(value) and not SECRET_FILE.fullmatch(value)
    ]
    assert offenders == []


def test_no_connection_url_carries_a_password(compose):
    """Passwords are secret files, so no URL in the file holds one, not even a ${...}."""
    passwords = [m["password"] for s in all_strings(compose) for m in URL_PASSWORD.finditer(s)]
    assert passwords == []


# ------------------------------------------------------------------ compose: infrastructure


def test_postgres_is_checked_with_pg_isready_and_keeps_data_in_a_volume(compose, services):
    postgres = services["postgres"]
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert env_of(postgres)["POSTGRES_PASSWORD_FILE"] == "/run/secrets/postgres_password"
    volume = postgres["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]


def test_pgbouncer_pools_transactions_on_6432_for_all_six_roles(services):
    pgbouncer = services["pgbouncer"]
    env = env_of(pgbouncer)
    assert (env["POOL_MODE"], env["LISTEN_PORT"]) == ("transaction", "6432")
    assert env["AUTH_TYPE"] == "scram-sha-256"
    assert (env["DB_HOST"], env["DB_NAME"]) == ("postgres", "psymatch")
    assert pgbouncer["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    script = " ".join(pgbouncer["entrypoint"])
    assert 'password="$$(cat "/run/secrets/$${1}_db_password")"' in script
    for name in [*WEB_PORTS, CONSOLE]:
        assert re.search(rf"^\s*add_user {name}$", script, re.M), name
        assert f"{name.upper()}_DB_PASSWORD" not in env
    assert set(pgbouncer["secrets"]) == ALL_ROLE_SECRETS


def test_kafka_is_a_single_kraft_node_reachable_at_kafka_9092(compose, services):
    kafka = services["kafka"]
    env = env_of(kafka)
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert env["KAFKA_ADVERTISED_LISTENERS"] == "PLAINTEXT://kafka:9092"
    assert "kafka-broker-api-versions.sh" in " ".join(kafka["healthcheck"]["test"])
    assert not any("zookeeper" in s.lower() for s in all_strings(compose))
    assert kafka["volumes"][0].split(":")[0] in compose["volumes"]


def test_mailpit_serves_smtp_1025_and_its_ui_on_8025_locally(services):
    mailpit = services["mailpit"]
    assert "1025" in [str(port) for port in mailpit["expose"]]
    assert mailpit["ports"] == ["127.0.0.1:8025:8025"]


# ------------------------------------------------------------------ compose: redis and backup
# Failed before this change (issue 20): there was no redis service, the services kept their
# rate-limit counters per process (memory://), and there was no backup service.

RATE_LIMIT_STORAGE = "redis://redis:6379/0"


def test_redis_holds_the_rate_limit_counters_without_persistence_or_published_port(services):
    redis = services["redis"]
    assert redis["image"].startswith("redis:7.")
    assert redis["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    assert "ports" not in redis and "env_file" not in redis
    assert "6379" in [str(port) for port in redis["expose"]]
    command = command_of(redis)
    assert command[0] == "redis-server"
    assert command[command.index("--appendonly") + 1] == "no"
    assert command[command.index("--save") + 1] == ""
    assert "--maxmemory" in command


@pytest.mark.parametrize("container", sorted(PROJECT_SERVICES))
def test_every_container_counts_rate_limits_in_redis(services, container):
    assert env_of(services[container])["RATE_LIMIT_STORAGE_URI"] == RATE_LIMIT_STORAGE


def test_the_storage_uri_is_the_setting_the_rate_limiter_reads():
    from shared.config import BaseServiceSettings

    field = BaseServiceSettings.model_fields["rate_limit_storage_uri"]
    assert field.default == "memory://"  # the local stack; compose overrides it
    assert BaseServiceSettings(rate_limit_storage_uri=RATE_LIMIT_STORAGE, _env_file=None)


def backup_script(services: dict[str, Any]) -> str:
    entrypoint = services["backup"]["entrypoint"]
    assert entrypoint[:2] == ["/bin/sh", "-ec"]
    return entrypoint[2]


def test_backup_dumps_with_pg_dump_custom_format_into_a_volume(compose, services):
    backup = services["backup"]
    assert backup["image"] == services["postgres"]["image"]  # pg_dump of the server's version
    assert backup["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert "env_file" not in backup and "ports" not in backup
    volume, target = backup["volumes"][0].split(":")[:2]
    assert (volume, target) == ("backup-data", "/backups")
    assert volume in compose["volumes"]
    env = env_of(backup)
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"]) == ("postgres", "5432", "postgres")
    assert env["PGDATABASE"] == "psymatch"
    assert env["PGPASSWORD_FILE"] == "/run/secrets/postgres_password"
    assert backup["secrets"] == ["postgres_password"]
    assert "PGPASSWORD" not in env  # the password is a secret file, never an environment value
    assert env["BACKUP_INTERVAL_S"] == "${BACKUP_INTERVAL_S:-86400}"
    assert env["BACKUP_KEEP"] == "${BACKUP_KEEP:-14}"
    script = backup_script(services)
    assert "pg_dump -Fc" in script
    assert "while true" in script and 'sleep "$$BACKUP_INTERVAL_S"' in script
    assert "BACKUP_KEEP + 1" in script  # retention: the newest N files stay
    assert ".last-success" in " ".join(backup["healthcheck"]["test"])


def test_backup_script_is_valid_shell(services):
    """`sh -n` on the script as the container sees it ($$ is compose's escape for $)."""
    import subprocess

    script = backup_script(services).replace("$$", "$")
    result = subprocess.run(["sh", "-n"], input=script, text=True, capture_output=True)
    assert result.returncode == 0, result.stderr


# ------------------------------------------------------------------ Dockerfile


@pytest.fixture(scope="module")
def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs with comments dropped and continuation lines joined."""
    assert DOCKERFILE.is_file(), "Dockerfile is missing"
    text = DOCKERFILE.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    pairs = [line.strip().split(None, 1) for line in joined.splitlines() if line.strip()]
    return [(pair[0].upper(), pair[1] if len(pair) > 1 else "") for pair in pairs]


def test_dockerfile_builds_on_python_311_slim(dockerfile_instructions):
    bases = [args.split()[0] for op, args in dockerfile_instructions if op == "FROM"]
    assert bases and all(base == "python:3.11-slim" for base in bases)


def test_dockerfile_installs_the_project_with_pip(dockerfile_instructions):
    runs = " ".join(args for op, args in dockerfile_instructions if op == "RUN")
    assert re.search(r"pip install (\S+ )*\.(\s|$)", runs)


def test_dockerfile_ships_migrations_alembic_ini_and_scripts(dockerfile_instructions):
    sources = {args.split()[0] for op, args in dockerfile_instructions if op == "COPY"}
    assert {"alembic.ini", "migrations", "scripts"} <= sources


def test_dockerfile_ships_the_gunicorn_config_in_the_working_directory(dockerfile_instructions):
    """The web commands say `--config gunicorn.conf.py`, relative to WORKDIR /app."""
    copies = [args.split() for op, args in dockerfile_instructions if op == "COPY"]
    assert ["gunicorn.conf.py", "./gunicorn.conf.py"] in copies
    workdirs = [args for op, args in dockerfile_instructions if op == "WORKDIR"]
    assert workdirs[-1] == "/app"


def test_dockerfile_runs_as_a_non_root_user(dockerfile_instructions):
    users = [args.split()[0] for op, args in dockerfile_instructions if op == "USER"]
    assert users, "no USER line"
    assert users[-1].split(":")[0] not in {"root", "0"}


def test_dockerfile_bakes_in_no_secret(dockerfile_instructions):
    for op, args in dockerfile_instructions:
        if op in {"ENV", "ARG"}:
            assert not SECRET_KEY.search(args), args


# Variables a container sets that are read by something other than the service's settings.
NOT_SETTINGS = {
    "MIGRATION_DATABASE_URL": "scripts/stack.py migrate (the migrate container and entrypoints)",
    "PYTHONUNBUFFERED": "the Python runtime",
}


@pytest.mark.parametrize("container,name", sorted(PROJECT_SERVICES.items()))
def test_every_variable_a_container_sets_is_a_setting_of_its_service(services, container, name):
    """Compose and `make up` read the same settings: a misspelt or stale name would be ignored."""
    settings = importlib.import_module(f"{name}.config").Settings
    known = {field.upper() for field in settings.model_fields}
    known |= {f"{field.upper()}_FILE" for field in secret_setting_names(settings)}
    unknown = sorted(set(env_of(services[container])) - known - set(NOT_SETTINGS))
    assert unknown == [], f"{container} sets variables its settings do not read: {unknown}"


def test_compose_ports_are_the_ports_of_the_local_stack():
    assert WEB_PORTS == SERVICE_PORTS


# ------------------------------------------------------------------ compose: the staff console


def test_the_console_bootstraps_its_first_admin_then_serves_gunicorn_on_8000(services):
    console = services[CONSOLE]
    script = command_of(console)[-1]
    bootstrap, serve = [line.strip() for line in script.strip().splitlines()]
    assert bootstrap == (
        "python -m staff_console.bootstrap --admin-password-file "
        "/run/secrets/console_admin_password"
    )
    assert serve.startswith("exec gunicorn --bind 0.0.0.0:8000 ")
    assert serve.endswith('"staff_console.app:create_app()"')
    assert published_ports(console) == {(8000, 8000)}
    assert "8000/ready" in " ".join(console["healthcheck"]["test"])


def test_the_console_gets_its_own_role_key_and_session_secret_only(services, tmp_path):
    from staff_console.config import ConsoleSettings

    console = services[CONSOLE]
    assert set(console["secrets"]) == CONSOLE_SECRETS
    env = env_of(console)
    assert env["CONSOLE_JWT_PRIVATE_KEY_FILE"] == "/run/secrets/console_jwt_private_key"
    assert env["CONSOLE_SECRET_KEY_FILE"] == "/run/secrets/console_session_key"
    assert env["DB_PASSWORD_FILE"] == "/run/secrets/staff_console_db_password"
    for name, port in WEB_PORTS.items():
        assert env[f"{name.upper()}_URL"] == f"http://{name}:{port}"
    (tmp_path / "pw").write_text("role-password-" + "x" * 30)
    plain = {k: v for k, v in env.items() if not k.endswith("_FILE")}
    with pytest.MonkeyPatch.context() as patch:
        for key, value in {**plain, "DB_PASSWORD_FILE": str(tmp_path / "pw")}.items():
            patch.setenv(key, value)
        built = ConsoleSettings(environment="development", _env_file=None)
    assert built.db_url() == (
        "postgresql+psycopg2://staff_console:role-password-" + "x" * 30 + "@pgbouncer:6432/psymatch"
    )


def test_every_service_trusts_the_console_key_from_its_secret_file(services):
    for name in PROJECT_SERVICES:
        env = env_of(services[name])
        assert env["CONSOLE_JWT_PUBLIC_KEY_FILE"] == "/run/secrets/console_jwt_public_key", name
