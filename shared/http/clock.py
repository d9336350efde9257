"""The stack-wide simulated clock (only with ALLOW_CLOCK_OVERRIDE): read it, move it forward on
all six services at once, return to real time.

`PUT /api/clock` (admin) on any service checks the new instant, writes it to the five peers at
once (`PUT /api/clock/local`, service token) and then to its own schema; a peer that fails makes
it a 503 naming that peer, and the own row stays as it was, so the same PUT again finishes the
job.
Every process reads its own schema's row again when a request, an event or a job run starts, and
otherwise at most every half second (`shared.clock.StackClock`, `shared.clock.follow`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import requests
from flask import current_app, request
from flask_restful import Resource
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from shared.clock import StackClock, clock_view
from shared.config import SERVICE_NAMES, BaseServiceSettings
from shared.context import ServiceContext
from shared.http.auth import service_token_factory
from shared.http.errors import ApiError, validation_details
from shared.http.operations import operation

LOCAL_PATH = "/api/clock/local"
PEER_TIMEOUT_S = 3.0
READERS = ("staff", "admin", "service")


class ClockRequest(BaseModel):
    """`{"now": "<ISO 8601 time with offset>"}`: the instant the whole stack stands at."""

    model_config = ConfigDict(extra="forbid")
    now: datetime

    @field_validator("now", mode="before")
    @classmethod
    def _iso_text(cls, value: Any) -> Any:
        if not isinstance(value, str):
            raise ValueError("give an ISO 8601 time as text")  # not a number of seconds
        return value


class ClockView(BaseModel):
    now: datetime
    simulated: bool


class ClockChange(ClockView):
    applied: list[str]


class LocalClockChange(ClockView):
    service: str


# How a peer is called: (method, URL, JSON body, headers) -> response; injectable for tests.
Send = Callable[[str, str, dict[str, Any] | None, dict[str, str]], requests.Response]


def _send(method: str, url: str, body: dict[str, Any] | None, headers: dict[str, str]) -> Any:
    return requests.request(method, url, json=body, headers=headers, timeout=PEER_TIMEOUT_S)


class ClockPeers:
    """The five other services' local clock routes, called with a fresh service token."""

    def __init__(self, settings: BaseServiceSettings, send: Send = _send) -> None:
        self._token = service_token_factory(settings)
        self._send = send
        self.urls = {
            name: getattr(settings, f"{name}_url").rstrip("/")
            for name in SERVICE_NAMES
            if name != settings.service_name
        }

    def call(self, method: str, body: dict[str, Any] | None) -> tuple[list[str], dict[str, str]]:
        """(peers that applied it, peer → why it failed); the five are asked at once."""
        with ThreadPoolExecutor(len(self.urls) or 1, thread_name_prefix="clock-peer") as pool:
            answers = list(pool.map(lambda url: self._one(method, url, body), self.urls.values()))
        applied = [name for name, why in zip(self.urls, answers, strict=True) if why is None]
        failed = {name: why for name, why in zip(self.urls, answers, strict=True) if why}
        return applied, failed

    def _one(self, method: str, url: str, body: dict[str, Any] | None) -> str | None:
        """None when the peer applied it, else why not."""
        headers = {"Authorization": f"Bearer {self._token()}"}
        try:
            response = self._send(method, url + LOCAL_PATH, body, headers)
        except requests.RequestException as exc:
            return type(exc).__name__
        if response.status_code == 200:
            return None
        return f"HTTP {response.status_code}{_code(response)}"


def _code(response: requests.Response) -> str:
    try:
        return f" {response.json()['error']['code']}"
    except (ValueError, KeyError, TypeError):
        return ""


def _context() -> ServiceContext:
    return current_app.extensions["psymatch"]


def _peers() -> ClockPeers:
    peers: ClockPeers = current_app.extensions["clock_peers"]
    return peers


def _stack_clock(ctx: ServiceContext) -> StackClock:
    stack = ctx.clock.stack
    if not ctx.settings.allow_clock_override or stack is None:
        raise ApiError(
            403, "The stack clock needs ALLOW_CLOCK_OVERRIDE=true.", "clock_override_disabled"
        )
    return stack


def _requested_now() -> datetime:
    """The body's `now`: 422 when missing, not a time, or without an offset."""
    raw = request.get_json(silent=True)
    if not isinstance(raw, dict):
        raise ApiError(422, 'Send {"now": "<ISO time>"}.', "invalid_clock_time")
    try:
        when = ClockRequest.model_validate(raw).now
    except ValidationError as exc:
        raise ApiError(
            422, "now must be an ISO 8601 time.", "invalid_clock_time", validation_details(exc)
        ) from exc
    if when.tzinfo is None or when.utcoffset() is None:
        raise ApiError(
            422,
            "now needs a time zone offset (e.g. +01:00 or Z).",
            "invalid_clock_time",
            {"now": ["give a time zone offset"]},
        )
    return when


