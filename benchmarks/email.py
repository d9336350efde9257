"""E-mail benchmark: 5,000 outreach e-mails rendered and delivered to a local SMTP catcher.

Run: `python -m benchmarks.email`. Three figures in one run, against a private aiosmtpd catcher
(the project's MailDirHandler on a free port, temp folder):
  1. service path: drafts in PostgreSQL (BENCH_DB, default psymatch_test, via PgBouncer) →
     `send-emails` job (compose + render, read ahead, SMTP, one commit per e-mail);
  2. render + SMTP in process (no database): Renderer + SmtpMailer, one connection per 50;
  3. baseline: a plain smtplib loop sending the same pre-rendered messages on one connection.
(`python -m` keeps the stdlib `email` package importable: this module is benchmarks.email.)
"""

from __future__ import annotations

import os
import random
import smtplib
import socket
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import insert, text

from communication_service import models as m
from communication_service.app import build_service_context
from communication_service.clients.directory import FakeDirectory
from communication_service.clients.rendering import Renderer
from communication_service.clients.smtp import SmtpConfig, SmtpMailer, build_message, new_message_id
from communication_service.config import Settings
from communication_service.domain.templates import therapist_context
from communication_service.services import sending
from scripts.smtp_catcher import MailDirHandler
from scripts.stack import migrate
from shared.audit import AUDIT_TABLE
from shared.clock import FakeClock
from shared.db import domain_table_names
from shared.unit_of_work import UnitOfWork

COUNT = int(os.environ.get("BENCH_EMAILS", "5000"))
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fake_request(request_id: int, rng: random.Random) -> dict[str, Any]:
    """A pseudonymous request as matching sends it."""
    return {
        "placement_request_id": request_id,
        "patient_id": request_id + 10**6,
        "therapist_id": 0,
        "distance_km": round(rng.uniform(0.5, 25), 1),
        "summary": {
            "age": rng.randint(18, 80),
            "gender": rng.choice(["female", "male"]),
            "insurance_type": "statutory",
            "complaint_groups": ["mood", "sleep"],
            "availability": {"mon": ["09:00-12:00"]},
            "urgent": False,
        },
    }


def workload(rng: random.Random) -> list[tuple[int, list[dict[str, Any]]]]:
    """COUNT therapists with one to five requests each."""
    out, next_id = [], 1
    for therapist_id in range(1, COUNT + 1):
        size = rng.randint(1, 5)
        out.append((therapist_id, [fake_request(next_id + i, rng) for i in range(size)]))
        next_id += size
    return out


def therapist(therapist_id: int) -> dict[str, Any]:
    return {
        "salutation": "Frau",
        "title": "Dr.",
        "last_name": f"Bench{therapist_id}",
        "email": f"praxis{therapist_id}@bench.example",
    }


def timed(label: str, count: int, func: Callable[[], object]) -> float:
    start = time.perf_counter()
    func()
    seconds = time.perf_counter() - start
    print(f"{label:<58} {count / seconds:>9,.0f} e-mails/s  ({seconds:.2f} s for {count:,})")
    return count / seconds


def render_all(renderer: Renderer, config: SmtpConfig, work: list) -> list:
    """Rendered MIME messages of the whole workload."""
    messages = []
    for email_id, (tid, requests) in enumerate(work, start=1):
        name = "therapist_single_inquiry" if len(requests) == 1 else "therapist_batch_inquiry"
        rendered = renderer.render(name, therapist_context(therapist(tid), requests))
        messages.append(
            build_message(
                config,
                {
                    "to_address": therapist(tid)["email"],
                    "subject": rendered.subject,
                    "message_id": new_message_id(config, email_id),
                    "queued_at": NOW,
                    "body_text": rendered.text,
                    "body_html": rendered.html,
                },
            )
        )
    return messages


def render_and_send(renderer: Renderer, config: SmtpConfig, work: list) -> None:
    messages = render_all(renderer, config, work)
    mailer = SmtpMailer(config)
    for start in range(0, len(messages), 50):
        with mailer.session() as session:
            for message in messages[start : start + 50]:
                session.send(message)


