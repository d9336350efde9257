"""The strategies the report compares, and the stack each one runs on.

"psymatch" is the system with its defaults. "FIFO-nearest" is the same system with a ranking
setting instead of a code fork: patients in arrival order (PATIENT_ORDER=arrival) and
therapists by distance only (WEIGHT_DISTANCE=1, every other weight 0). "psymatch, no cooling
after acceptance" is the system with the alternative cooling rule
(COOLING_AFTER=not_after_acceptance: an answer that accepts a patient starts no cooling
period), reported beside the rule of docs/domain.md; changing the default is a separate
decision. "patients alone" needs no stack (simulation/patients_alone.py).

Each strategy runs on a scratch database of its own (the clock only moves forward, and a
measurement must not meet the demo's patients): the six services are restarted on it with the
strategy's settings and without their own job schedules (the driver runs every job, so the
same seed gives the same run); afterwards the stack comes back on the database `make up`
started it on.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from scripts.api_client import stack_command
from scripts.stack import STACK_DATABASE
from shared.vocabulary import CoolingAfter
from simulation.results import FIFO_NEAREST, SYSTEM, SYSTEM_WARM

SIMULATION_DATABASE = "psymatch_simulation"
SETTINGS: dict[str, dict[str, str]] = {
    SYSTEM: {},
    FIFO_NEAREST: {
        "PATIENT_ORDER": "arrival",
        "WEIGHT_DISTANCE": "1",
        "WEIGHT_CAPACITY": "0",
        "WEIGHT_RESPONSE_RATE": "0",
        "WEIGHT_AVAILABILITY": "0",
    },
    SYSTEM_WARM: {"COOLING_AFTER": CoolingAfter.NOT_AFTER_ACCEPTANCE.value},
}
ON_STACK = (SYSTEM, FIFO_NEAREST, SYSTEM_WARM)  # the strategies run through the stack, in order
# every strategy's stack: the simulated clock allowed, no job schedules of its own, and no
# write limit per real minute (a simulated office day passes in seconds)
COMMON = {"ALLOW_CLOCK_OVERRIDE": "true", "JOBS_ENABLED": "false", "RATE_LIMIT_ENABLED": "false"}


def environment(strategy: str) -> dict[str, str]:
    return {**COMMON, **SETTINGS[strategy]}


def cooling_after(strategy: str) -> CoolingAfter:
    """The cooling rule the strategy's stack runs with (the driver logs cooling the same way)."""
    return CoolingAfter(SETTINGS[strategy].get("COOLING_AFTER", CoolingAfter.ANY_ANSWER))


def current_database() -> str:
    """The database `make up` started the stack on (before a strategy replaced it)."""
    database = STACK_DATABASE.read_text().strip() if STACK_DATABASE.exists() else ""
    return database if database and database != SIMULATION_DATABASE else "psymatch"


@contextmanager
def stack_for(strategy: str) -> Iterator[None]:
    """The services restarted on a fresh scratch database with the strategy's settings."""
    stack_command("stop-services")
    stack_command("reset-db", "--database", SIMULATION_DATABASE)
    stack_command("up", "--database", SIMULATION_DATABASE, env=environment(strategy))
    yield


def restore(database: str) -> None:
    """The services back on `database` with their usual settings."""
    stack_command("stop-services")
    stack_command("up", "--database", database)
