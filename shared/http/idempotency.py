"""`Idempotency-Key` support: a retried write returns the stored first answer."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from flask import current_app, g, request
from sqlalchemy import Table, delete, select, update
from sqlalchemy.dialects.postgresql import insert

from shared.http.errors import ApiError
from shared.unit_of_work import UnitOfWork

MAX_KEY_LENGTH = 200


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a write view (below `@operation`, so auth runs first)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return view(*args, **kwargs)
        if not key.strip() or len(key) > MAX_KEY_LENGTH:
            raise ApiError(400, f"Idempotency-Key must be 1-{MAX_KEY_LENGTH} characters.")
        store = IdempotencyStore(
            current_app.extensions["psymatch"].session_factory,
            current_app.extensions["psymatch"].tables["idempotency_keys"],
        )
        subject = getattr(g, "principal", None)
        ident = (key, subject.subject if subject else "anonymous")
        replay = store.claim(*ident, request.method, request.path, _request_hash())
        if replay is not None:
            return replay
        try:
            result = view(*args, **kwargs)
        except BaseException:
            store.release(*ident)
            raise
        store.save(*ident, *_split(result))
        return result

    wrapper.__openapi__ = getattr(view, "__openapi__", None)  # type: ignore[attr-defined]
    return wrapper


def _request_hash() -> str:
    digest = hashlib.sha256(request.method.encode() + request.path.encode())
    digest.update(request.get_data() or b"")
    return digest.hexdigest()


def _split(result: Any) -> tuple[Any, int]:
    if isinstance(result, tuple):
        return result[0], int(result[1]) if len(result) > 1 else 200
    return result, 200


class IdempotencyStore:
    """Rows in `<schema>.idempotency_keys`: claimed first, answer saved after the write."""

    def __init__(self, session_factory: Callable[..., Any], table: Table) -> None:
        self._session_factory = session_factory
        self._t = table

    def claim(self, key: str, subject: str, method: str, path: str, digest: str) -> Any:
        """None when this call owns the key; else the stored answer (or an error)."""
        with UnitOfWork(self._session_factory) as uow:
            inserted = uow.session.execute(
                insert(self._t)
                .values(key=key, subject=subject, method=method, path=path, request_hash=digest)
                .on_conflict_do_nothing()
                .returning(self._t.c.key)
            ).first()
            uow.commit()
            if inserted is not None:
                return None
            row = uow.session.execute(
                select(self._t).where(self._t.c.key == key, self._t.c.subject == subject)
            ).one()
        if row.request_hash != digest:
            raise ApiError(422, "Idempotency-Key was used for a different request.")
        if row.status_code is None:
            raise ApiError(409, "A request with this Idempotency-Key is still in progress.")
        return row.response, row.status_code, {"Idempotent-Replayed": "true"}

    def save(self, key: str, subject: str, body: Any, status: int) -> None:
        with UnitOfWork(self._session_factory) as uow:
            uow.session.execute(
                update(self._t)
                .where(self._t.c.key == key, self._t.c.subject == subject)
                .values(status_code=status, response=body)
            )
            uow.commit()

    def release(self, key: str, subject: str) -> None:
        with UnitOfWork(self._session_factory) as uow:
            uow.session.execute(
                delete(self._t).where(self._t.c.key == key, self._t.c.subject == subject)
            )
            uow.commit()