def plain_smtplib(port: int, raw: list[tuple[str, bytes]]) -> None:
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for to_address, data in raw:
            smtp.sendmail("vermittlung@psymatch.example", [to_address], data)


def service_path(port: int, work: list) -> Callable[[], object] | None:
    """The `send-emails` job over COUNT drafts in the database (None if it is unreachable)."""
    settings = Settings(
        db_name=os.environ.get("BENCH_DB", "psymatch_test"),
        database_url=None,
        smtp_port=port,
        send_batch_size=200,
        _env_file=None,
        kafka_topic_prefix="bench-",
    )
    directory = FakeDirectory({tid: therapist(tid) for tid, _ in work})
    ctx = build_service_context(settings, FakeClock(NOW), directory=directory)
    try:
        migrate(settings.db_name)
        seed_drafts(ctx, work)
    except Exception as exc:  # noqa: BLE001 - the database is optional for this benchmark
        print(f"service path skipped: {type(exc).__name__}: {str(exc)[:300]}")
        return None
    return lambda: drain(ctx)


def drain(ctx: Any) -> None:
    """Run the job until every draft is composed and delivered."""
    while sending.send_emails(ctx, NOW)["composed"]:
        pass


def seed_drafts(ctx: Any, work: list) -> None:
    """Requests and one draft outreach e-mail per therapist, as the planner leaves them."""
    with UnitOfWork(ctx.session_factory) as uow:
        tables = ", ".join(domain_table_names(m.metadata, {AUDIT_TABLE}))
        uow.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        for tid, requests in work:
            rows = [
                {
                    **r,
                    "therapist_id": tid,
                    "state": "in_email",
                    "urgent": False,
                    "created_at": NOW,
                    "state_changed_at": NOW,
                }
                for r in requests
            ]
            uow.session.execute(insert(m.outreach_requests), rows)
            email_id = uow.session.execute(
                insert(m.emails)
                .values(
                    purpose="outreach",
                    template="therapist_batch_inquiry",
                    recipient="therapist",
                    therapist_id=tid,
                    state="draft",
                    context={},
                    attempts=0,
                    created_at=NOW,
                    updated_at=NOW,
                )
                .returning(m.emails.c.id)
            ).scalar_one()
            uow.session.execute(
                insert(m.email_requests),
                [
                    {
                        "email_id": email_id,
                        "placement_request_id": r["placement_request_id"],
                        "purpose": "outreach",
                        "position": i,
                    }
                    for i, r in enumerate(requests)
                ],
            )
        uow.commit()


def main() -> None:
    rng = random.Random(7)
    work = workload(rng)
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        controller = Controller(MailDirHandler(Path(folder)), hostname="127.0.0.1", port=port)
        controller.start()
        try:
            run(port, work, Path(folder))
        finally:
            controller.stop()


def run(port: int, work: list, folder: Path) -> None:
    config = SmtpConfig(port=port)
    renderer = Renderer(Settings(_env_file=None).sender())
    print(f"{COUNT:,} outreach e-mails (1-5 pseudonymous patients each), catcher 127.0.0.1:{port}")
    job = service_path(port, work)
    if job is not None:
        timed("service: send-emails job (DB, render, SKIP LOCKED, SMTP)", COUNT, job)
    timed(
        "in process: render + SmtpMailer (no DB)",
        COUNT,
        lambda: render_and_send(renderer, config, work),
    )
    raw = [
        (msg["To"], msg.as_bytes(policy=msg.policy.clone(linesep="\r\n")))
        for msg in render_all(renderer, config, work)
    ]
    timed(
        "baseline: plain smtplib loop, pre-rendered messages",
        COUNT,
        lambda: plain_smtplib(port, raw),
    )
    print(f"messages in the catcher folder: {len(list(folder.glob('*.eml'))):,}")


if __name__ == "__main__":
    main()
