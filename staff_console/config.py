"""The console's settings, read once by `create_app` (environment, `.env`, `<NAME>_FILE`)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, SecretStr, model_validator

from shared.config import (
    PORT_OFFSET,
    FileSecretSettings,
    default_database_url,
    local_url,
    weak_secret_reason,
)

SCHEMA = "staff_console"
DEV_SECRET_KEY = "dev-only-insecure-console-session-key-change-me"  # noqa: S105 - refused in production
CONSOLE_PORT = 8000 + PORT_OFFSET
SERVICES = ("patient", "therapist", "matching", "communication", "geocoding", "scraping")


class ConsoleSettings(FileSecretSettings):
    environment: Literal["development", "test", "production"] = "development"
    console_database_url: SecretStr | None = Field(
        default=None,
        description="The console's database URL (role staff_console, via PgBouncer); unset: "
        "built from DB_HOST, DB_PORT, DB_NAME and DB_PASSWORD",
    )
    db_host: str = "127.0.0.1"
    db_port: int = 6432
    db_name: str = "psymatch"
    db_password: SecretStr | None = Field(
        default=None, description="Password of the role staff_console (or DB_PASSWORD_FILE)"
    )
    console_secret_key: SecretStr = Field(
        default=SecretStr(DEV_SECRET_KEY), description="Signs the console's session cookies"
    )
    console_jwt_private_key: SecretStr | None = Field(
        default=None,
        description="PEM private key (RS256) of the tokens minted per person; the services "
        "hold the public key (CONSOLE_JWT_PUBLIC_KEY)",
    )
    console_idle_minutes: int = Field(default=30, gt=0, description="Idle timeout of a session")
    console_max_failed_logins: int = Field(
        default=5, gt=0, description="Failed logins in the lockout window that lock an account"
    )
    console_lockout_minutes: int = Field(
        default=15, gt=0, description="Lockout window and duration after too many failures"
    )
    console_service_timeout_s: float = Field(
        default=10.0, gt=0, description="Timeout of one call to a service"
    )
    console_page_size: int = Field(default=25, gt=0, le=200, description="Rows per list page")
    console_follow_stack_clock: bool = Field(
        default=False,
        description="Show the stack's time (GET /api/clock, a simulated clock) on the day's "
        "pages instead of the system's",
    )
    patient_service_url: str = local_url("patient_service")
    therapist_service_url: str = local_url("therapist_service")
    matching_service_url: str = local_url("matching_service")
    communication_service_url: str = local_url("communication_service")
    geocoding_service_url: str = local_url("geocoding_service")
    scraping_service_url: str = local_url("scraping_service")

    def service_urls(self) -> dict[str, str]:
        return {name: getattr(self, f"{name}_service_url").rstrip("/") for name in SERVICES}

    def db_url(self) -> str:
        if self.console_database_url:
            return self.console_database_url.get_secret_value()
        password = self.db_password.get_secret_value() if self.db_password else None
        return default_database_url(SCHEMA, self.db_host, self.db_port, self.db_name, password)

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @model_validator(mode="after")
    def _refuse_weak_secrets_in_production(self) -> Any:
        if not self.production:
            return self
        problems = []
        reason = weak_secret_reason(self.console_secret_key.get_secret_value(), DEV_SECRET_KEY)
        if reason:
            problems.append(f"CONSOLE_SECRET_KEY {reason}")
        if self.console_jwt_private_key is None:
            problems.append("CONSOLE_JWT_PRIVATE_KEY is required")
        if self.console_database_url is None and self.db_password is None:
            problems.append("set DB_PASSWORD (or DB_PASSWORD_FILE) or CONSOLE_DATABASE_URL")
        elif self.db_password is not None:
            reason = weak_secret_reason(self.db_password.get_secret_value())
            if reason:
                problems.append(f"DB_PASSWORD {reason}")
        if problems:
            raise ValueError("in production: " + "; ".join(problems))
        return self
