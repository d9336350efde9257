"""Request plumbing shared by every page: the database session, the logged-in person, roles,
the service client, pagination and form state."""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import abort, current_app, g, redirect, request, session, url_for
from sqlalchemy.orm import Session

from staff_console.services import ApiRejected, ServiceClient

PUBLIC_ENDPOINTS = {"login.login", "static", "health", "ready"}


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    display_name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def roles(self) -> tuple[str, ...]:
        """An admin also does the placement work (acts as staff towards the services)."""
        return ("staff", "admin") if self.is_admin else ("staff",)


def db() -> Session:
    """The request's session: one transaction per request, committed at its end."""
    if "db" not in g:
        g.db = current_app.extensions["console_sessions"]()
    return g.db


def person() -> Person:
    return g.person


def services(role: str = "staff") -> ServiceClient:
    """The services, called as the logged-in person acting in `role` (admin pages: "admin")."""
    client: ServiceClient = current_app.extensions["console_services"]
    return client if role == client.role else client.acting_as(role)


def get_or_404(service: str, path: str, role: str = "staff") -> Any:
    """A record from a service; the console's 404 page when the service does not know it."""
    try:
        return services(role).get(service, path)
    except ApiRejected as exc:
        if exc.status == 404:
            abort(404)
        raise


def role_required(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Only these roles may open the page; others see a German 403 page."""

    def wrap(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if g.get("person") is None:
                return redirect(url_for("login.login", next=request.full_path))
            if g.person.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return wrap


admin_only = role_required("admin")


def start_session(account_id: int) -> None:
    session.clear()
    session["account_id"] = account_id
    session["seen"] = time.time()


def session_expired(idle_s: float) -> bool:
    seen = session.get("seen")
    return seen is None or time.time() - float(seen) > idle_s


@dataclass
class Page:
    """One page of a service's list body (`items`, `page`, `per_page`, `total`)."""

    items: list[dict[str, Any]]
    page: int
    per_page: int
    total: int
    args: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, body: dict[str, Any], args: dict[str, Any]) -> Page:
        return cls(
            body.get("items", []),
            int(body.get("page", 1)),
            int(body.get("per_page", 20)),
            int(body.get("total", 0)),
            args,
        )

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.per_page else 1

    def link(self, page: int) -> str:
        query = {k: v for k, v in {**self.args, "page": page}.items() if v not in (None, "")}
        return f"{request.path}?{urlencode(query)}"


def page_number() -> int:
    try:
        return max(1, min(int(request.args.get("page", "1")), 1_000_000))
    except ValueError:
        return 1


@dataclass
class FormState:
    """What was typed and what is wrong with it, so nothing is lost on a validation error."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    message: str | None = None

    def value(self, name: str, default: Any = "") -> Any:
        return self.values.get(name, default)

    def error(self, name: str) -> str | None:
        return self.errors.get(name)
