"""Live import resources: its status, and the stop switch admins set."""

from __future__ import annotations

from typing import Any

from flask_restful import Resource

from scraping_service.api.schemas.live import LiveStatusRead, LiveStopUpdate
from scraping_service.context import ScrapingContext
from scraping_service.domain.live import LiveStatus
from scraping_service.services import live
from shared.http.app_factory import context_of
from shared.http.auth import actor
from shared.http.operations import operation

TAGS = ("imports",)


def _status_body(status: LiveStatus) -> dict[str, Any]:
    switch = status.switch
    return {
        "enabled": status.enabled,
        "stopped": status.stopped,
        "stopped_by_setting": status.stopped_by_setting,
        "reason": switch.reason if switch else None,
        "changed_by": switch.changed_by if switch else None,
        "changed_at": switch.changed_at.isoformat() if switch else None,
        "areas": status.areas,
    }


class LiveResource(Resource):
    @operation(
        "Live import: enabled, stop switch, configured areas",
        roles=("admin",),
        tags=TAGS,
        responses={200: ("Live import status", LiveStatusRead)},
    )
    def get(self) -> Any:
        return _status_body(live.live_status(context_of(ScrapingContext)))


class LiveStopResource(Resource):
    @operation(
        "Stop (or allow again) the live import; a running crawl stops at the next tile",
        roles=("admin",),
        body=LiveStopUpdate,
        tags=TAGS,
        responses={200: ("Live import status", LiveStatusRead), 415: ("Body is not JSON", None)},
    )
    def put(self, body: LiveStopUpdate) -> Any:
        ctx = context_of(ScrapingContext)
        live.set_live_stop(ctx, body.stopped, body.reason, actor())
        return _status_body(live.live_status(ctx))
