"""Typed settings, read once from the environment (and `.env`) by app.py / worker.py only."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from limits import parse as parse_rate_limit
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from sqlalchemy.engine import make_url

from shared.events.topics import consumed_topics

DEV_JWT_SECRET = "dev-only-insecure-jwt-secret-change-me"  # noqa: S105 - refused in production
DEV_SERVICE_JWT_SECRET = "dev-only-insecure-service-jwt-secret-change-me"  # noqa: S105

SERVICE_NAMES = (
    "patient_service",
    "therapist_service",
    "matching_service",
    "communication_service",
    "geocoding_service",
    "scraping_service",
)
# Every schema of the database has its own login role: the six services and the staff console.
DATABASE_ROLES = (*SERVICE_NAMES, "staff_console")
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


def default_database_url(
    service_name: str, host: str, port: int, database: str, password: str | None = None
) -> str:
    """The URL a service uses when DATABASE_URL is not set (its own role; DB_PASSWORD, else
    the dev password)."""
    url = make_url(f"postgresql+psycopg2://{service_name}@{host}:{port}/{database}")
    url = url.set(password=password or dev_db_password(service_name))
    return url.render_as_string(hide_password=False)


# ------------------------------------------------------------------ secrets

MIN_SECRET_BYTES = 32
PLACEHOLDER_MARKERS = ("change-me", "changeme", "change_me", "dev-only", "placeholder")


def file_variable(name: str) -> str:
    """`JWT_SECRET` → `JWT_SECRET_FILE`: the variable naming a file that holds the value."""
    return f"{name}_FILE"


def read_secret_file(variable: str, path: str) -> str:
    """The content of a secret file (surrounding whitespace and the final newline dropped)."""
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ValueError(f"{variable}={path}: cannot read the file ({exc.strerror})") from exc


def secret_from_env(name: str, environ: Any = None) -> str | None:
    """A secret from the variable `name` or from the file named by `name_FILE` (not both)."""
    env = os.environ if environ is None else environ
    value, path = env.get(name), env.get(file_variable(name))
    if value and path:
        raise ValueError(f"set {name} or {file_variable(name)}, not both")
    if path:
        return read_secret_file(file_variable(name), path)
    return value or None


def weak_secret_reason(value: str, *known_defaults: str) -> str | None:
    """Why `value` cannot be a production secret (placeholder, dev default, too short)."""
    if value in known_defaults or any(m in value.lower() for m in PLACEHOLDER_MARKERS):
        return "is a placeholder or development default"
    if value.endswith("-dev") and value.removesuffix("-dev") in SERVICE_NAMES:
        return "is a development default"
    if len(value.encode("utf-8")) < MIN_SECRET_BYTES:
        return f"is shorter than {MIN_SECRET_BYTES} bytes"
    return None


# kafka-python waits 500 ms by default; see BaseServiceSettings.kafka_fetch_max_wait_ms
KAFKA_FETCH_MAX_WAIT_MS = 100


class SecretFileSource(PydanticBaseSettingsSource):
    """`<NAME>_FILE` for every secret setting: the value is read from that file (Docker/compose
    secrets under /run/secrets, Kubernetes secret volumes). Setting both is refused."""

    def __init__(self, settings_cls: type[BaseSettings], names: tuple[str, ...]) -> None:
        super().__init__(settings_cls)
        self.names = names

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # everything happens in __call__

    def __call__(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name in self.names:
            variable = file_variable(name.upper())
            path = os.environ.get(variable)
            if not path:
                continue
            if os.environ.get(name.upper()):
                raise ValueError(f"set {name.upper()} or {variable}, not both")
            values[name] = read_secret_file(variable, path)
        return values


# Public keys are no secrets, but long: like secrets they may come from a `<NAME>_FILE`.
PUBLIC_KEY_SETTINGS = ("jwt_public_key", "console_jwt_public_key")


def secret_setting_names(settings_cls: type[BaseSettings]) -> tuple[str, ...]:
    """The settings that can come from a file: every SecretStr field, and the JWT public key."""
    names = [
        name
        for name, field in settings_cls.model_fields.items()
        if "SecretStr" in str(field.annotation) or name in PUBLIC_KEY_SETTINGS
    ]
    return tuple(names)


class FileSecretSettings(BaseSettings):
    """Settings read once from the environment and `.env`, every secret also from the file its
    `<NAME>_FILE` names (the services' and the staff console's settings)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        files = SecretFileSource(settings_cls, secret_setting_names(settings_cls))
        return (init_settings, env_settings, files, dotenv_settings, file_secret_settings)


