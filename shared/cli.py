"""`psymatch`: the operator's command line for the running system, over the services' APIs.

    psymatch token --role admin            a bearer token signed with JWT_SECRET
    psymatch jobs list patient             the jobs of a service and their last runs
    psymatch jobs run matching matching-round [--as-of ISO]
    psymatch dlq list patient-events       dead letters of a topic (replay with `dlq replay`)
    psymatch email retry 42                send a failed e-mail again (composed anew)
    psymatch erasure start 7 / status 7    Art. 17 erasure of a patient and its progress

Services are reached at the local stack's ports unless `PSYMATCH_<SERVICE>_URL` (e.g.
`PSYMATCH_PATIENT_URL`) says otherwise; the token comes from `PSYMATCH_TOKEN` or is signed with
JWT_SECRET as an admin's (`PSYMATCH_SUBJECT`, default "operator").
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import click
import requests

from shared.config import SERVICE_NAMES, SERVICE_PORTS, BaseServiceSettings
from shared.http.auth import issue_token

SHORT_NAMES = [name.removesuffix("_service") for name in SERVICE_NAMES]
TIMEOUT_S = 60.0


def service_url(short: str) -> str:
    """The base URL of a service by its short name (`patient`, `matching`, ...)."""
    configured = os.environ.get(f"PSYMATCH_{short.upper()}_URL")
    return (configured or f"http://127.0.0.1:{SERVICE_PORTS[f'{short}_service']}").rstrip("/")


def operator_token() -> str:
    given = os.environ.get("PSYMATCH_TOKEN")
    if given:
        return given
    secret = BaseServiceSettings().jwt_secret.get_secret_value()
    return issue_token(secret, os.environ.get("PSYMATCH_SUBJECT", "operator"), "admin")


def call(method: str, short: str, path: str, **kwargs: Any) -> Any:
    """One API call as the operator; a non-2xx answer ends the command with its error."""
    headers = {"Authorization": f"Bearer {operator_token()}"}
    try:
        response = requests.request(
            method, service_url(short) + path, headers=headers, timeout=TIMEOUT_S, **kwargs
        )
    except requests.RequestException as exc:
        raise click.ClickException(f"{short} service not reachable: {type(exc).__name__}") from exc
    body = response.json() if response.content else None
    if not response.ok:
        raise click.ClickException(f"HTTP {response.status_code}: {json.dumps(body)}")
    return body


def show(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


@click.group()
def main() -> None:
    """Operate the psymatch services (jobs, dead letters, e-mails, erasure, tokens)."""


@main.command()
@click.option("--role", type=click.Choice(["staff", "admin", "service"]), default="admin")
@click.option("--subject", default=None, help="who the token names (default: dev-<role>)")
def token(role: str, subject: str | None) -> None:
    """Print a bearer token signed with JWT_SECRET."""
    secret = BaseServiceSettings().jwt_secret.get_secret_value()
    click.echo(issue_token(secret, subject or f"dev-{role}", role))


@main.group()
def jobs() -> None:
    """Scheduled jobs of a service."""


@jobs.command("list")
@click.argument("service", type=click.Choice(SHORT_NAMES))
def jobs_list(service: str) -> None:
    """The service's jobs, their schedules and last runs."""
    show(call("GET", service, "/api/jobs"))


@jobs.command("run")
@click.argument("service", type=click.Choice(SHORT_NAMES))
@click.argument("job")
@click.option("--as-of", default=None, help="ISO time (only with ALLOW_CLOCK_OVERRIDE=true)")
def jobs_run(service: str, job: str, as_of: str | None) -> None:
    """Run one job now and print its result."""
    show(call("POST", service, f"/api/jobs/{job}/run", json={"as_of": as_of} if as_of else {}))


@main.group()
def dlq() -> None:
    """Dead-lettered messages of a topic (`<topic>.dlq`)."""


def _letters(topic: str, offset: str | None) -> list[Any]:
    from shared.kafka.dlq import read_dead_letters

    bootstrap = BaseServiceSettings().kafka_bootstrap_servers
    letters = read_dead_letters(bootstrap, topic)
    return [x for x in letters if offset is None or offset == f"{x.partition}:{x.offset}"]


@dlq.command("list")
@click.argument("topic")
def dlq_list(topic: str) -> None:
    """List the dead letters of TOPIC (e.g. patient-events)."""
    letters = _letters(topic, None)
    for letter in letters:
        click.echo(f"{letter.partition}:{letter.offset} key={letter.key} error={letter.error}")
    click.echo(f"{len(letters)} message(s)")


@dlq.command("replay")
@click.argument("topic")
@click.option("--offset", default=None, help="only this message, as PARTITION:OFFSET")
def dlq_replay(topic: str, offset: str | None) -> None:
    """Publish the dead letters of TOPIC again (consumers skip what they applied meanwhile)."""
    from shared.kafka.dlq import replay
    from shared.kafka.robust_producer import RobustKafkaProducer

    letters = _letters(topic, offset)
    producer = RobustKafkaProducer(BaseServiceSettings().kafka_bootstrap_servers, "dlq-replay")
    try:
        for letter in letters:
            replay(letter, producer)
    finally:
        producer.close()
    click.echo(f"{len(letters)} message(s) replayed")


@main.group()
def email() -> None:
    """E-mails of the communication service."""


@email.command("retry")
@click.argument("email_id", type=int)
def email_retry(email_id: int) -> None:
    """Send a failed e-mail again (composed anew from the requests still open)."""
    show(call("POST", "communication", f"/api/emails/{email_id}/retry"))


@main.group()
def erasure() -> None:
    """Erasure of a patient across all services (Art. 17 GDPR)."""


@erasure.command("start")
@click.argument("patient_id", type=int)
@click.confirmation_option(prompt="Erase this patient's personal data in every service?")
def erasure_start(patient_id: int) -> None:
    """Erase the patient (asks for confirmation; `--yes` skips it)."""
    show(call("DELETE", "patient", f"/api/patients/{patient_id}"))


@erasure.command("status")
@click.argument("patient_id", type=int)
def erasure_status(patient_id: int) -> None:
    """Per service: done or pending."""
    show(call("GET", "patient", f"/api/patients/{patient_id}/erasure"))


if __name__ == "__main__":
    sys.exit(main())
