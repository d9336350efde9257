"""The catcher's folder as the driver reads it: only new messages, headers only."""

from __future__ import annotations

from email.message import EmailMessage

from simulation.stack_api import Mailbox


def store(folder, name: str, to: str, message_id: str) -> None:
    message = EmailMessage()
    message["To"] = to
    message["Subject"] = "Anfrage Therapieplatz (Referenz PR-12)"
    message["Message-ID"] = message_id
    message.set_content("Sehr geehrte Frau Schmidt, ...")
    (folder / name).write_bytes(bytes(message))


def test_new_gives_each_message_once_with_the_email_id_of_its_message_id(tmp_path):
    store(tmp_path, "20270111T070000-a.eml", "old@example.org", "<1.2.psymatch.1@psymatch.example>")
    mailbox = Mailbox(tmp_path)
    mailbox.skip_existing()
    store(tmp_path, "20270111T070001-b.eml", "Praxis@Example.org", "<9.8.psymatch.3267@x.example>")
    store(tmp_path, "20270111T070002-c.eml", "p@example.org", "<abc@elsewhere.example>")
    (tmp_path / ".20270111T070003-d.eml.tmp").write_bytes(b"To: half@written\n")

    caught = mailbox.new()
    assert [(m.to, m.email_id) for m in caught] == [
        ("praxis@example.org", 3267),
        ("p@example.org", None),
    ]
    assert mailbox.new() == []