class BaseServiceSettings(FileSecretSettings):
    """Settings every service has; a service subclasses this and sets `service_name`."""

    service_name: str = "shared"
    environment: Literal["development", "test", "production"] = "development"
    log_level: str = "INFO"

    db_host: str = "127.0.0.1"
    db_port: int = 6432
    db_direct_port: int = 5432
    db_name: str = "psymatch"
    db_direct_host: str | None = Field(
        default=None, description="Host of PostgreSQL itself for migrations; unset: DB_HOST"
    )
    db_password: SecretStr | None = Field(
        default=None,
        description="Password of the service's own role, used when DATABASE_URL is not set "
        "(e.g. DB_PASSWORD_FILE=/run/secrets/patient_service_db_password); unset: dev password",
    )
    database_url: SecretStr | None = None
    migration_database_url: SecretStr | None = None
    db_pool_size: int = 5
    db_statement_timeout_ms: int = 15000

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_topic_prefix: str = ""
    kafka_session_timeout_ms: int = 6000
    kafka_heartbeat_interval_ms: int = 1000
    kafka_fetch_max_wait_ms: int = Field(
        default=KAFKA_FETCH_MAX_WAIT_MS,
        ge=1,
        description="Longest a consumer's fetch waits at the broker for new events (Kafka "
        "answers as soon as one arrives; the local broker may hold the fetch until this "
        "passes: 500, kafka-python's default, made every event hop wait up to half a second)",
    )
    consumer_max_attempts: int = 3
    consumer_partition_workers: int = Field(
        default=1,
        ge=1,
        description="Partitions a worker's consumer applies side by side, one transaction each "
        "(order holds within a partition, not across topics: an event may then be applied "
        "before one of another topic polled with it); 1: one after the other, in poll order",
    )
    outbox_batch_size: int = 500
    outbox_poll_interval_s: float = 0.2
    outbox_retention_days: int = Field(
        default=30, ge=1, description="Published outbox rows are deleted after this many days"
    )
    outbox_prune_interval_s: float = Field(
        default=86_400, gt=0, description="How often the prune-outbox job runs (seconds)"
    )

    jwt_secret: SecretStr = Field(
        default=SecretStr(DEV_JWT_SECRET),
        description="HS256 key of user tokens (staff, admin); also signs `make token`",
    )
    jwt_algorithm: Literal["HS256", "RS256"] = Field(
        default="HS256", description="Algorithm of user tokens: HS256 (JWT_SECRET) or RS256"
    )
    jwt_public_key: str | None = Field(
        default=None, description="PEM public key of the identity provider (RS256)"
    )
    jwt_issuer: str | None = Field(
        default=None, description="Required `iss` of user tokens; unset: not checked"
    )
    jwt_audience: str | None = Field(
        default=None, description="Required `aud` of user tokens; unset: not checked"
    )
    console_jwt_public_key: str | None = Field(
        default=None,
        description="PEM public key of the staff console (RS256 tokens it mints per person); "
        "unset: console tokens are refused",
    )
    service_jwt_secret: SecretStr = Field(
        default=SecretStr(DEV_SERVICE_JWT_SECRET),
        description="HS256 key of service-to-service tokens (issuer and audience "
        "`psymatch-services`), independent of the user-token settings; same on all services",
    )
    service_token_ttl_s: int = Field(
        default=300, gt=0, le=3600, description="Lifetime of a service-to-service token (s)"
    )

    worker_metrics_port: int | None = Field(
        default=None,
        description="Port of the worker's Prometheus metrics, `GET /ready` and `GET /clock`; "
        "unset: none of them",
    )
    worker_metrics_host: str = Field(
        default="127.0.0.1",
        description="Address the worker's metrics and `/ready` listen on (`0.0.0.0` in a "
        "container, so Prometheus and the health check can reach them)",
    )
    allow_clock_override: bool = Field(
        default=False,
        description="Job runs may take `as_of`, and `PUT /api/clock` sets the simulated time of "
        "the whole stack (tests and simulations; refused in production)",
    )
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
    def _keep_user_and_service_tokens_apart(self) -> BaseServiceSettings:
        if self.jwt_issuer in ("psymatch-services", "psymatch-staff-console"):
            raise ValueError(f"JWT_ISSUER '{self.jwt_issuer}' is reserved (services, console)")
        if self.jwt_algorithm == "RS256" and not self.jwt_public_key:
            raise ValueError("JWT_PUBLIC_KEY is required when JWT_ALGORITHM is RS256")
        return self

    @model_validator(mode="after")
    def _refuse_clock_override_in_production(self) -> BaseServiceSettings:
        if self.environment == "production" and self.allow_clock_override:
            raise ValueError("ALLOW_CLOCK_OVERRIDE is refused in production")
        return self

    @model_validator(mode="after")
    def _refuse_weak_secrets_in_production(self) -> BaseServiceSettings:
        if self.environment != "production":
            return self
        problems = self.production_secret_problems()
        if problems:
            raise ValueError("in production: " + "; ".join(problems))
        return self

    def production_secret_problems(self) -> list[str]:
        """Secrets production refuses: placeholders, dev defaults, under 32 bytes."""
        checks: list[tuple[str, str | None]] = [
            ("SERVICE_JWT_SECRET", self.service_jwt_secret.get_secret_value()),
        ]
        if self.jwt_algorithm == "HS256":
            checks.append(("JWT_SECRET", self.jwt_secret.get_secret_value()))
        problems = []
        if self.jwt_algorithm == "RS256" and "-----BEGIN" not in (self.jwt_public_key or ""):
            problems.append("JWT_PUBLIC_KEY must be a PEM public key")
        if self.jwt_secret.get_secret_value() == self.service_jwt_secret.get_secret_value():
            problems.append("SERVICE_JWT_SECRET must differ from JWT_SECRET")
        for name, url in (
            ("DATABASE_URL", self.database_url),
            ("MIGRATION_DATABASE_URL", self.migration_database_url),
        ):
            if url is not None:
                checks.append((f"the password in {name}", _url_password(url)))
        if self.db_password is not None:
            checks.append(("DB_PASSWORD", self.db_password.get_secret_value()))
        elif self.database_url is None:
            problems.append("set DB_PASSWORD (or DB_PASSWORD_FILE) or DATABASE_URL")
        for name, value in checks:
            reason = weak_secret_reason(value or "", DEV_JWT_SECRET, DEV_SERVICE_JWT_SECRET)
            if reason:
                problems.append(f"{name} {reason}")
        return problems

    @property
    def db_schema(self) -> str:
        """The PostgreSQL schema this service owns (= its package name)."""
        return self.service_name

    def db_url(self) -> str:
        """Runtime URL (through PgBouncer)."""
        if self.database_url:
            return self.database_url.get_secret_value()
        return default_database_url(
            self.service_name, self.db_host, self.db_port, self.db_name, self._db_password()
        )

    def migration_db_url(self) -> str:
        """Direct URL for migrations (bypasses PgBouncer)."""
        if self.migration_database_url:
            return self.migration_database_url.get_secret_value()
        return default_database_url(
            self.service_name,
            self.db_direct_host or self.db_host,
            self.db_direct_port,
            self.db_name,
            self._db_password(),
        )

    def _db_password(self) -> str | None:
        return self.db_password.get_secret_value() if self.db_password else None

    def topic(self, name: str) -> str:
        """A topic name with the configured prefix (tests isolate themselves with a prefix)."""
        return f"{self.kafka_topic_prefix}{name}"

    @property
    def consumer_group(self) -> str:
        """The worker's consumer group; prefixed like the topics, so that stacks and tests
        sharing one broker under different prefixes never join each other's group."""
        return f"{self.kafka_topic_prefix}{self.service_name}"

    @property
    def consumed_topics(self) -> list[str]:
        """The prefixed topics the worker's consumer group reads (shared/events/topics.py
        SUBSCRIPTIONS); empty for a service without a consumer."""
        return [self.topic(name) for name in consumed_topics(self.service_name)]


def _url_password(url: SecretStr) -> str | None:
    try:
        return make_url(url.get_secret_value()).password
    except Exception:  # noqa: BLE001 - a malformed URL fails later with its own message
        return None
