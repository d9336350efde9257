"""A communication worker killed in the middle of sending e-mails: after a restart every e-mail
is in the SMTP catcher exactly once, and the database says it was sent once.

The kill lands deterministically in the worst spot: the SMTP server has stored message K (a gate
in the catcher holds back its "250") while the worker waits for that reply and has not committed
`sent`. The restarted worker must neither send K again nor lose any other e-mail. (The other
spot, a kill before the server stored the message, is the documented remaining window: the
e-mail is then marked sent but unconfirmed and its follow-up call still happens.)
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from integration.communication_service.helpers import (
    feed,
    mails,
    request_item,
    requests_created,
    therapist_created,
)
from sqlalchemy import func, select
from support.brokers import free_port
from support.tables import empty_domain_tables
from support.testdb import TEST_DB

from communication_service import models as communication_models
from communication_service.app import build_service_context
from communication_service.clients.directory import FakeDirectory
from communication_service.config import Settings
from communication_service.handlers import SOURCE_SERVICES, build_handlers
from communication_service.models import emails, infrastructure
from communication_service.services import composing
from scripts.smtp_catcher import MailDirHandler
from scripts.stack import service_env
from shared.events.topics import TOPICS, dlq_topic
from shared.kafka.admin import ensure_topics

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]

EMAILS = 200
GATE_AT = 60  # past a first claim of 50: e-mails claimed but not yet handed over must survive


class GatedHandler(MailDirHandler):
    """Stores every message; after storing message `gate_at` it holds back the reply."""

    def __init__(self, folder: Path, gate_at: int) -> None:
        super().__init__(folder)
        self.gate_at = gate_at
        self.count = 0
        self.reached = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd API
        reply = await super().handle_DATA(server, session, envelope)
        self.count += 1
        if self.count == self.gate_at:
            self.reached.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait)
        return reply


@pytest.fixture
def gated_catcher(tmp_path):
    handler = GatedHandler(tmp_path / "mail", GATE_AT)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield handler, controller.port
    handler.release.set()
    controller.stop()


@pytest.fixture
def ctx(migrated_db, topic_prefix, gated_catcher):
    """The communication context in this process (same database and prefix as the worker)."""
    settings = Settings(
        db_name=TEST_DB,
        database_url=None,
        kafka_topic_prefix=topic_prefix,
        smtp_port=gated_catcher[1],
        _env_file=None,
    )
    context = build_service_context(settings, directory=FakeDirectory())
    empty_domain_tables(context.engine, communication_models.metadata)
    yield context
    context.engine.dispose()


def wait_for(check, what: str, timeout_s: float = 60.0):
    deadline = time.monotonic() + timeout_s
    while not (result := check()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return result


def queue_outreach_emails(ctx, count: int) -> None:
    """`count` therapists with one request each, planned and composed by the service itself."""
    handlers, directory = build_handlers(ctx), ctx.directory
    for n in range(count):
        tid = 7_000_000 + n
        directory.therapists[tid] = {
            "id": tid,
            "salutation": "Frau",
            "title": "Dr.",
            "first_name": "Mia",
            "last_name": f"Gate{n}",
            "email": f"praxis{n}@gate.example",
        }
        feed(ctx, handlers, therapist_created(tid), producer="therapist_service")
        feed(ctx, handlers, requests_created(request_item(tid)))
    while composing.compose_drafts(ctx, datetime.now(UTC)):
        pass


def worker_env(ctx, broker: str, smtp_port: int) -> dict[str, str]:
    return {
        **service_env("communication_service", TEST_DB),
        "KAFKA_BOOTSTRAP_SERVERS": broker,
        "KAFKA_TOPIC_PREFIX": ctx.settings.kafka_topic_prefix,
        "SMTP_PORT": str(smtp_port),
        "SMTP_TIMEOUT_S": "120",  # the worker waits at the gate until it is killed
        "SEND_INTERVAL_S": "0.5",
        "SENDING_TIMEOUT_S": "2",
        "OUTREACH_INTERVAL_S": "3600",
        "FOLLOW_UPS_INTERVAL_S": "3600",
        "THERAPIST_SERVICE_URL": f"http://127.0.0.1:{free_port()}",
        "PATIENT_SERVICE_URL": f"http://127.0.0.1:{free_port()}",
    }


def email_rows(ctx) -> list[dict]:
    with ctx.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(emails).order_by(emails.c.id)).mappings()]


def sent_events_per_email(ctx) -> Counter:
    t = infrastructure["outbox"]
    email_id = t.c.envelope["payload"]["email_id"].as_integer()
    query = select(email_id, func.count()).where(
        t.c.topic == ctx.settings.topic(TOPICS["communication_service"]),
        t.c.event_type == "communication.email_sent",
    )
    with ctx.engine.connect() as conn:
        return Counter(dict(conn.execute(query.group_by(email_id)).all()))


def running_send_jobs(ctx) -> list[int]:
    t = infrastructure["job_runs"]
    query = select(t.c.id).where(t.c.job_name == "send-emails", t.c.status == "running")
    with ctx.engine.connect() as conn:
        return list(conn.execute(query).scalars())


def job_status(ctx, run_id: int) -> str:
    t = infrastructure["job_runs"]
    with ctx.engine.connect() as conn:
        return conn.execute(select(t.c.status).where(t.c.id == run_id)).scalar_one()


def test_worker_killed_while_smtp_holds_a_message_sends_each_email_exactly_once(
    ctx, gated_catcher, broker, spawn
):
    catcher, smtp_port = gated_catcher
    topics = [ctx.settings.topic(TOPICS[s]) for s in [*SOURCE_SERVICES, "communication_service"]]
    ensure_topics(broker, topics + [dlq_topic(t) for t in topics], 3)
    queue_outreach_emails(ctx, EMAILS)
    assert Counter(r["state"] for r in email_rows(ctx)) == {"queued": EMAILS}
    env = worker_env(ctx, broker, smtp_port)
    args = ["-m", "communication_service.worker"]

    first = spawn(args, env, "worker-1")
    assert catcher.reached.wait(60), first.log_tail()
    [killed_run] = running_send_jobs(ctx)
    first.kill()
    at_kill = {r["id"]: r["state"] for r in email_rows(ctx)}
    # Only the message in flight may be ambiguous; nothing else was handed over or claimed.
    assert Counter(at_kill.values()) == {
        "sent": GATE_AT - 1,
        "sending": 1,
        "queued": EMAILS - GATE_AT,
    }
    [in_flight] = [i for i, state in at_kill.items() if state == "sending"]
    catcher.release.set()  # the server answers "250" to a connection nobody listens on any more

    second = spawn(args, env, "worker-2")
    wait_for(
        lambda: all(r["state"] == "sent" for r in email_rows(ctx)),
        "every e-mail sent after the restart",
    )
    second.stop()

    rows = email_rows(ctx)
    delivered = Counter(m["Message-ID"].strip() for m in mails(catcher.folder))
    assert {r["message_id"]: delivered[r["message_id"]] for r in rows} == {
        r["message_id"]: 1 for r in rows
    }
    assert sum(delivered.values()) == EMAILS, "nothing but these e-mails, each once"
    assert all(r["attempts"] == 1 and r["sent_at"] is not None for r in rows)
    unconfirmed = [r["id"] for r in rows if not r["delivery_confirmed"]]
    assert unconfirmed == [in_flight], "only the ambiguous one is flagged for staff"
    assert sent_events_per_email(ctx) == Counter({r["id"]: 1 for r in rows})
    assert job_status(ctx, killed_run) == "interrupted"
