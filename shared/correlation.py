"""The request and correlation ids of the work in progress (an HTTP request, a consumed event
or a job run), kept in context variables so logs and outbox events pick them up anywhere."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

_CORRELATION_ID: ContextVar[str | None] = ContextVar("correlation_id", default=None)
_REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)

Tokens = tuple[Token[str | None], Token[str | None]]


def current_correlation_id() -> str | None:
    """The correlation id of the current request, event or job run (None outside of one)."""
    return _CORRELATION_ID.get()


def current_request_id() -> str | None:
    """The id of the current HTTP request (None outside of one)."""
    return _REQUEST_ID.get()


def bind(correlation_id: str | None, request_id: str | None = None) -> Tokens:
    """Set both ids; pass the returned tokens to `unbind` when the work is done."""
    return _CORRELATION_ID.set(correlation_id), _REQUEST_ID.set(request_id)


def unbind(tokens: Tokens) -> None:
    """Restore the ids that were current before `bind`."""
    _CORRELATION_ID.reset(tokens[0])
    _REQUEST_ID.reset(tokens[1])


@contextmanager
def correlated(correlation_id: str | None, request_id: str | None = None) -> Iterator[None]:
    """Run a block with these ids (a consumed event, a job run)."""
    tokens = bind(correlation_id, request_id)
    try:
        yield
    finally:
        unbind(tokens)


class CorrelationFilter(logging.Filter):
    """Stamps `request_id` and `correlation_id` on every record while it is being emitted."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "correlation_id", None) is None:
            record.correlation_id = current_correlation_id()
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id()
        return True
