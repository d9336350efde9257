"""Settings: read once, typed, secrets never shown, dev secret refused in production."""

import pytest
from pydantic import ValidationError

from shared.config import DEV_JWT_SECRET, BaseServiceSettings


def test_production_refuses_the_dev_jwt_secret():
    with pytest.raises(ValidationError, match="JWT_SECRET"):
        BaseServiceSettings(environment="production")


def test_production_accepts_a_real_secret():
    s = BaseServiceSettings(
        environment="production",
        jwt_secret="x" * 40,
        service_jwt_secret="y" * 40,
        db_password="z" * 40,
    )
    assert s.environment == "production"


def test_secrets_do_not_appear_in_repr():
    s = BaseServiceSettings(database_url="postgresql://u:topsecret@h/db")
    assert "topsecret" not in repr(s)
    assert DEV_JWT_SECRET not in repr(s)


def test_environment_variables_are_read(monkeypatch):
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "broker:9092")
    monkeypatch.setenv("ALLOW_CLOCK_OVERRIDE", "true")
    s = BaseServiceSettings()
    assert s.kafka_bootstrap_servers == "broker:9092"
    assert s.allow_clock_override is True


def test_clock_override_is_off_by_default(monkeypatch):
    monkeypatch.delenv("ALLOW_CLOCK_OVERRIDE", raising=False)
    assert BaseServiceSettings(_env_file=None).allow_clock_override is False


def test_default_url_goes_through_pgbouncer_with_the_service_role():
    s = BaseServiceSettings(service_name="patient_service", _env_file=None)
    assert s.db_url().startswith("postgresql+psycopg2://patient_service:")
    assert "@127.0.0.1:6432/psymatch" in s.db_url()
    assert ":5432/" in s.migration_db_url()


def test_production_refuses_the_clock_override():
    strong = {"jwt_secret": "x" * 40, "service_jwt_secret": "y" * 40, "db_password": "z" * 40}
    with pytest.raises(ValidationError, match="ALLOW_CLOCK_OVERRIDE"):
        BaseServiceSettings(environment="production", allow_clock_override=True, **strong)
    assert BaseServiceSettings(environment="test", allow_clock_override=True).allow_clock_override
