"""SMTP delivery: MIME messages (text + HTML) with a pre-generated Message-ID, one connection
per batch, and the probe that asks whether the SMTP side holds a Message-ID. Host, port, TLS
and auth come from settings."""

from __future__ import annotations

import re
import smtplib
import ssl
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import Compat32
from email.utils import format_datetime, formataddr, getaddresses, make_msgid
from types import TracebackType
from typing import Any, Protocol


class DeliveryError(Exception):
    """Sending one message failed; `permanent` when retrying cannot help."""

    def __init__(self, code: str, permanent: bool = False) -> None:
        super().__init__(code)
        self.code = code
        self.permanent = permanent


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to deliver."""

    host: str = "127.0.0.1"
    port: int = 1025
    starttls: bool = False
    use_ssl: bool = False
    username: str | None = None
    password: str | None = None
    timeout_s: float = 10.0
    from_address: str = "vermittlung@psymatch.example"
    from_name: str = "Psymatch"
    message_id_domain: str = "psymatch.example"


def new_message_id(config: SmtpConfig, email_id: int) -> str:
    """A globally unique Message-ID, generated before the e-mail is handed to SMTP."""
    return make_msgid(idstring=f"psymatch.{email_id}", domain=config.message_id_domain)


class _PlainHeaders(Compat32):
    """compat32 with a fast path: a header that is ASCII and already fits its lines is written
    as it is (compat32 runs every header through the slow Header folding algorithm)."""

    def _fold(self, name: str, value: Any, sanitize: bool) -> str:
        if isinstance(value, str) and value.isascii() and "\r" not in value:
            lines = f"{name}: {value}".split("\n")
            if all(len(line) <= (self.max_line_length or 998) for line in lines):
                return self.linesep.join(lines) + self.linesep
        return super()._fold(name, value, sanitize)


PLAIN_HEADERS = _PlainHeaders()
LEADING_DOT = re.compile(rb"(?m)^\.")  # SMTP data transparency (RFC 5321 4.5.2)


def build_message(config: SmtpConfig, row: Any) -> Message:
    """The MIME message of a composed e-mail row (plain text first, HTML alternative).

    Built with the compat32 MIME classes: several times faster than EmailMessage's header
    registry, same wire format (UTF-8 parts, RFC 2047 subject, encoded here once).
    """
    # A boundary of our own spares the generator its search of the bodies: "=_" cannot occur
    # in base64 (the parts' encoding).
    boundary = f"=_psymatch_{uuid.uuid4().hex}"
    message = MIMEMultipart("alternative", boundary=boundary, policy=PLAIN_HEADERS)
    message["From"] = formataddr((config.from_name, config.from_address))
    message["To"] = row["to_address"]
    message["Subject"] = Header(row["subject"], "utf-8", header_name="Subject").encode()
    message["Message-ID"] = row["message_id"]
    message["Date"] = format_datetime(row["queued_at"])
    message["Auto-Submitted"] = "auto-generated"
    message.attach(MIMEText(row["body_text"], "plain", "utf-8"))
    message.attach(MIMEText(row["body_html"], "html", "utf-8"))
    return message


class SmtpMailer:
    """Opens one SMTP connection per batch (`with mailer.session() as send:`)."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    def session(self) -> SmtpSession:
        return SmtpSession(self.config)


class SmtpSession:
    """A connected SMTP client; `send(message)` raises DeliveryError."""

    def __init__(self, config: SmtpConfig) -> None:
        self._config = config
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpSession:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def send(self, message: Message) -> None:
        self.finish(self.start(message))

    def start(self, message: Message) -> bytes:
        """MAIL FROM, RCPT TO and DATA up to its "354" (nothing is delivered before the data's
        final line); returns the data for `finish`."""
        with self._delivery_errors():
            smtp = self._connected()
            data = _announce(smtp, message)
            code, reply = smtp.docmd("data")
            if code != 354:
                raise smtplib.SMTPDataError(code, reply)
            return data

    def finish(self, data: bytes) -> None:
        """The data and its final "." line: the server stores the message with its "250"."""
        with self._delivery_errors():
            smtp = self._connected()
            quoted = LEADING_DOT.sub(b"..", data)
            if not quoted.endswith(b"\r\n"):
                quoted += b"\r\n"
            smtp.send(quoted + b".\r\n")
            code, reply = smtp.getreply()
            if code != 250:
                raise smtplib.SMTPDataError(code, reply)

    def abandon(self) -> None:
        """Drop the message begun by `start`: the connection is closed before the data's final
        line, so the server discards it (the next `start` reconnects)."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()

    @contextmanager
    def _delivery_errors(self) -> Iterator[None]:
        """SMTP failures as DeliveryError; the connection is dropped (the next send reconnects)."""
        try:
            yield
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
            self.close()
            raise DeliveryError("smtp_refused", permanent=_permanent(exc)) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise DeliveryError("smtp_unavailable") from exc

    def _connected(self) -> smtplib.SMTP:
        if self._smtp is None:
            self._smtp = _connect(self._config)
        return self._smtp

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


def _announce(smtp: smtplib.SMTP, message: Message) -> bytes:
    """smtplib's send_message up to the recipients: the data (SMTPUTF8 for non-ASCII
    addresses), MAIL FROM with its size, RCPT TO for each recipient."""
    smtp.ehlo_or_helo_if_needed()
    sender = getaddresses([message["From"]])[0][1]
    recipients = [address for _, address in getaddresses([message["To"]])]
    policy, options = message.policy, []
    if not "".join([sender, *recipients]).isascii():
        if not smtp.has_extn("smtputf8"):
            raise smtplib.SMTPNotSupportedError("the server does not offer SMTPUTF8")
        policy, options = policy.clone(utf8=True), ["SMTPUTF8", "BODY=8BITMIME"]
    data = message.as_bytes(policy=policy.clone(linesep="\r\n"))
    if smtp.does_esmtp and smtp.has_extn("size"):
        options.append(f"size={len(data)}")
    code, reply = smtp.mail(sender, options)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    refused = {}
    for recipient in recipients:
        code, reply = smtp.rcpt(recipient)
        if code not in (250, 251):
            refused[recipient] = (code, reply)
    if len(refused) == len(recipients):
        raise smtplib.SMTPRecipientsRefused(refused)
    return data


def _connect(config: SmtpConfig) -> smtplib.SMTP:
    if config.use_ssl:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            config.host, config.port, timeout=config.timeout_s, context=ssl.create_default_context()
        )
    else:
        smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout_s)
    if config.starttls and not config.use_ssl:
        smtp.starttls(context=ssl.create_default_context())
    if config.username:
        smtp.login(config.username, config.password or "")
    return smtp


def _permanent(exc: smtplib.SMTPException) -> bool:
    """5xx answers are permanent; 4xx may succeed later."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
    else:
        codes = [getattr(exc, "smtp_code", 500)]
    return all(500 <= int(code) < 600 for code in codes)


class DeliveryProbe(Protocol):
    """Asks the SMTP side whether it accepted a Message-ID (True/False), or None: unknown."""

    def accepted(self, message_id: str) -> bool | None: ...


class UnknownDelivery:
    """Production default: plain SMTP cannot be asked, so the answer is always unknown."""

    def accepted(self, message_id: str) -> bool | None:
        return None
