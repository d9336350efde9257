"""The secret files of docker-compose.yml, made by `stack.py make-secrets`, and the migrate
step reading passwords from files. Failed before issue 20's secrets item: there was no
make-secrets, and the migrate step read passwords from variables only."""

import stat

import jwt
import yaml

from scripts import infra
from scripts.stack import COMPOSE_SECRETS, make_secrets
from shared.config import weak_secret_reason


def test_make_secrets_writes_every_compose_secret_once(tmp_path):
    folder = tmp_path / "secrets"
    assert sorted(make_secrets(folder)) == sorted(COMPOSE_SECRETS)
    values = {name: (folder / f"{name}.txt").read_text() for name in COMPOSE_SECRETS}
    assert len(set(values.values())) == len(values)  # each secret its own value
    for name, value in values.items():
        assert weak_secret_reason(value.strip()) is None, name
        mode = stat.S_IMODE((folder / f"{name}.txt").stat().st_mode)
        assert mode == 0o644, name  # readable by the non-root users inside the containers
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    (folder / "jwt_secret.txt").write_text("kept-" + "k" * 40)
    assert make_secrets(folder) == []  # existing files are never replaced
    assert (folder / "jwt_secret.txt").read_text() == "kept-" + "k" * 40


def test_make_secrets_covers_exactly_the_secrets_of_the_compose_file():
    compose = yaml.safe_load((infra.ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert set(compose["secrets"]) == set(COMPOSE_SECRETS)


def test_migrate_reads_the_role_and_admin_passwords_from_files(tmp_path, monkeypatch):
    (tmp_path / "role").write_text("role-pw-" + "r" * 32 + "\n")
    (tmp_path / "admin").write_text("admin/pw@" + "a" * 32 + "\n")
    monkeypatch.delenv("PATIENT_SERVICE_DB_PASSWORD", raising=False)
    monkeypatch.delenv("POSTGRES_PASSWORD", raising=False)
    monkeypatch.setenv("PATIENT_SERVICE_DB_PASSWORD_FILE", str(tmp_path / "role"))
    monkeypatch.setenv(
        "POSTGRES_ADMIN_URL", "postgresql+psycopg2://postgres@postgres:5432/postgres"
    )
    monkeypatch.setenv("POSTGRES_PASSWORD_FILE", str(tmp_path / "admin"))
    assert infra.db_password("patient_service") == "role-pw-" + "r" * 32
    assert infra.admin_configured()
    assert infra.admin_url() == (
        "postgresql+psycopg2://postgres:admin%2Fpw%40" + "a" * 32 + "@postgres:5432/postgres"
    )


def test_without_files_the_local_stack_keeps_its_defaults(monkeypatch):
    for name in ("POSTGRES_ADMIN_URL", "POSTGRES_PASSWORD", "POSTGRES_PASSWORD_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("PATIENT_SERVICE_DB_PASSWORD", raising=False)
    monkeypatch.delenv("PATIENT_SERVICE_DB_PASSWORD_FILE", raising=False)
    assert infra.db_password("patient_service") == "patient_service-dev"
    assert infra.admin_url() == infra.PG_ADMIN_DEFAULT
    assert not infra.admin_configured()


def test_the_console_key_pair_is_pem_and_belongs_together(tmp_path):
    from shared.http.auth import issue_console_token

    folder = tmp_path / "secrets"
    make_secrets(folder)
    private = (folder / "console_jwt_private_key.txt").read_text()
    public = (folder / "console_jwt_public_key.txt").read_text()
    assert "BEGIN PRIVATE KEY" in private and "BEGIN PUBLIC KEY" in public
    claims = jwt.decode(
        issue_console_token(private, "erika", "staff"),
        public,
        algorithms=["RS256"],
        audience="psymatch-services",
    )
    assert claims["sub"] == "console:erika"


def test_services_started_before_any_console_key_exists_still_start(tmp_path, monkeypatch):
    """Failed before: the fault tests start workers with service_env on a fresh machine, where
    no `make up` has made the console's key yet, and the settings could not read the file."""
    from scripts import stack

    monkeypatch.setattr(stack, "CONSOLE_KEYS", tmp_path / "console")
    monkeypatch.delenv("CONSOLE_JWT_PUBLIC_KEY", raising=False)
    assert "CONSOLE_JWT_PUBLIC_KEY_FILE" not in stack.service_env("patient_service")
    from staff_console.bootstrap import ensure_keys

    ensure_keys(tmp_path / "console")
    env = stack.service_env("patient_service")
    assert env["CONSOLE_JWT_PUBLIC_KEY_FILE"] == str(tmp_path / "console" / "console-jwt.pub.pem")
