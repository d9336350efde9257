"""REST resources of the scraping service, by URL."""

from __future__ import annotations

from scraping_service.api.imports import ImportListResource, ImportResource
from scraping_service.api.live import LiveResource, LiveStopResource
from shared.http.app_factory import Route

ROUTES: list[Route] = [
    (ImportListResource, "/api/imports"),
    (ImportResource, "/api/imports/<int:run_id>"),
    (LiveResource, "/api/live"),
    (LiveStopResource, "/api/live/stop"),
]
