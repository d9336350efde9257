"""Secrets in production: no placeholders, no dev defaults, at least 32 bytes; every secret
setting can come from a file (`<NAME>_FILE`). All failed before issue 20's secrets item:
production only refused the dev JWT_SECRET, and there was no SERVICE_JWT_SECRET, DB_PASSWORD
or `_FILE` convention."""

import pytest
from pydantic import ValidationError

from shared.config import (
    DEV_JWT_SECRET,
    DEV_SERVICE_JWT_SECRET,
    BaseServiceSettings,
    secret_from_env,
    weak_secret_reason,
)

STRONG = {
    "jwt_secret": "j" * 40,
    "service_jwt_secret": "s" * 40,
    "db_password": "p" * 40,
}
PLACEHOLDER = "change-me-to-a-long-random-secret"  # the values .env.example used to carry


@pytest.fixture(autouse=True)
def _no_secrets_from_the_environment(monkeypatch):
    for name in ("JWT_SECRET", "SERVICE_JWT_SECRET", "DB_PASSWORD", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(f"{name}_FILE", raising=False)


def production(**overrides):
    values = {**STRONG, **overrides}
    return BaseServiceSettings(
        environment="production", service_name="patient_service", _env_file=None, **values
    )


def test_production_starts_with_strong_secrets():
    assert production().environment == "production"


@pytest.mark.parametrize("name", ["jwt_secret", "service_jwt_secret", "db_password"])
@pytest.mark.parametrize(
    "value, reason",
    [
        (PLACEHOLDER, "placeholder"),
        ("CHANGE-ME" + "x" * 40, "placeholder"),
        ("short-but-random-Zq81", "shorter than 32 bytes"),
        ("ä" * 15, "shorter than 32 bytes"),  # 30 bytes, though 15 characters
    ],
)
def test_production_refuses_placeholders_and_short_secrets(name, value, reason):
    with pytest.raises(ValidationError, match=f"{name.upper()} .*{reason}"):
        production(**{name: value})


@pytest.mark.parametrize("value", [DEV_JWT_SECRET, DEV_SERVICE_JWT_SECRET])
def test_production_refuses_the_dev_jwt_secrets(value):
    with pytest.raises(ValidationError, match="JWT_SECRET"):
        production(jwt_secret=value)
    with pytest.raises(ValidationError, match="SERVICE_JWT_SECRET"):
        production(service_jwt_secret=value)


def test_production_refuses_the_same_secret_for_user_and_service_tokens():
    with pytest.raises(ValidationError, match="must differ"):
        production(jwt_secret="k" * 40, service_jwt_secret="k" * 40)


def test_production_needs_a_db_password_and_refuses_weak_ones_in_urls():
    with pytest.raises(ValidationError, match="DB_PASSWORD"):
        production(db_password=None)
    weak = "postgresql+psycopg2://patient_service:patient_service-dev@pgbouncer:6432/psymatch"
    with pytest.raises(ValidationError, match="password in DATABASE_URL .*development"):
        production(db_password=None, database_url=weak)
    short = "postgresql+psycopg2://patient_service:abc@postgres:5432/psymatch"
    with pytest.raises(ValidationError, match="password in MIGRATION_DATABASE_URL"):
        production(migration_database_url=short)
    strong = f"postgresql+psycopg2://patient_service:{'q' * 40}@pgbouncer:6432/psymatch"
    assert production(db_password=None, database_url=strong)


def test_rs256_in_production_needs_a_pem_key_but_no_jwt_secret():
    rs256 = {"jwt_algorithm": "RS256", "jwt_secret": DEV_JWT_SECRET}
    with pytest.raises(ValidationError, match="PEM"):
        production(**rs256, jwt_public_key="change-me")
    pem = "-----BEGIN PUBLIC KEY-----\nMIIB...\n-----END PUBLIC KEY-----"
    assert production(**rs256, jwt_public_key=pem).jwt_algorithm == "RS256"


def test_development_keeps_its_defaults():
    settings = BaseServiceSettings(service_name="patient_service", _env_file=None)
    assert settings.service_jwt_secret.get_secret_value() == DEV_SERVICE_JWT_SECRET
    assert ":patient_service-dev@" in settings.db_url()


def test_every_secret_setting_can_come_from_a_file(tmp_path, monkeypatch):
    for name, value in {
        "JWT_SECRET": "f" * 40,
        "SERVICE_JWT_SECRET": "g" * 40,
        "DB_PASSWORD": "h/@:" + "h" * 36,  # characters that need quoting in a URL
        "JWT_PUBLIC_KEY": "-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----",
    }.items():
        path = tmp_path / f"{name.lower()}.txt"
        path.write_text(value + "\n")  # `echo` and editors end files with a newline
        monkeypatch.setenv(f"{name}_FILE", str(path))
    settings = BaseServiceSettings(
        environment="production",
        service_name="patient_service",
        db_host="pgbouncer",
        db_direct_host="postgres",
        _env_file=None,
    )
    assert settings.jwt_secret.get_secret_value() == "f" * 40
    assert settings.service_jwt_secret.get_secret_value() == "g" * 40
    assert settings.jwt_public_key.endswith("-----END PUBLIC KEY-----")
    assert settings.db_url().startswith("postgresql+psycopg2://patient_service:h%2F%40%3Ahhh")
    assert settings.db_url().endswith("@pgbouncer:6432/psymatch")
    assert settings.migration_db_url().endswith("@postgres:5432/psymatch")


def test_service_specific_secrets_come_from_files_too(tmp_path, monkeypatch):
    from communication_service.config import Settings

    path = tmp_path / "answer_link_secret.txt"
    path.write_text("a" * 48)
    monkeypatch.setenv("ANSWER_LINK_SECRET_FILE", str(path))
    assert Settings(_env_file=None).answer_link_secret.get_secret_value() == "a" * 48


def test_a_secret_and_its_file_together_are_refused(tmp_path, monkeypatch):
    path = tmp_path / "jwt_secret.txt"
    path.write_text("f" * 40)
    monkeypatch.setenv("JWT_SECRET_FILE", str(path))
    monkeypatch.setenv("JWT_SECRET", "e" * 40)
    with pytest.raises(ValueError, match="JWT_SECRET or JWT_SECRET_FILE"):
        BaseServiceSettings(_env_file=None)


def test_an_unreadable_secret_file_names_its_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("SERVICE_JWT_SECRET_FILE", str(tmp_path / "missing.txt"))
    with pytest.raises(ValueError, match="SERVICE_JWT_SECRET_FILE=.*missing.txt"):
        BaseServiceSettings(_env_file=None)


def test_secret_from_env_reads_the_variable_or_its_file(tmp_path):
    path = tmp_path / "pw.txt"
    path.write_text("from-file\n")
    assert secret_from_env("X", {"X": "direct"}) == "direct"
    assert secret_from_env("X", {"X_FILE": str(path)}) == "from-file"
    assert secret_from_env("X", {}) is None
    with pytest.raises(ValueError, match="not both"):
        secret_from_env("X", {"X": "a", "X_FILE": str(path)})


def test_weak_secret_reason():
    assert weak_secret_reason("r" * 32) is None
    assert weak_secret_reason("r" * 31) == "is shorter than 32 bytes"
    assert "placeholder" in weak_secret_reason(PLACEHOLDER)
    assert weak_secret_reason("x" * 40, "x" * 40) is not None  # a known default


def test_production_refuses_a_short_answer_link_secret():
    from communication_service.config import Settings

    with pytest.raises(ValidationError, match="ANSWER_LINK_SECRET is shorter"):
        Settings(
            environment="production",
            answer_link_secret="a" * 20,
            public_base_url="https://vermittlung.example",
            _env_file=None,
            **STRONG,
        )
