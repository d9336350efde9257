"""Typed settings, read once from the environment (and `.env`) by app.py / worker.py only."""

from __future__ import annotations

import os
from typing import Literal

from limits import parse as parse_rate_limit
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_JWT_SECRET = "dev-only-insecure-jwt-secret-change-me"  # noqa: S105 - refused in production

SERVICE_NAMES = (
    "patient_service",
    "therapist_service",
    "matching_service",
    "communication_service",
    "geocoding_service",
    "scraping_service",
)
# Local stacks side by side (several checkouts on one machine) shift every port of the six
# services, their worker metrics and the console by PSYMATCH_PORT_OFFSET (development only).
PORT_OFFSET = int(os.environ.get("PSYMATCH_PORT_OFFSET", "0"))
SERVICE_PORTS = {name: 8001 + PORT_OFFSET + i for i, name in enumerate(SERVICE_NAMES)}


def local_url(service_name: str) -> str:
    """Where a service answers on the local stack."""
    return f"http://127.0.0.1:{SERVICE_PORTS[service_name]}"


def dev_db_password(service_name: str) -> str:
    """The local-stack password of a service's database role (development only)."""
    return f"{service_name}-dev"


def default_database_url(service_name: str, host: str, port: int, database: str) -> str:
    """The URL a service uses when DATABASE_URL is not set (its own role, dev password)."""
    password = dev_db_password(service_name)
    return f"postgresql+psycopg2://{service_name}:{password}@{host}:{port}/{database}"


class BaseServiceSettings(BaseSettings):
    """Settings every service has; a service subclasses this and sets `service_name`."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    service_name: str = "shared"
    environment: Literal["development", "test", "production"] = "development"
    log_level: str = "INFO"

    db_host: str = "127.0.0.1"
    db_port: int = 6432
    db_direct_port: int = 5432
    db_name: str = "psymatch"
    database_url: SecretStr | None = None
    migration_database_url: SecretStr | None = None
    db_pool_size: int = 5
    db_statement_timeout_ms: int = 15000

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_topic_prefix: str = ""
    kafka_session_timeout_ms: int = 6000
    kafka_heartbeat_interval_ms: int = 1000
    consumer_max_attempts: int = 3
    outbox_batch_size: int = 500
    outbox_poll_interval_s: float = 0.2
    outbox_retention_days: int = Field(
        default=30, ge=1, description="Published outbox rows are deleted after this many days"
    )
    outbox_prune_interval_s: float = Field(
        default=86_400, gt=0, description="How often the prune-outbox job runs (seconds)"
    )

    jwt_secret: SecretStr = SecretStr(DEV_JWT_SECRET)
    jwt_algorithm: Literal["HS256", "RS256"] = "HS256"
    jwt_public_key: str | None = None
    jwt_issuer: str | None = None

    worker_metrics_port: int | None = Field(
        default=None,
        description="Port of the worker's Prometheus metrics and `GET /ready`; unset: neither",
    )
    worker_metrics_host: str = Field(
        default="127.0.0.1",
        description="Address the worker's metrics and `/ready` listen on (`0.0.0.0` in a "
        "container, so Prometheus and the health check can reach them)",
    )
    allow_clock_override: bool = False
    jobs_enabled: bool = True
    trusted_proxy_hops: int = Field(
        default=0,
        ge=0,
        le=5,
        description="Reverse proxies in front of the service whose X-Forwarded-For/-Proto are "
        "trusted (Werkzeug ProxyFix); 0: the headers are ignored",
    )
    max_request_bytes: int = Field(
        default=1_048_576, gt=0, description="Largest accepted request body (bytes); larger: 413"
    )

    rate_limit_enabled: bool = Field(
        default=True, description="Limit POST/PUT/PATCH/DELETE under /api per caller (429)"
    )
    rate_limit_writes: str = Field(
        default="120/minute",
        description="Writes per caller (token subject, else client address), e.g. `120/minute`",
    )
    rate_limit_storage_uri: str = Field(
        default="memory://",
        description="Counter storage; per process by default, `redis://host:6379` shares "
        "the counters between gunicorn workers and hosts",
    )
    cors_origins: str = Field(
        default="",
        description="Comma-separated origins allowed to call the API from a browser; "
        "empty = no CORS headers at all",
    )
    cors_allow_credentials: bool = Field(
        default=False, description="Send Access-Control-Allow-Credentials (never with `*`)"
    )

    patient_service_url: str = local_url("patient_service")
    therapist_service_url: str = local_url("therapist_service")
    matching_service_url: str = local_url("matching_service")
    communication_service_url: str = local_url("communication_service")
    geocoding_service_url: str = local_url("geocoding_service")
    scraping_service_url: str = local_url("scraping_service")

    @field_validator("rate_limit_writes")
    @classmethod
    def _rate_limit_parses(cls, value: str) -> str:
        parse_rate_limit(value)  # raises ValueError on a malformed limit
        return value

    @model_validator(mode="after")
    def _refuse_wildcard_origin_with_credentials(self) -> BaseServiceSettings:
        if "*" in self.cors_origin_list and self.cors_allow_credentials:
            raise ValueError("CORS_ORIGINS='*' is refused when CORS_ALLOW_CREDENTIALS is true")
        return self

    @property
    def cors_origin_list(self) -> tuple[str, ...]:
        """The configured CORS origins, without blanks and trailing slashes."""
        parts = (part.strip().rstrip("/") for part in self.cors_origins.split(","))
        return tuple(part for part in parts if part)

    @model_validator(mode="after")
    def _refuse_dev_secret_in_production(self) -> BaseServiceSettings:
        dev_secret = self.jwt_secret.get_secret_value() == DEV_JWT_SECRET
        if self.environment == "production" and dev_secret:
            raise ValueError("JWT_SECRET must be set to a real secret in production")
        return self

    @property
    def db_schema(self) -> str:
        """The PostgreSQL schema this service owns (= its package name)."""
        return self.service_name

    def db_url(self) -> str:
        """Runtime URL (through PgBouncer)."""
        if self.database_url:
            return self.database_url.get_secret_value()
        return default_database_url(self.service_name, self.db_host, self.db_port, self.db_name)

    def migration_db_url(self) -> str:
        """Direct URL for migrations (bypasses PgBouncer)."""
        if self.migration_database_url:
            return self.migration_database_url.get_secret_value()
        return default_database_url(
            self.service_name, self.db_host, self.db_direct_port, self.db_name
        )

    def topic(self, name: str) -> str:
        """A topic name with the configured prefix (tests isolate themselves with a prefix)."""
        return f"{self.kafka_topic_prefix}{name}"

    @property
    def consumer_group(self) -> str:
        """The worker's consumer group; prefixed like the topics, so that stacks and tests
        sharing one broker under different prefixes never join each other's group."""
        return f"{self.kafka_topic_prefix}{self.service_name}"