def _not_forward(when: datetime, current: datetime) -> ApiError:
    return ApiError(
        409,
        "The stack clock only moves forward.",
        "clock_not_forward",
        {"now": when.isoformat(), "current": current.isoformat()},
    )


def _view(ctx: ServiceContext) -> dict[str, Any]:
    return clock_view(ctx.clock)


def _documents_body(model: type[BaseModel]) -> Callable[[Any], Any]:
    """Show `model` as the request body in the OpenAPI document; the view validates it itself
    (a bad time is a 422, not the generic 400)."""

    def wrap(view: Any) -> Any:
        view.__openapi__ = dataclasses.replace(view.__openapi__, body=model)
        return view

    return wrap


CHANGE_RESPONSES: dict[int, tuple[str, type[BaseModel] | None]] = {
    200: ("Applied on every service", ClockChange),
    403: ("ALLOW_CLOCK_OVERRIDE is not set", None),
    503: ("Some peers did not apply it (named in details); retry", None),
}


class ClockResource(Resource):
    @operation(
        "The stack's time and whether it is simulated",
        roles=READERS,
        tags=("clock",),
        responses={200: ("The current time", ClockView)},
    )
    def get(self) -> Any:
        return _view(_context())

    @_documents_body(ClockRequest)
    @operation(
        "Set the simulated time of the whole stack (forward only; ALLOW_CLOCK_OVERRIDE)",
        roles=("admin",),
        tags=("clock",),
        responses={
            **CHANGE_RESPONSES,
            409: ("Earlier than the current time", None),
            422: ("now missing, not a time or without offset", None),
        },
    )
    def put(self) -> Any:
        when = _requested_now()  # the body first: too large is a 413, malformed a 422
        ctx = _context()
        stack = _stack_clock(ctx)
        stack.forget()  # compare with the row as it is now, not as cached
        current = ctx.clock.now()
        if when < current:
            raise _not_forward(when, current)
        applied, failed = _peers().call("PUT", {"now": when.isoformat()})
        _unless_failed(applied, failed)
        if not stack.advance(when):
            raise _not_forward(when, ctx.clock.now())
        return {**_view(ctx), "applied": [*applied, ctx.settings.service_name]}

    @operation(
        "Return the whole stack to real time (ALLOW_CLOCK_OVERRIDE)",
        roles=("admin",),
        tags=("clock",),
        responses=CHANGE_RESPONSES,
    )
    def delete(self) -> Any:
        ctx = _context()
        stack = _stack_clock(ctx)
        applied, failed = _peers().call("DELETE", None)
        _unless_failed(applied, failed)
        stack.clear()
        return {**_view(ctx), "applied": [*applied, ctx.settings.service_name]}


def _unless_failed(applied: list[str], failed: dict[str, str]) -> None:
    if failed:
        raise ApiError(
            503,
            f"The clock did not change on: {', '.join(failed)}.",
            "clock_peers_failed",
            {"failed": failed, "applied": applied},
        )


LOCAL_RESPONSES: dict[int, tuple[str, type[BaseModel] | None]] = {
    200: ("Applied here", LocalClockChange),
    403: ("ALLOW_CLOCK_OVERRIDE is not set", None),
}


class LocalClockResource(Resource):
    @_documents_body(ClockRequest)
    @operation(
        "Set this service's copy of the stack clock (from a peer's PUT /api/clock)",
        roles=("service",),
        tags=("clock",),
        responses={
            **LOCAL_RESPONSES,
            409: ("A later time is set", None),
            422: ("now missing, not a time or without offset", None),
        },
    )
    def put(self) -> Any:
        when = _requested_now()
        ctx = _context()
        stack = _stack_clock(ctx)
        if not stack.advance(when):
            raise _not_forward(when, ctx.clock.now())
        return {**_view(ctx), "service": ctx.settings.service_name}

    @operation(
        "Return this service's copy of the stack clock to real time (without "
        "ALLOW_CLOCK_OVERRIDE it is there already: nothing to do)",
        roles=("service",),
        tags=("clock",),
        responses={200: ("At real time here", LocalClockChange)},
    )
    def delete(self) -> Any:
        ctx = _context()
        stack = ctx.clock.stack
        if ctx.settings.allow_clock_override and stack is not None:
            stack.clear()
        return {**_view(ctx), "service": ctx.settings.service_name}


CLOCK_RESOURCES = [(ClockResource, "/api/clock"), (LocalClockResource, LOCAL_PATH)]
